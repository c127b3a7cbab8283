"""The staff bar on the public article page (Edit post, History, Add a correction,
Unpublish with the right to, narration status), never in anonymous HTML; corrections with
their kind on the article, in its JSON-LD and on the public /corrections/ page."""

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from masthead.narration.models import Narration
from masthead.news.models import ArticlePage, Correction


def member_of(group: str, username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


def soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def staff_links(page: BeautifulSoup) -> dict[str, str]:
    bar = page.select_one(".staff-toolbar")
    if bar is None:
        return {}
    return {a.get_text(strip=True): a["href"] for a in bar.find_all("a")}


@pytest.fixture
def article(make_article) -> ArticlePage:
    return make_article(title="Council passes budget", slug="council-budget")


def add_correction(article: ArticlePage, kind: str, text: str, when: dt.datetime) -> None:
    article.corrections.add(Correction(kind=kind, text=text, date=when))
    article.save_revision().publish()


# --- the staff bar ----------------------------------------------------------------------


def test_an_editor_sees_edit_history_correction_unpublish_and_narration_links(client, article):
    client.force_login(member_of("Editor", "desk"))
    links = staff_links(soup(client, article.url))
    edit = f"/admin/pages/{article.pk}/edit/"
    assert links["Edit post"] == edit
    assert links["History"] == f"/admin/pages/{article.pk}/history/"
    assert links["Add a correction"] == f"{edit}#panel-child-content-corrections_log-section"
    assert links["Unpublish"] == f"/admin/pages/{article.pk}/unpublish/"
    assert any(label.startswith("Narration: ") for label in links)


def test_the_correction_link_opens_the_editors_corrections_panel(client, article):
    client.force_login(member_of("Editor", "desk"))
    editor = soup(client, f"/admin/pages/{article.pk}/edit/")
    assert editor.find(id="panel-child-content-corrections_log-section") is not None


def test_the_unpublish_link_leads_to_wagtails_confirmation(client, article):
    client.force_login(member_of("Editor", "desk"))
    confirmation = soup(client, f"/admin/pages/{article.pk}/unpublish/")
    assert confirmation.find("form", method="POST") is not None
    assert ArticlePage.objects.get(pk=article.pk).live


def test_a_reporter_on_their_own_story_gets_no_unpublish_link(client, article):
    reporter = member_of("Reporter", "reporter")
    ArticlePage.objects.filter(pk=article.pk).update(owner=reporter)
    client.force_login(reporter)
    links = staff_links(soup(client, article.url))
    assert "Edit post" in links and "Add a correction" in links
    assert "Unpublish" not in links


def test_the_narration_status_is_named_on_the_staff_bar(client, article):
    Narration.objects.create(article=article, status="running", progress=0.4)
    client.force_login(member_of("Editor", "desk"))
    page = soup(client, article.url)
    assert "Narration: Generating, 40 %" in page.select_one(".staff-toolbar").get_text()


def test_anonymous_html_has_no_staff_bar_even_when_cached(client, article, settings):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0
    client.force_login(member_of("Editor", "desk"))
    assert staff_links(soup(client, article.url))
    client.logout()
    client.cookies.clear()
    for _ in range(2):  # a miss, then the cached copy
        html = client.get(article.url).content.decode()
        for word in ("staff-toolbar", "Edit post", "/unpublish/", "/history/", "Narration:"):
            assert word not in html


# --- corrections ------------------------------------------------------------------------


def test_an_editor_adds_a_clarification_through_the_admin(client, article, author):
    client.force_login(member_of("Editor", "desk"))
    revision = ArticlePage.objects.get(pk=article.pk).get_latest_revision()
    form = nested_form_data({
        "title": article.title, "slug": article.slug, "dek": article.dek,
        "hero_image": article.hero_image_id, "hero_alt": article.hero_alt,
        "body": streamfield([("paragraph", rich_text("<p>Body.</p>"))]),
        "article_authors": inline_formset([{"author": author.pk}]),
        "corrections": inline_formset([{
            "kind": "clarification", "date": "2026-03-02 10:15",
            "text": "The vote was on the amended budget.",
        }]),
        "read_also_picks": inline_formset([]), "tags": "", "action-publish": "1",
        "loaded_revision_id": str(revision.pk),
        "loaded_revision_created_at": revision.created_at.isoformat(),
    })  # fmt: skip
    response = client.post(f"/admin/pages/{article.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    entry = soup(client, article.url).select_one(".corrections li")
    assert entry.select_one(".correction-kind").get_text(strip=True) == "Clarification"
    assert "The vote was on the amended budget." in entry.get_text()


def test_corrections_appear_in_the_articles_json_ld_with_their_kind(client, article):
    when = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 15))
    add_correction(article, "correction", "The budget is $1.2 billion, not $2.1 billion.", when)
    page = soup(client, article.url)
    blocks = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    news = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert news["correction"] == [{
        "@type": "CorrectionComment", "name": "Correction",
        "text": "The budget is $1.2 billion, not $2.1 billion.",
        "datePublished": "2026-03-02T10:15:00-05:00",
    }]  # fmt: skip


def test_the_corrections_page_lists_entries_newest_first_with_kind_and_article(
    client, article, make_article
):
    other = make_article(title="Bridge reopens", slug="bridge-reopens")
    add_correction(article, "correction", "Misspelled name.", timezone.now() - dt.timedelta(days=2))
    add_correction(other, "update", "The bridge reopened at 6 a.m.", timezone.now())
    page = soup(client, "/corrections/")
    assert page.h1.get_text(strip=True) == "Corrections"
    entries = page.select(".corrections-list .correction")
    assert [e.select_one(".correction-kind").get_text(strip=True) for e in entries] == [
        "Update",
        "Correction",
    ]
    assert entries[0].select_one(".correction-article a")["href"] == other.url
    assert "The bridge reopened at 6 a.m." in entries[0].get_text()


def test_the_corrections_page_leaves_out_articles_readers_may_not_see(
    client, article, make_article
):
    hidden = make_article(title="Members-only briefing", slug="members-briefing")
    draft = make_article(title="Unpublished story", slug="unpublished", publish=False)
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    add_correction(hidden, "correction", "Secret fix.", timezone.now())
    draft.corrections.add(Correction(kind="update", text="Draft fix.", date=timezone.now()))
    draft.save()
    add_correction(article, "clarification", "Public fix.", timezone.now())
    text = soup(client, "/corrections/").get_text()
    assert "Public fix." in text
    assert "Secret fix." not in text and "Draft fix." not in text


def test_the_footer_links_to_the_corrections_page(client, article):
    footer = soup(client, article.url).select_one("footer")
    assert footer.find("a", href="/corrections/").get_text(strip=True) == "Corrections"


def test_an_empty_corrections_page_says_so(client, section):
    assert "No corrections have been published." in soup(client, "/corrections/").get_text()
