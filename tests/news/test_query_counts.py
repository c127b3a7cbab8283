"""Public pages run a constant number of SQL queries, however much they show."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.news.models import Author, SectionPage
from tests.conftest import make_image_file


def new_image(n: int):
    colour = (n * 37 % 256, n * 91 % 256, n * 53 % 256)
    file = make_image_file(f"picture-{n}.jpg", size=(320, 180), colour=colour)
    return get_image_model().objects.create(title=f"Picture {n}", file=file)


def count_queries(client, url: str) -> tuple[int, list[str]]:
    """Queries of a warm request: renditions exist and the navigation is cached."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def images(db):
    counter = iter(range(1, 1000))
    return lambda: new_image(next(counter))


@pytest.fixture
def build_article(make_article, images):
    def build(*, tags: int, authors: int, related: int, body_images: int, key: str):
        team = [
            Author.objects.create(name=f"Writer {key}{n}", slug=f"writer-{key}-{n}")
            for n in range(authors)
        ]
        others = [
            make_article(title=f"Related {key}{n}", hero_image=images(), authors=team[:1])
            for n in range(related)
        ]
        body = [{"type": "paragraph", "value": "<p>Opening paragraph.</p>"}]
        for n in range(body_images):
            body.append({"type": "image", "value": {"image": images().pk, "alt": f"Image {n}"}})
        body += [{"type": "related", "value": {"article": other.pk}} for other in others]
        return make_article(
            title=f"Main {key}",
            hero_image=images(),
            authors=team,
            tags=[f"topic-{key}-{n}" for n in range(tags)],
            body=body,
        )

    return build


def test_the_article_page_query_count_does_not_grow_with_its_content(client, build_article):
    small = build_article(tags=1, authors=1, related=1, body_images=1, key="s")
    large = build_article(tags=6, authors=5, related=5, body_images=5, key="l")

    small_count, small_sql = count_queries(client, small.url)
    large_count, large_sql = count_queries(client, large.url)

    assert large_count == small_count, "\n".join(large_sql)


def test_the_article_page_shows_everything_it_was_given(client, build_article):
    # Guards the query-count test: the large article really renders all of its parts.
    large = build_article(tags=6, authors=5, related=5, body_images=5, key="l")
    soup = BeautifulSoup(client.get(large.url).content, "html.parser")
    assert len(soup.select(".article-tags li")) == 6
    assert len(soup.select(".byline a")) == 5
    assert len(soup.select(".article-body aside.related-card")) == 5
    assert len(soup.select(".article-body figure.body-image picture")) == 5


def fill_section(make_article, images, section, count: int, key: str) -> None:
    writers = [
        Author.objects.create(name=f"Writer {key}{n}", slug=f"writer-{key}-{n}") for n in range(3)
    ]
    for n in range(count):
        make_article(
            title=f"{key} story {n}",
            parent=section,
            hero_image=images(),
            authors=writers[: 1 + n % 3],
            tags=[f"tag-{n}"],
        )


def test_the_section_page_query_count_does_not_grow_with_its_articles(
    client, make_article, images, home
):
    quiet = home.add_child(instance=SectionPage(title="Quiet", slug="quiet"))
    quiet.save_revision().publish()
    busy = home.add_child(instance=SectionPage(title="Busy", slug="busy"))
    busy.save_revision().publish()
    fill_section(make_article, images, quiet, 3, "q")
    fill_section(make_article, images, busy, 12, "b")

    quiet_count, _ = count_queries(client, quiet.url)
    busy_count, busy_sql = count_queries(client, busy.url)

    assert busy_count == quiet_count, "\n".join(busy_sql)


def test_the_home_page_query_count_does_not_grow_with_its_articles(
    client, make_article, images, section, home
):
    # Six articles: a lead, four top stories and one left for the section blocks.
    picks = EditorsPicks.load()
    fill_section(make_article, images, section, 6, "a")
    for order, article in enumerate(section.get_children().specific()[:1]):
        EditorsPick.objects.create(collection=picks, article=article, sort_order=order)
    few_count, _ = count_queries(client, "/")

    for slug in ("world", "business", "culture"):
        extra = home.add_child(instance=SectionPage(title=slug.title(), slug=slug))
        extra.save_revision().publish()
        fill_section(make_article, images, extra, 4, slug)
    fill_section(make_article, images, section, 9, "b")
    for order, article in enumerate(section.get_children().specific()[1:4], start=1):
        EditorsPick.objects.create(collection=picks, article=article, sort_order=order)
    many_count, many_sql = count_queries(client, "/")

    assert many_count == few_count, "\n".join(many_sql)
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert len(soup.select("section.section-block")) == 4
    assert len(soup.select(".editors-picks .card")) == 4


def older_link(client, url: str) -> str:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return url + soup.select_one('a[rel="next"]')["href"]


def test_tag_author_and_deep_pages_run_the_same_queries_however_much_they_list(
    client, make_article, images, home, settings, django_assert_num_queries
):
    # A page of two cards: the quiet listings fill one page, the busy ones three, with
    # more authors per card and more tags per article.
    settings.MASTHEAD_PAGE_SIZE = 2
    quiet = home.add_child(instance=SectionPage(title="Quiet", slug="quiet"))
    quiet.save_revision().publish()
    busy = home.add_child(instance=SectionPage(title="Busy", slug="busy"))
    busy.save_revision().publish()
    fill_section(make_article, images, quiet, 1, "q")
    team = [Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(3)]
    for n in range(6):
        make_article(title=f"Busy story {n}", parent=busy, hero_image=images(), authors=team,
                     tags=["tides", "harbour", "ferries", f"extra-{n}"])  # fmt: skip
    pairs = [
        ("/tags/tag-0/", "/tags/harbour/"),
        ("/authors/writer-q-0/", "/authors/writer-0/"),
        (quiet.url, busy.url + "?page=2"),
        (quiet.url, older_link(client, busy.url + "?page=2")),
        ("/tags/tag-0/", older_link(client, "/tags/harbour/")),
    ]
    for few, many in pairs:
        expected, _ = count_queries(client, few)
        client.get(many)
        with django_assert_num_queries(expected):
            response = client.get(many)
        assert len(BeautifulSoup(response.content, "html.parser").select("main .card")) == 2


def test_the_topics_index_runs_the_same_queries_for_three_topics_or_thirty(
    client, make_article, django_assert_num_queries
):
    make_article(tags=["one", "two", "three"])
    expected, _ = count_queries(client, "/topics/")
    for n in range(9):
        make_article(tags=[f"more-{n}-{k}" for k in range(3)])
    with django_assert_num_queries(expected):
        response = client.get("/topics/")
    assert len(BeautifulSoup(response.content, "html.parser").select(".topic-list li")) == 30
