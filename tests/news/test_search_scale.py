"""Reader search through the full-text index (news/search.py), on the engine the suite
runs on (SQLite FTS5, or PostgreSQL with DATABASE_URL): what readers may see, in which
order, kept in step with publishing; and the admin's page search."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from masthead.news import search
from masthead.news.models import ArticlePage


def paragraph(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def found(client, query: str, page: int = 1) -> tuple[list[str], BeautifulSoup]:
    response = client.get("/search/", {"q": query, "page": page})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [h.get_text(strip=True) for h in soup.select("main .card-grid .card-title")]
    return titles, soup


@pytest.fixture
def lighthouse(make_article, section):
    """Four stories about a lighthouse: two visible, a draft, one behind a password."""
    older = make_article(title="Keeper retires", body=paragraph("The lighthouse keeper retires."))
    newer = make_article(title="Lamp relit", body=paragraph("The lighthouse lamp is relit."))
    make_article(title="Draft plan", body=paragraph("A lighthouse draft."), publish=False)
    locked = make_article(title="Members note", body=paragraph("Lighthouse members only."))
    PageViewRestriction.objects.create(
        page=locked, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    return older, newer


def test_search_lists_only_visible_articles_best_first(client, lighthouse):
    titles, soup = found(client, "lighthouse")
    assert sorted(titles) == ["Keeper retires", "Lamp relit"]
    assert soup.select_one(".result-count").get_text(strip=True) == "2 results for “lighthouse”"


def test_search_ranks_as_wagtails_backend_does(lighthouse, make_article):
    make_article(title="Lighthouse lighthouse", body=paragraph("Lighthouse, lighthouse."))
    wagtail = ArticlePage.objects.live().search("lighthouse")
    full_text = search.full_text_for(wagtail)
    assert full_text is not None  # the engine's own full-text index answers
    ours = search.visible_matches(full_text)
    # Wagtail's results here include the restricted one (live, not public): ours do not.
    restricted = set(ArticlePage.objects.filter(title="Members note").values_list("pk", flat=True))
    assert ours.by_relevance and ours.count() == 3
    assert ours[0:10] == [a.pk for a in wagtail[0:10] if a.pk not in restricted]


def test_past_the_ranked_limit_the_newest_matches_come_first(client, settings, lighthouse):
    settings.MASTHEAD_SEARCH_RANKED_MAX = 1
    titles, soup = found(client, "lighthouse")
    assert titles == ["Lamp relit"]  # the newest visible one; the limit is 1 result
    status = soup.select_one(".result-count").get_text(strip=True)
    assert status.startswith("More than 1 results for “lighthouse”")
    assert soup.select_one('a[rel="next"]') is None


def test_a_published_article_is_found_and_an_unpublished_one_is_not(client, make_article):
    article = make_article(title="Tide table", body=paragraph("A quokka on the pier."))
    assert found(client, "quokka")[0] == ["Tide table"]
    article.unpublish()
    assert found(client, "quokka")[0] == []
    article.save_revision().publish()
    assert found(client, "quokka")[0] == ["Tide table"]


def test_the_admin_page_search_finds_a_page(client, make_article):
    make_article(title="Ferry timetable changes")
    make_article(title="Unrelated story")
    admin = get_user_model().objects.create_superuser("editor", "e@example.com", "pw-12345678")
    client.force_login(admin)
    response = client.get("/admin/pages/search/", {"q": "ferry"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [a.get_text(" ", strip=True) for a in soup.select("table tbody .title a")]
    assert any("Ferry timetable changes" in t for t in titles), titles
    assert not any("Unrelated story" in t for t in titles)
