"""import_wordpress on the project's own WXR 1.1 and 1.2 exports."""

from datetime import UTC, datetime

import pytest
from django.core.management.base import CommandError
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model

from masthead.curation.models import EditorsPick
from masthead.importers.models import ImportedObject, ImportRun
from masthead.narration.models import Narration
from masthead.news.models import ArticlePage, Author, SectionPage

from .conftest import NEWSROOM, SMALL

pytestmark = pytest.mark.django_db


def article(slug: str) -> ArticlePage:
    return ArticlePage.objects.get(slug=slug)


def test_posts_come_over_with_bylines_in_order_seo_hero_section_and_topics(
    import_wordpress, media_dir
):
    output = import_wordpress(NEWSROOM, "--media-dir", str(media_dir), "--featured-as-picks")
    tram = article("tram-line")
    assert tram.live and tram.title == "Council votes to extend the tram line"
    assert tram.dek == "The line will reach Harbour Point by 2023."
    assert [a.author.name for a in tram.article_authors.all()] == ["Bob Jones", "Alice Smith"]
    assert tram.seo_title == "Tram line extended – Calder Bay Courier"
    assert tram.search_description == "The council approved the Harbour Point extension."
    assert tram.first_published_at == datetime(2020, 1, 15, 14, 30, tzinfo=UTC)
    assert tram.hero_image is not None and tram.hero_alt == "A tram at the depot"
    assert tram.hero_caption == "Trams wait at the Quay Street depot."
    # The child category's top-level parent is the section; the child is a topic.
    assert tram.get_parent().slug == "city" and tram.get_parent().live
    assert set(tram.tags.names()) == {"Transit", "City Hall"}
    kinds = [block.block_type for block in tram.body]
    assert kinds == ["paragraph", "image", "paragraph", "heading", "pull_quote"]
    assert "<br/>Construction starts next spring." in tram.body[0].value.source
    assert tram.body[1].value["caption"] == "The depot on Quay Street."
    assert tram.body[4].value["attribution"] == "Mayor Lin"
    # "Uncategorized" posts go to the default section; pages are not imported by default.
    assert article("budget-vote").get_parent().slug == "news"
    assert not ArticlePage.objects.filter(slug="about").exists()
    assert EditorsPick.objects.filter(article=tram).exists()
    assert "articles created: 6" in output and "warning 12: Private in the source" in output
    run = ImportRun.objects.get()
    assert run.status == "finished" and run.counts["articles_created"] == 6
    assert not Narration.objects.exists()  # archive articles: narrated only on request


def test_the_wxr_1_1_classic_editor_post_gets_paragraphs_and_line_breaks(import_wordpress):
    import_wordpress(SMALL)
    ferry = article("ferry-timetable")
    assert [b.block_type for b in ferry.body] == ["paragraph", "paragraph"]
    assert "line one<br/>line two." in ferry.body[0].value.source
    assert "Second paragraph &amp; more." in ferry.body[1].value.source
    assert ferry.get_parent().slug == "transport"
    assert Author.objects.filter(name="The Editor").exists()


def test_private_password_and_draft_posts_are_never_public(import_wordpress, client):
    import_wordpress(NEWSROOM)
    for slug in ("staff-rota", "embargoed-report", "half-written-feature"):
        page = article(slug)
        assert not page.live and page.first_published_at is None
    assert not Redirect.objects.filter(old_path="/2020/01/18/embargoed-report").exists()
    assert client.get("/2020/01/18/embargoed-report/").status_code == 404
    assert b"hunter2" not in str(ArticlePage.objects.values()).encode()


def test_a_scheduled_post_waits_for_its_time(import_wordpress):
    import_wordpress(NEWSROOM)
    election = article("election-night")
    assert not election.live
    assert election.get_latest_revision().approved_go_live_at == datetime(
        2099, 11, 5, 1, tzinfo=UTC
    )


def test_as_drafts_makes_nothing_public(import_wordpress):
    import_wordpress(NEWSROOM, "--as-drafts")
    assert not ArticlePage.objects.live().exists()


