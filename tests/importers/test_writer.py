"""The shared writer, fed records directly (what both importers parse into)."""

from datetime import UTC, datetime

from masthead.importers.records import SourceAuthor, SourcePost, SourceTerm
from masthead.importers.report import ImportOptions
from masthead.importers.services import run_import
from masthead.news.models import ArticlePage


class RecordSource:
    kind = "ghost"
    site_url = "https://old.example"

    def __init__(self, posts):
        self._posts = posts

    def check(self):
        pass

    def authors(self):
        yield SourceAuthor(
            source_id="u1",
            name="Jane Roe",
            slug="jane-roe",
            bio="<b>Bio</b>",
            email="jane@example.org",
            old_urls=["/author/jane-roe/"],
        )
        yield SourceAuthor(source_id="u2", name="Sam Poe", slug="sam-poe")

    def terms(self):
        yield SourceTerm(
            kind="tag", source_id="t1", name="Transit", slug="transit", old_urls=["/tag/transit/"]
        )

    def posts(self):
        yield from self._posts

    def count_posts(self):
        return len(self._posts)


def post(n, **fields):
    defaults = dict(
        source_id=str(n),
        title=f"Post {n}",
        slug=f"post-{n}",
        body_html=f"<p>Body {n}</p>",
        status="published",
        published_at=datetime(2020, 1, n, 12, tzinfo=UTC),
        author_ids=["u2", "u1"],
        tag_ids=["t1"],
        old_urls=[f"/2020/01/post-{n}/"],
    )
    return SourcePost(**{**defaults, **fields})


def test_records_become_live_articles_with_bylines_in_order_and_topics(section):
    report = run_import(
        RecordSource(
            [
                post(1),
                post(2, body_html='<p><a href="https://old.example/2020/01/post-1/">see</a></p>'),
            ]
        ),
        options=ImportOptions(),
    )
    assert report.counts["articles_created"] == 2, report.as_dict()
    page = ArticlePage.objects.get(slug="post-2")
    assert page.live
    assert [a.author.name for a in page.article_authors.all()] == ["Sam Poe", "Jane Roe"]
    assert list(page.tags.names()) == ["Transit"]
    first = ArticlePage.objects.get(slug="post-1")
    assert f'linktype="page" id="{first.pk}"' in page.body[0].value.source
    assert page.first_published_at == datetime(2020, 1, 2, 12, tzinfo=UTC)
