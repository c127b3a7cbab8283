"""Every tag gets a usable slug, so every page that links to it can be built."""

import importlib

import pytest
from django.apps import apps
from django.urls import NoReverseMatch
from lxml import etree
from taggit.models import Tag

from masthead.news.tags import is_usable

migration = importlib.import_module("masthead.news.migrations.0003_tags_without_a_usable_slug")


@pytest.fixture
def punctuation_article(make_article):
    return make_article(title="Signs and symbols", tags=["&", ">", "Transport"])


def test_punctuation_only_tags_get_distinct_numbered_slugs(punctuation_article):
    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert slugs == {"&": "tag-1", ">": "tag-2", "Transport": "transport"}


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Zürich", "zürich"), ("中国", "中国"), ("🔥", "fire"), ("C++", "c"), ("---", "tag-1")],
)
def test_a_name_keeps_its_letters_and_is_transliterated_when_it_has_none(db, name, slug):
    assert Tag.objects.create(name=name).slug == slug


def test_a_transliterated_slug_that_is_taken_falls_back_to_a_number(db):
    Tag.objects.create(name="fire")
    assert Tag.objects.create(name="🔥").slug == "tag-1"


def test_the_article_page_links_each_tag_to_a_page_that_answers(client, punctuation_article):
    response = client.get(punctuation_article.url)
    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("tag-1", "tag-2", "transport"):
        assert f'href="/tags/{slug}/"' in html
        assert client.get(f"/tags/{slug}/").status_code == 200


def test_the_topics_sitemap_lists_every_tag(client, punctuation_article):
    response = client.get("/sitemap-topics.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    locs = {el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert locs == {f"http://testserver/tags/{s}/" for s in ("tag-1", "tag-2", "transport")}


def test_the_api_listing_and_tag_feeds_answer(client, punctuation_article):
    response = client.get("/api/v2/articles/")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert sorted(t["slug"] for t in item["tags"]) == ["tag-1", "tag-2", "transport"]
    assert client.get("/api/v2/articles/?tag=tag-1").json()["meta"]["total_count"] == 1
    assert client.get("/feeds/tags/tag-2/rss.xml").status_code == 200


def test_the_migration_repairs_tags_stored_with_an_empty_slug(client, make_article):
    article = make_article(tags=["Harbour", "Budget"])
    # As taggit stored them before: "&" got "" and ">" got "_1".
    Tag.objects.filter(name="Harbour").update(name="&", slug="")
    Tag.objects.filter(name="Budget").update(name=">", slug="_")
    with pytest.raises(NoReverseMatch):  # what readers and crawlers got: a 500
        client.get("/sitemap-topics.xml")
    migration.give_usable_slugs(apps, None)
    slugs = sorted(Tag.objects.values_list("slug", flat=True))
    assert slugs == ["tag-1", "tag-2"]
    assert all(is_usable(s) for s in slugs)
    assert client.get(article.url).status_code == 200
    assert client.get("/sitemap-topics.xml").status_code == 200