def test_old_addresses_redirect_to_the_new_pages(import_wordpress, client):
    import_wordpress(NEWSROOM)
    tram = article("tram-line")
    for old in ("/2020/01/15/tram-line/", "/?p=10"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == tram.url
    assert client.get("/category/city/")["Location"] == SectionPage.objects.get(slug="city").url
    assert client.get("/tag/transit/")["Location"] == "/tags/transit/"
    assert (
        client.get("/author/bob/")["Location"]
        == Author.objects.get(name="Bob Jones").get_absolute_url()
    )
    assert client.get(client.get("/?p=10")["Location"]).status_code == 200


def test_links_between_imported_posts_become_page_links_both_ways(import_wordpress):
    import_wordpress(NEWSROOM)
    tram, budget = article("tram-line"), article("budget-vote")
    assert f'<a linktype="page" id="{tram.pk}">' in budget.body[0].value.source
    # The tram story links forward to the budget story, imported after it.
    assert f'<a linktype="page" id="{budget.pk}">' in tram.body[1].value.source


def test_a_second_run_duplicates_nothing_and_a_changed_post_is_updated(import_wordpress, tmp_path):
    import_wordpress(NEWSROOM)
    counts = (
        ArticlePage.objects.count(),
        Author.objects.count(),
        Tag.objects.count(),
        Redirect.objects.count(),
        ImportedObject.objects.count(),
    )
    output = import_wordpress(NEWSROOM)
    assert "articles created: 0" in output and "articles skipped: 6" in output
    changed = tmp_path / "changed.xml"
    changed.write_text(
        NEWSROOM.read_text().replace(
            "Budget vote: what it means", "Budget vote: what it means for you"
        )
    )
    output = import_wordpress(changed)
    assert "articles updated: 1" in output
    assert article("budget-vote").title == "Budget vote: what it means for you"
    assert counts == (
        ArticlePage.objects.count(),
        Author.objects.count(),
        Tag.objects.count(),
        Redirect.objects.count(),
        ImportedObject.objects.count(),
    )


def test_a_missing_image_is_a_warning_and_the_article_is_still_imported(import_wordpress):
    output = import_wordpress(NEWSROOM)
    assert article("tram-line").hero_image is None
    assert "warning 10: Image not imported (no --media-dir given" in output
    assert not get_image_model().objects.exists()


def test_a_dry_run_reports_and_writes_nothing(import_wordpress, media_dir):
    before = ArticlePage.objects.count()
    output = import_wordpress(NEWSROOM, "--dry-run", "--media-dir", str(media_dir))
    assert "Dry run" in output and "articles created: 6" in output
    assert ArticlePage.objects.count() == before
    assert not (Author.objects.exists() or Redirect.objects.exists() or Tag.objects.exists())
    assert not (ImportedObject.objects.exists() or get_image_model().objects.exists())
    assert ImportRun.objects.get().dry_run


BROKEN = """<?xml version="1.0"?>
<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>Fish & chips</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status><wp:post_name>fish</wp:post_name></item>
</channel></rss>"""


def test_broken_xml_is_refused_with_line_and_column_and_recover_imports_it(
    import_wordpress, tmp_path
):
    broken = tmp_path / "broken.xml"
    broken.write_text(BROKEN)
    with pytest.raises(CommandError, match=r"not well-formed XML.*line 4, column \d+"):
        import_wordpress(broken)
    assert not ArticlePage.objects.filter(slug="fish").exists()
    assert ImportRun.objects.get().status == "failed"
    import_wordpress(broken, "--recover")
    assert article("fish").live


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"db": [{"meta": {}}]}', "JSON file, not a WordPress export"),
        (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
            "root element is <feed>",
        ),
        (
            '<?xml version="1.0"?><rss><channel><item><title>x</title></item></channel></rss>',
            "no <wp:wxr_version>",
        ),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_with_nothing_written(
    import_wordpress, tmp_path, content, message
):
    path = tmp_path / "export.xml"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        import_wordpress(path)
    assert not ArticlePage.objects.exists() and not Author.objects.exists()


def test_a_failing_post_rolls_back_alone_is_listed_and_a_rerun_finishes_the_job(
    import_wordpress, monkeypatch
):
    from masthead.importers.writer import ImportWriter

    real_body = ImportWriter._body

    def body_failing_for_post_11(self, record, page):
        if record.source_id == "11":
            raise ValueError("disk on fire")
        return real_body(self, record, page)

    monkeypatch.setattr(ImportWriter, "_body", body_failing_for_post_11)
    output = import_wordpress(NEWSROOM)
    assert "articles failed: 1" in output and "FAILED 11 “Budget vote: what it means”" in output
    assert article("tram-line").live and not ArticlePage.objects.filter(slug="budget-vote").exists()
    assert not Redirect.objects.filter(old_path="/2020/01/16/budget-vote").exists()
    monkeypatch.setattr(ImportWriter, "_body", real_body)
    output = import_wordpress(NEWSROOM)
    assert "articles created: 1" in output and article("budget-vote").live


def test_imported_articles_are_found_by_search_and_their_bylines_are_in_the_reference_index(
    import_wordpress,
):
    from wagtail.models import ReferenceIndex

    import_wordpress(NEWSROOM)
    tram = article("tram-line")
    assert tram.pk in [page.pk for page in ArticlePage.objects.live().search("tram")]
    bob = Author.objects.get(name="Bob Jones")
    referrers = ReferenceIndex.get_references_to(bob).values_list("object_id", flat=True)
    assert str(tram.pk) in set(referrers)
