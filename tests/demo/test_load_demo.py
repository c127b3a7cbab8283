"""`load_demo` builds the demo newsroom once (running it again adds nothing), and what
the loaded demo looks like to the people who try it: who can sign in as what, an audience
history, varied pictures with real captions, audio newest first.

Loading draws ~150 pictures, so the demo is loaded once for this module
(tests/demo/conftest.py) and every test looks at it."""

from collections import Counter
from datetime import datetime, timedelta
from pathlib import PurePosixPath

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from masthead.audience.models import DailyArticleViews
from masthead.audience.selectors import most_popular
from masthead.curation.models import EditorsPick
from masthead.demo import illustrations
from masthead.demo.audience import DAYS, demo_view_counts
from masthead.news.models import ArticlePage, Author, Correction, HomePage, SectionPage
from masthead.news.selectors import newest_first, section_listing

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


def signs_in(client, username: str) -> bool:
    ok = client.login(username=username, password=PASSWORD)
    client.logout()
    return ok


def test_the_editor_is_an_editor_the_admin_a_superuser_and_the_reporter_a_reporter(client, demo):
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    groups = {name: {g.name for g in user.groups.all()} for name, user in users.items()}
    assert not users["editor"].is_superuser and groups["editor"] == {"Editor"}
    assert users["admin"].is_superuser
    assert not users["reporter"].is_superuser and groups["reporter"] == {"Reporter"}
    assert all(signs_in(client, name) for name in ("editor", "admin", "reporter"))
    client.login(username="editor", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/users/").status_code in (302, 403)  # not an administrator's
    assert "editor (Editor group), reporter (Reporter group), admin (Admin group, superuser)" in (
        demo.output
    )


def test_thirty_days_of_views_make_most_popular_and_the_report_look_lived_in(client, demo):
    today = timezone.localdate()
    days = set(DailyArticleViews.objects.values_list("day", flat=True))
    assert min(days) == today - timedelta(days=DAYS - 1) and max(days) <= today
    assert len(days) >= DAYS - 1  # today may not have begun for the demo's readers yet

    popular = most_popular(limit=5)
    views = [article.views for article in popular]
    assert len(popular) == 5 and all(views) and views == sorted(views, reverse=True)

    totals = sorted(
        (sum(r) for r in _views_by_article().values()), reverse=True
    )  # a long tail: the top tenth of the stories have more readers than the bottom half
    assert sum(totals[: len(totals) // 10]) > sum(totals[len(totals) // 2 :])

    client.login(username="editor", password=PASSWORD)
    page = BeautifulSoup(client.get("/admin/audience/?days=30").content, "html.parser")
    assert "These figures include demo data" in page.get_text()
    assert page.select(".audience-top tbody tr")


def _views_by_article() -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    for article_id, views in DailyArticleViews.objects.values_list("article_id", "views"):
        rows.setdefault(article_id, []).append(views)
    return rows


def test_the_demo_audience_is_the_same_every_time_and_quieter_at_weekends():
    now = timezone.make_aware(datetime(2026, 3, 18, 15, 0))
    old = now - timedelta(days=90)
    articles = [(n, f"story-{n}", old) for n in range(1, 61)]
    counts = demo_view_counts(articles, now=now)
    assert counts == demo_view_counts(articles, now=now)
    by_weekday = Counter()
    for (_, day), views in counts.items():
        if day < now.date():
            by_weekday[day.weekday() >= 5] += views
    weekend, weekday = by_weekday[True] / 8, by_weekday[False] / 21  # days in 29 full days
    assert weekend < 0.8 * weekday


def demo_pictures() -> list[tuple[str, str, str]]:
    """(alt, caption, credit) of every hero and body image of the demo."""
    pictures = []
    for article in ArticlePage.objects.live():
        pictures.append((article.hero_alt, article.hero_caption, article.hero_credit))
        for block in article.body:
            if block.block_type == "image":
                v = block.value
                pictures.append((v["alt"], v["caption"], v["credit"]))
    return pictures


def test_every_caption_says_something_other_than_the_alt_text(demo):
    pictures = demo_pictures()
    assert len(pictures) > 60
    for alt, caption, credit in pictures:
        described = alt.removeprefix("Illustration: ").lower()
        assert caption and caption.lower() not in alt.lower(), caption
        assert described not in caption.lower(), caption
        assert credit == "Illustration: Masthead demo"


def scene_of(image) -> str:
    # The loader names each picture's file after its scene: "harbour-demo-hero-....jpg".
    return PurePosixPath(image.file.name).name.split("-")[0]


def test_no_section_shows_one_scene_on_more_than_a_third_of_its_cards(demo):
    for section in SectionPage.objects.live():
        cards = list(section_listing(section, None))
        images = get_image_model().objects.in_bulk([card.hero_image_id for card in cards])
        scenes = Counter(scene_of(images[card.hero_image_id]) for card in cards)
        assert set(scenes) <= set(illustrations.SCENES)
        scene, count = scenes.most_common(1)[0]
        assert count <= len(cards) / 3, (section.slug, scene, count, len(cards))


def test_the_demo_asks_for_the_newest_articles_narrations_first(demo):
    # The order of the home page and the section pages.
    newest = list(newest_first(ArticlePage.objects.live()).values_list("pk", flat=True))
    assert len(demo.narration_requests) == len(newest) == 60
    assert demo.narration_requests == newest


def test_the_demo_has_three_newsletters_and_a_sent_issue_the_admin_shows(client, demo):
    from masthead.newsletters.models import Newsletter, Send

    send = Send.objects.get()
    assert Newsletter.objects.count() == 3
    assert (send.status, send.sent_count, send.recipients) == ("sent", 4, 4)
    client.login(username="editor", password=PASSWORD)
    page = client.get(f"/admin/newsletters/issues/{send.pk}/").content.decode()
    assert "Morning briefing: welcome to the demo" in page and "<dd>Sent</dd>" in page


def test_one_demo_article_is_for_members_and_shows_the_wall(client, demo):
    walled = ArticlePage.objects.get(slug="crumb-and-kiln-bakery-expansion")
    assert walled.access_level == "members"
    html = client.get(walled.url).content.decode()
    assert "registration-wall" in html and '"isAccessibleForFree": false' in html.replace(
        '"isAccessibleForFree":false', '"isAccessibleForFree": false'
    )
