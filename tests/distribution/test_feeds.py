"""RSS and Atom feeds, read back with feedparser the way a feed reader reads them."""

import html
from datetime import UTC

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.news.models import Author

FEEDS = {
    "home": ("/feeds/rss.xml", "/feeds/atom.xml"),
    "section": ("/feeds/sections/business/rss.xml", "/feeds/sections/business/atom.xml"),
    "tag": ("/feeds/tags/city-hall/rss.xml", "/feeds/tags/city-hall/atom.xml"),
    "author": ("/feeds/authors/theo-brandt/rss.xml", "/feeds/authors/theo-brandt/atom.xml"),
}
ALL_FEED_URLS = [url for pair in FEEDS.values() for url in pair]


def read(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return feed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def utc(value):
    return value.astimezone(UTC).timetuple()[:6]


@pytest.mark.parametrize("url", ALL_FEED_URLS)
def test_every_feed_parses_without_errors(client, newsroom, url):
    feed = read(client, url)
    assert feed.version in ("rss20", "atom10")
    assert feed.entries


@pytest.mark.parametrize("fmt", [0, 1])
def test_the_home_feed_lists_the_live_articles_newest_first(client, newsroom, fmt):
    feed = read(client, FEEDS["home"][fmt])
    assert titles(feed) == [a.title for a in newsroom.live]
    assert "Secret scoop" not in titles(feed)
    assert "Withdrawn story" not in titles(feed)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("section", ["Market hall sold", "Council passes budget"]),
        ("tag", ["Council passes budget", "Tarn bridge reopens"]),
        ("author", ["Market hall sold", "Council passes budget"]),
    ],
)
@pytest.mark.parametrize("fmt", [0, 1])
def test_section_tag_and_author_feeds_list_only_their_articles(
    client, newsroom, kind, expected, fmt
):
    assert titles(read(client, FEEDS[kind][fmt])) == expected


@pytest.mark.parametrize("fmt", [0, 1])
def test_entries_carry_dates_authors_categories_and_the_hero_image(client, newsroom, fmt):
    feed = read(client, FEEDS["home"][fmt])
    budget = next(e for e in feed.entries if e.title == "Council passes budget")
    article = newsroom.budget
    assert budget.published_parsed[:6] == utc(article.published_at)
    assert budget.updated_parsed[:6] == utc(article.last_updated_at)
    assert budget.link == "http://testserver" + article.url
    assert [a.name for a in budget.authors] == ["Mara Okafor", "Theo Brandt"]
    assert [t.term for t in budget.tags] == ["Business", "City Hall"]
    bridge = next(e for e in feed.entries if e.title == "Tarn bridge reopens")
    # Without a substantive update, "updated" is the publication date.
    assert bridge.updated_parsed[:6] == utc(newsroom.bridge.published_at)
    (media,) = bridge.media_content
    assert media["url"].startswith("http://testserver/media/images/harbour")
    assert (media["width"], media["height"]) == ("1200", "675")
    assert media["medium"] == "image"


def test_atom_authors_link_to_their_author_pages(client, newsroom):
    feed = read(client, FEEDS["home"][1])
    budget = next(e for e in feed.entries if e.title == "Council passes budget")
    assert [a.href for a in budget.authors] == [
        "http://testserver/authors/mara-okafor/",
        "http://testserver/authors/theo-brandt/",
    ]


def test_feed_ids_stay_the_same_when_an_article_is_renamed(client, newsroom):
    before = {e.title: e.id for e in read(client, FEEDS["home"][1]).entries}
    newsroom.market.slug = "market-hall-sold-to-cooperative"
    newsroom.market.save_revision().publish()
    after = {e.title: e.id for e in read(client, FEEDS["home"][1]).entries}
    assert after == before


@pytest.mark.parametrize("fmt", [0, 1])
def test_feeds_carry_the_summary_by_default(client, newsroom, fmt):
    feed = read(client, FEEDS["home"][fmt])
    bridge = next(e for e in feed.entries if e.title == "Tarn bridge reopens")
    assert html.unescape(bridge.summary) == "Traffic returns after two years."
    assert "content" not in bridge


