"""A story without a hero image (breaking news): published by an editor through the admin,
shown well on every page, card, feed, API response and in its structured data."""

import json

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.news.models import ArticlePage

HEADLINE = "Bridge closed after barge strike"


def breaking_form(section_author, **overrides) -> dict:
    return nested_form_data({
        "title": HEADLINE, "slug": "bridge-closed", "dek": "Traffic diverted downtown.",
        "hero_image": "", "hero_alt": "",
        "body": streamfield([("paragraph", rich_text("<p>The Main Street bridge is shut.</p>"))]),
        "article_authors": inline_formset([{"author": section_author.pk}]),
        "corrections": inline_formset([]), "read_also_picks": inline_formset([]), "tags": "Traffic",
        "action-publish": "1", **overrides,
    })  # fmt: skip


@pytest.fixture
def editor_client(client, db):
    editor = User.objects.create_user("desk", "desk@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    return client


@pytest.fixture
def breaking(editor_client, client, section, author) -> ArticlePage:
    response = editor_client.post(
        f"/admin/pages/add/news/articlepage/{section.pk}/", breaking_form(author)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return ArticlePage.objects.get(slug="bridge-closed")


def soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def no_broken_images(page: BeautifulSoup) -> None:
    for img in page.find_all("img"):
        assert img.get("src"), img
        assert img.get("alt") is not None, img


def test_an_editor_publishes_a_story_without_a_hero_image(breaking):
    assert breaking.live
    assert breaking.hero_image is None
    assert breaking.reading_time_label == "1 min read"


def test_an_image_without_alt_text_is_still_refused(editor_client, section, author, image):
    form = breaking_form(author, hero_image=image.pk, hero_alt="")
    response = editor_client.post(f"/admin/pages/add/news/articlepage/{section.pk}/", form)
    assert response.status_code == 200
    assert "Describe the hero image" in response.content.decode()
    assert not ArticlePage.objects.filter(slug="bridge-closed").exists()


def test_the_article_page_has_no_hero_figure_and_no_broken_image(client, breaking):
    page = soup(client, breaking.url)
    assert page.h1.get_text(strip=True) == HEADLINE
    assert page.select_one("figure.hero") is None
    assert page.select_one(".reading-time").get_text(strip=True) == "1 min read"
    no_broken_images(page)


def test_cards_of_a_story_without_a_picture_show_its_headline_and_no_image(client, breaking):
    for url in ("/", "/news/", "/tags/traffic/", "/authors/mara-okafor/", "/search/?q=bridge"):
        page = soup(client, url)
        card = next(c for c in page.select(".card") if HEADLINE in c.get_text())
        assert card.select_one(".card-image") is None, url
        assert card.find("img") is None, url
        no_broken_images(page)


def test_editors_picks_and_related_card_show_a_story_without_a_picture(
    client, breaking, make_article
):
    collection = EditorsPicks.load()
    EditorsPick.objects.create(collection=collection, article=breaking, sort_order=0)
    other = make_article(
        title="Commuters adapt",
        body=[
            {"type": "paragraph", "value": "<p>Buses run instead.</p>"},
            {"type": "related", "value": {"article": breaking.pk}},
        ],
    )
    page = soup(client, other.url)
    pick = page.select_one(".editors-picks .card")
    assert pick.select_one(".card-title").get_text(strip=True) == HEADLINE
    assert pick.find("img") is None
    related = page.select_one(".related-card")
    assert HEADLINE in related.get_text()
    assert related.find("img") is None
    no_broken_images(page)


def test_json_ld_of_a_story_without_a_picture_has_no_image_and_no_null(client, breaking):
    page = soup(client, breaking.url)
    blocks = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    article = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert article["headline"] == HEADLINE
    assert "image" not in article
    assert None not in article.values()


def test_social_tags_of_a_story_without_a_picture_use_the_site_image(client, breaking):
    page = soup(client, breaking.url)
    image = page.find("meta", property="og:image")
    assert image is not None and image["content"].startswith("http://testserver/static/")
    assert page.find("meta", property="og:image:alt") is None


def test_feeds_list_a_story_without_a_picture_with_no_image(client, breaking):
    for url in ("/feeds/rss.xml", "/feeds/atom.xml", "/feeds/sections/news/rss.xml"):
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo, url
        entry = next(e for e in feed.entries if e.title == HEADLINE)
        assert not [link for link in entry.get("links", []) if link.get("rel") == "enclosure"]
        assert "media_content" not in entry


def test_the_api_and_sitemap_serve_a_story_without_a_picture(client, breaking):
    detail = client.get(f"/api/v2/articles/{breaking.pk}/")
    assert detail.status_code == 200
    assert detail.json()["hero_image"] is None
    sitemap = client.get("/sitemap-articles.xml")
    assert sitemap.status_code == 200
    assert b"bridge-closed" in sitemap.content
    assert b"image:image" not in sitemap.content
