"""Sitemaps split into keyset pages list every visible article once, in id order, with
its date and hero image, and nothing readers may not see (read back with lxml)."""

from wagtail.models import PageViewRestriction

from masthead.news.models import ArticlePage

from .conftest import parse_xml
from .test_sitemaps import HOST, NS, assert_valid, fetch, locs, sitemap_urls


def test_every_article_is_in_exactly_one_sitemap_page_in_id_order(client, settings, newsroom,
                                                                  make_article):  # fmt: skip
    settings.MASTHEAD_SITEMAP_LIMIT = 2
    extra = [make_article(title=f"Extra {n}") for n in range(3)]
    locked = make_article(title="Members only")
    PageViewRestriction.objects.create(page=locked, restriction_type=PageViewRestriction.LOGIN)
    pages = [u for u in sitemap_urls(client) if "/sitemap-articles" in u]
    assert len(pages) == 4  # 7 visible articles, 2 a page
    listed, entries = [], {}
    for url in pages:
        doc = fetch(client, url.removeprefix(HOST))
        assert_valid(doc, "all.xsd")
        assert 1 <= len(locs(doc)) <= 2
        listed += locs(doc)
        for entry in doc.findall("sm:url", NS):
            entries[entry.findtext("sm:loc", namespaces=NS)] = entry
    visible = sorted([*newsroom.live, *extra], key=lambda a: a.pk)
    assert listed == [HOST + a.url for a in visible]
    for article in visible:
        entry = entries[HOST + article.url]
        article = ArticlePage.objects.get(pk=article.pk)
        assert entry.findtext("sm:lastmod", namespaces=NS)
        (image,) = entry.findall("image:image/image:loc", NS)
        assert image.text == HOST + article.hero_image.file.url
    assert client.get("/sitemap-articles-5.xml").status_code == 404


def test_author_and_topic_sitemaps_list_only_those_with_a_visible_article(client, newsroom):
    authors = locs(parse_xml(client.get("/sitemap-authors.xml").content))
    assert authors == [f"{HOST}/authors/mara-okafor/", f"{HOST}/authors/theo-brandt/"]
    newsroom.market.unpublish()  # Theo's own story; he still shares the budget story
    newsroom.budget.unpublish()
    authors = locs(parse_xml(client.get("/sitemap-authors.xml").content))
    assert authors == [f"{HOST}/authors/mara-okafor/"]
    topics = locs(parse_xml(client.get("/sitemap-topics.xml").content))
    assert sorted(topics) == [f"{HOST}/tags/{s}/" for s in ("city-hall", "harbour", "transport")]
