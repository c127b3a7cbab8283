"""Sitemaps validate against their XML schemas and list exactly what readers can reach."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from .conftest import parse_xml, validator

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
HOST = "http://testserver"


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return parse_xml(response.content)


def assert_valid(doc, schema: str) -> None:
    xsd = validator(schema)
    assert xsd.validate(doc), xsd.error_log


def sitemap_urls(client, index_url: str = "/sitemap.xml") -> list[str]:
    index = fetch(client, index_url)
    return [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]


def locs(doc) -> list[str]:
    return [loc.text for loc in doc.findall("sm:url/sm:loc", NS)]


def read_all(client) -> dict[str, list]:
    """{sitemap URL: parsed document} for every sitemap the index lists."""
    return {url: fetch(client, url.removeprefix(HOST)) for url in sitemap_urls(client)}


def test_the_sitemap_index_validates_and_lists_each_sitemap(client, newsroom):
    index = fetch(client, "/sitemap.xml")
    assert_valid(index, "siteindex.xsd")
    assert sitemap_urls(client) == [
        f"{HOST}/sitemap-pages.xml",
        f"{HOST}/sitemap-articles.xml",
        f"{HOST}/sitemap-authors.xml",
        f"{HOST}/sitemap-topics.xml",
    ]
    for lastmod in index.findall("sm:sitemap/sm:lastmod", NS):
        assert datetime.fromisoformat(lastmod.text) > timezone.now() - timedelta(hours=1)


def test_every_sitemap_validates_with_its_image_entries(client, newsroom):
    for url, doc in read_all(client).items():
        assert_valid(doc, "all.xsd")
        assert doc.findall("sm:url", NS), url


def test_the_sitemaps_list_exactly_the_published_pages(client, newsroom):
    docs = read_all(client)
    pages = locs(docs[f"{HOST}/sitemap-pages.xml"])
    articles = locs(docs[f"{HOST}/sitemap-articles.xml"])
    assert pages == [f"{HOST}/", f"{HOST}/news/", f"{HOST}/business/"]
    live = [newsroom.archive, newsroom.bridge, newsroom.budget, newsroom.market]
    assert articles == [HOST + a.url for a in live]  # in id order: pages stay stable
    assert locs(docs[f"{HOST}/sitemap-authors.xml"]) == [
        f"{HOST}/authors/mara-okafor/",
        f"{HOST}/authors/theo-brandt/",
    ]
    topics = locs(docs[f"{HOST}/sitemap-topics.xml"])
    assert sorted(topics) == sorted(
        f"{HOST}/tags/{slug}/" for slug in ("harbour", "transport", "city-hall")
    )
    everything = " ".join(pages + articles + topics)
    for hidden in ("scoop", "retracted", newsroom.draft.slug, newsroom.withdrawn.slug):
        assert hidden not in everything


def test_articles_carry_their_last_publication_and_hero_image(client, newsroom):
    doc = fetch(client, "/sitemap-articles.xml")
    entry = next(
        u
        for u in doc.findall("sm:url", NS)
        if u.findtext("sm:loc", namespaces=NS) == HOST + newsroom.bridge.url
    )
    lastmod = datetime.fromisoformat(entry.findtext("sm:lastmod", namespaces=NS))
    assert lastmod == newsroom.bridge.last_published_at
    (image,) = entry.findall("image:image/image:loc", NS)
    assert image.text == HOST + newsroom.bridge.hero_image.file.url


def test_a_section_is_as_fresh_as_its_latest_article(client, newsroom):
    doc = fetch(client, "/sitemap-pages.xml")
    lastmod = {
        u.findtext("sm:loc", namespaces=NS): datetime.fromisoformat(
            u.findtext("sm:lastmod", namespaces=NS)
        )
        for u in doc.findall("sm:url", NS)
    }
    assert lastmod[f"{HOST}/business/"] == newsroom.market.last_published_at
    assert lastmod[f"{HOST}/"] == max(a.last_published_at for a in newsroom.live)


def test_long_sitemaps_are_split_into_pages_listed_in_the_index(client, settings, newsroom):
    settings.MASTHEAD_SITEMAP_LIMIT = 3
    urls = sitemap_urls(client)
    # Pages are paths, not ?p=2: the page cache and CDNs key on the path.
    assert [u for u in urls if "articles" in u] == [
        f"{HOST}/sitemap-articles.xml",
        f"{HOST}/sitemap-articles-2.xml",
    ]
    first = fetch(client, "/sitemap-articles.xml")
    second = fetch(client, "/sitemap-articles-2.xml")
    assert_valid(second, "all.xsd")
    assert len(locs(first)) == 3 and len(locs(second)) == 1
    assert set(locs(first)).isdisjoint(locs(second))
    for missing in ("/sitemap-articles-3.xml", "/sitemap-articles-1.xml", "/sitemap-nothing.xml"):
        assert client.get(missing).status_code == 404, missing


def test_the_news_sitemap_lists_the_last_two_days_with_google_news_tags(client, newsroom):
    doc = fetch(client, "/news-sitemap.xml")
    assert_valid(doc, "all.xsd")
    recent = [newsroom.market, newsroom.budget, newsroom.bridge]  # not the 5-day-old story
    assert locs(doc) == [HOST + a.url for a in recent]
    for url, article in zip(doc.findall("sm:url", NS), recent, strict=True):
        news = url.find("news:news", NS)
        assert news.findtext("news:publication/news:name", namespaces=NS) == "The Calder Ledger"
        assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
        assert news.findtext("news:title", namespaces=NS) == article.title
        published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
        assert published == article.published_at


def test_the_news_sitemap_schema_rejects_a_missing_title(client, newsroom):
    # Guards the schema itself: it really checks the news elements inside <url>.
    doc = fetch(client, "/news-sitemap.xml")
    title = doc.find("sm:url/news:news/news:title", NS)
    title.getparent().remove(title)
    assert not validator("all.xsd").validate(doc)


def test_robots_txt_lists_both_sitemaps(client, newsroom):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert f"Sitemap: {HOST}/news-sitemap.xml" in lines
    for line in lines:
        if line.startswith("Sitemap: "):
            assert client.get(line.removeprefix(f"Sitemap: {HOST}")).status_code == 200


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-pages.xml",
        "/sitemap-authors.xml",
        "/sitemap-topics.xml",
        "/news-sitemap.xml",
    ],
)
def test_sitemap_query_counts_do_not_grow_with_the_number_of_articles(
    client, newsroom, make_article, url
):
    few = _queries(client, url)
    for n in range(6):
        make_article(title=f"Extra {n}", tags=[f"extra-{n}"], parent=newsroom.business)
    assert _queries(client, url) == few


def test_an_unpublished_article_leaves_the_sitemaps(client, newsroom):
    newsroom.market.unpublish()
    everything = etree.tostring(fetch(client, "/sitemap-articles.xml")).decode()
    everything += etree.tostring(fetch(client, "/news-sitemap.xml")).decode()
    assert newsroom.market.url not in everything


def test_with_the_page_cache_on_sitemap_pages_stay_apart_and_publishing_refreshes_them(
    client, settings, newsroom, make_article, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_NARRATION_ENABLED = False  # publishing would narrate with the real voice
    settings.MASTHEAD_SITEMAP_LIMIT = 3
    first = locs(fetch(client, "/sitemap-articles.xml"))
    second = locs(fetch(client, "/sitemap-articles-2.xml"))
    assert set(first).isdisjoint(second)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = make_article(title="Just published")
    assert HOST + fresh.url in locs(fetch(client, "/sitemap-articles-2.xml"))
    assert HOST + fresh.url in locs(fetch(client, "/news-sitemap.xml"))


def test_the_fast_url_rule_of_long_sitemaps_agrees_with_wagtail(newsroom):
    from wagtail.models import Page

    from masthead.distribution.links import UrlPathResolver

    resolve = UrlPathResolver()
    pages = Page.objects.filter(depth__gte=2)
    assert len(pages) > 8
    for page in pages:
        assert resolve(page.url_path) == page.get_url_parts()[2], page.url_path
