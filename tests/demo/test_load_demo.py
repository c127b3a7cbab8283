"""`load_demo` builds the demo newsroom once; running it again adds nothing.

Loading takes a while, so one test loads twice and checks everything in between.
"""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from masthead.curation.models import EditorsPick
from masthead.news.models import ArticlePage, Author, Correction, HomePage, SectionPage

PASSWORD = "calder-demo-password"


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


def test_loading_the_demo_builds_the_newsroom_and_loading_it_again_adds_nothing(
    client, db, monkeypatch
):
    monkeypatch.setenv("MASTHEAD_DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=io.StringIO())

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

    assert client.login(username="editor", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert client.login(username="reporter", password=PASSWORD)

    home = client.get("/")
    assert home.status_code == 200
    assert live[0].title.encode() in client.get(live[0].url).content

    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before
    assert client.login(username="editor", password=PASSWORD)