@pytest.mark.parametrize("fmt", [0, 1])
def test_full_content_feeds_carry_the_whole_body_with_absolute_links(
    client, settings, make_article, newsroom, fmt
):
    settings.MASTHEAD_FEED_CONTENT = "full"
    body = [
        {
            "type": "paragraph",
            "value": f'<p>Read <a linktype="page" id="{newsroom.budget.pk}">the vote</a>.</p>',
        },
        {"type": "heading", "value": "What changed"},
        {
            "type": "image",
            "value": {"image": newsroom.bridge.hero_image_id, "alt": "Cranes", "caption": "Work"},
        },
        {"type": "pull_quote", "value": {"quote": "It feels new.", "attribution": "A driver"}},
        {"type": "list", "value": {"ordered": True, "items": ["One", "Two"]}},
        {
            "type": "embed",
            "value": {
                "title": "Table",
                "html": "<table><tr><td>1</td></tr></table><script>x()</script>",
            },
        },
        {"type": "related", "value": {"article": newsroom.market.pk}},
    ]
    make_article(title="Full story", body=body)
    feed = read(client, FEEDS["home"][fmt])
    entry = next(e for e in feed.entries if e.title == "Full story")
    soup = BeautifulSoup(entry.content[0].value, "html.parser")
    assert soup.find("a", string="the vote")["href"] == "http://testserver" + newsroom.budget.url
    assert soup.find("h2").get_text() == "What changed"
    img = soup.find("img")
    assert img["src"].startswith("http://testserver/media/images/") and img["alt"] == "Cranes"
    assert soup.find("blockquote").get_text(" ", strip=True) == "It feels new. — A driver"
    assert [li.get_text() for li in soup.select("ol li")] == ["One", "Two"]
    assert soup.find("td").get_text() == "1" and "x()" not in entry.content[0].value
    assert (
        soup.find("a", string="Market hall sold")["href"]
        == "http://testserver" + newsroom.market.url
    )


def test_unknown_sections_tags_and_authors_have_no_feed(client, newsroom):
    for url in (
        "/feeds/sections/nowhere/rss.xml",
        "/feeds/tags/nothing/atom.xml",
        "/feeds/authors/nobody/rss.xml",
        "/feeds/sections/article-1/rss.xml",
    ):
        assert client.get(url).status_code == 404, url


def test_a_draft_tag_feed_shows_nothing_of_the_draft(client, newsroom):
    assert read(client, "/feeds/tags/scoop/rss.xml").entries == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", ["/feeds/rss.xml", "/feeds/atom.xml"]),
        (
            "/business/",
            [
                "/feeds/rss.xml",
                "/feeds/atom.xml",
                "/feeds/sections/business/rss.xml",
                "/feeds/sections/business/atom.xml",
            ],
        ),
        (
            "/tags/city-hall/",
            [
                "/feeds/rss.xml",
                "/feeds/atom.xml",
                "/feeds/tags/city-hall/rss.xml",
                "/feeds/tags/city-hall/atom.xml",
            ],
        ),
        (
            "/authors/theo-brandt/",
            [
                "/feeds/rss.xml",
                "/feeds/atom.xml",
                "/feeds/authors/theo-brandt/rss.xml",
                "/feeds/authors/theo-brandt/atom.xml",
            ],
        ),
    ],
)
def test_pages_announce_their_feeds_and_the_announced_feeds_work(client, newsroom, path, expected):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    links = soup.select('head link[rel="alternate"]')
    assert [link["href"].removeprefix("http://testserver") for link in links] == expected
    for link in links:
        assert link["type"] in ("application/rss+xml", "application/atom+xml")
        assert read(client, link["href"]).entries


def _queries(client, url: str) -> int:
    client.get(url)  # warm: renditions made, navigation cached
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def add_rich_articles(make_article, newsroom, images_factory, count: int, key: str) -> None:
    """Articles with everything that costs a query: byline, tags, a hero image, body
    images, related cards and internal links."""
    writers = [Author.objects.create(name=f"W{key}{n}", slug=f"w{key}{n}") for n in range(3)]
    for n in range(count):
        body = [
            {
                "type": "paragraph",
                "value": f'<p>See <a linktype="page" id="{newsroom.bridge.pk}">this</a>.</p>',
            },
            {"type": "image", "value": {"image": images_factory().pk, "alt": "x"}},
            {"type": "related", "value": {"article": newsroom.market.pk}},
            {"type": "editors_note", "value": {"kind": "update", "text": "<p>Updated.</p>"}},
        ]
        make_article(
            title=f"More {key}{n}",
            body=body,
            authors=writers,
            tags=["City Hall", f"t{key}{n}"],
            hero_image=images_factory(),
        )


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("url", ["/feeds/rss.xml", "/feeds/tags/city-hall/atom.xml"])
def test_feed_query_counts_do_not_grow_with_the_number_of_articles(
    client, settings, newsroom, make_article, images_factory, full, url
):
    settings.MASTHEAD_FEED_CONTENT = "full" if full else "summary"
    add_rich_articles(make_article, newsroom, images_factory, 1, "a")
    few = _queries(client, url)
    add_rich_articles(make_article, newsroom, images_factory, 8, "b")
    many = _queries(client, url)
    assert len(read(client, url).entries) >= 10
    assert many == few


@pytest.fixture
def images_factory(db):
    from wagtail.images import get_image_model

    from tests.conftest import make_image_file

    counter = iter(range(1000))

    def make():
        n = next(counter)
        file = make_image_file(f"extra-{n}.jpg", size=(320, 180), colour=(n * 7 % 256, 10, 10))
        return get_image_model().objects.create(title=f"Extra {n}", file=file)

    return make


def test_with_the_page_cache_on_a_new_article_reaches_the_feed_at_once(
    client, settings, newsroom, make_article, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_NARRATION_ENABLED = False
    assert "Just published" not in titles(read(client, FEEDS["home"][0]))
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Just published")
    assert titles(read(client, FEEDS["home"][0]))[0] == "Just published"
