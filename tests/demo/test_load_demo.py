"""`load_demo` builds the demo newsroom once; running it again adds nothing.

The demo is loaded once for the module (tests/demo/conftest.py)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from masthead.curation.models import EditorsPick
from masthead.news.models import ArticlePage, Author, Correction, HomePage, SectionPage

from .conftest import PASSWORD, load

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "articles": ArticlePage.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "authors": Author.objects.count(),
        "picks": EditorsPick.objects.count(),
        "corrections": Correction.objects.count(),
        "users": get_user_model().objects.count(),
    }


def has_verification_note(article: ArticlePage) -> bool:
    return any(
        block.block_type == "editors_note" and block.value["kind"] == "verification"
        for block in article.body
    )


def test_loading_the_demo_builds_the_newsroom(client, demo):
    assert HomePage.objects.count() == 1
    sections = SectionPage.objects.live()
    assert sorted(sections.values_list("slug", flat=True)) == [
        "business",
        "culture",
        "news",
        "opinion",
        "world",
    ]
    assert Author.objects.count() == 8
    live = list(ArticlePage.objects.live())
    assert len(live) >= 60
    assert all(a.hero_image_id and a.hero_alt.strip() for a in live)
    for section in sections:
        assert ArticlePage.objects.live().child_of(section).exists(), section.slug
    assert any(a.corrections.exists() for a in live)
    assert any(has_verification_note(a) for a in live)
    picks = list(EditorsPick.objects.select_related("article"))
    assert picks and all(p.article.live for p in picks)
    assert client.get("/").status_code == 200
    assert live[0].title.encode() in client.get(live[0].url).content


def test_loading_the_demo_again_adds_nothing_and_keeps_the_password(client, demo, monkeypatch):
    monkeypatch.setenv("MASTHEAD_DEMO_PASSWORD", PASSWORD)
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "0 new articles" in output
    assert client.login(username="editor", password=PASSWORD)
