"""The "Audience" report in the admin: top articles, per-day chart, sections, CSV; and the
views panel on the article editor."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User

from masthead.audience.models import DailyArticleViews
from masthead.audience.services import newsroom_day
from masthead.news.models import SectionPage

pytestmark = pytest.mark.django_db


def staff(role: str) -> User:
    user = User.objects.create_user(role.lower(), password="pw")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(staff("Editor"))
    return client


@pytest.fixture
def readership(make_article, home):
    """Three articles in two sections, read over the last days."""
    culture = home.add_child(instance=SectionPage(title="Culture", slug="culture"))
    culture.save_revision().publish()
    bridge = make_article(title="Bridge reopens")
    budget = make_article(title='=HYPERLINK("http://evil.example") budget')
    opera = make_article(title="Opera season opens", parent=culture)
    today = newsroom_day()
    for article, day_views in [(bridge, [5, 3, 2]), (budget, [1, 0, 4]), (opera, [0, 6, 0])]:
        for age, count in enumerate(day_views):
            if count:
                DailyArticleViews.objects.create(
                    article=article, day=today - timedelta(days=age), views=count
                )
    DailyArticleViews.objects.create(article=opera, day=today - timedelta(days=20), views=50)
    return {"bridge": bridge, "budget": budget, "opera": opera}


def test_the_report_shows_top_articles_a_daily_chart_and_sections_to_an_editor(
    editor_client, readership
):
    response = editor_client.get("/admin/audience/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    report = soup.select_one(".audience-report")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in report.select("table.audience-top tbody tr")
    ]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("Bridge reopens", "News", "10"),
        ("Opera season opens", "Culture", "6"),
        ('=HYPERLINK("http://evil.example") budget', "News", "5"),
    ]
    sections = [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in report.select("table.audience-sections tbody tr")
    ]
    assert sections == [["News", "15"], ["Culture", "6"]]
    bars = report.select("svg.audience-chart rect.audience-bar")
    assert len(bars) == 7
    assert [b.title.get_text() for b in bars][-3:] == [
        f"{(newsroom_day() - timedelta(days=age)):%a %b} "
        f"{(newsroom_day() - timedelta(days=age)).day}: {count} views"
        for age, count in [(2, 6), (1, 9), (0, 6)]
    ]
    heights = [float(b["height"]) for b in bars]
    assert heights[-2] == max(heights)  # yesterday had the most views


def test_the_window_chooser_changes_the_period(editor_client, readership):
    soup = BeautifulSoup(editor_client.get("/admin/audience/?days=30").content, "html.parser")
    assert len(soup.select("svg.audience-chart rect.audience-bar")) == 30
    top = soup.select_one("table.audience-top tbody tr")
    assert "Opera season opens" in top.get_text() and "56" in top.get_text()
    soup = BeautifulSoup(editor_client.get("/admin/audience/?days=1").content, "html.parser")
    assert len(soup.select("svg.audience-chart rect.audience-bar")) == 1
    current = soup.select_one(".audience-windows [aria-current=page]")
    assert current.get_text(strip=True) == "Today"


def test_an_unknown_window_falls_back_to_seven_days(editor_client, readership):
    soup = BeautifulSoup(editor_client.get("/admin/audience/?days=abc").content, "html.parser")
    assert len(soup.select("svg.audience-chart rect.audience-bar")) == 7


def test_the_report_has_no_inline_script_or_style(editor_client, readership):
    soup = BeautifulSoup(editor_client.get("/admin/audience/").content, "html.parser")
    report = soup.select_one(".audience-report")
    assert report.find("script") is None
    assert not report.find_all(attrs={"style": True})
    assert not [t for t in report.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert soup.select_one('link[href$="masthead/css/audience.css"]')


def test_the_csv_export_parses_and_defuses_formulas(editor_client, readership):
    response = editor_client.get("/admin/audience/export.csv?days=7")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["title"], r["section"], int(r["views"])) for r in rows] == [
        ("Bridge reopens", "News", 10),
        ("Opera season opens", "Culture", 6),
        ('\'=HYPERLINK("http://evil.example") budget', "News", 5),
    ]
    assert {r["article_id"] for r in rows} == {str(a.pk) for a in readership.values()}
    assert {r["from"] for r in rows} == {(newsroom_day() - timedelta(days=6)).isoformat()}


def test_a_reporter_cannot_see_the_report_or_its_menu_item(client, readership):
    client.force_login(staff("Reporter"))
    assert client.get("/admin/audience/").status_code in (302, 403)
    response = client.get("/admin/audience/export.csv")
    assert response.status_code in (302, 403)
    assert b"Bridge reopens" not in response.content
    assert b'"/admin/audience/"' not in client.get("/admin/").content


def test_an_editor_sees_the_audience_menu_item(editor_client):
    assert b'"/admin/audience/"' in editor_client.get("/admin/").content


def test_anonymous_visitors_are_sent_to_log_in(client, readership):
    response = client.get("/admin/audience/export.csv")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_article_editor_shows_the_last_seven_days_of_views_and_the_read_also_picks(
    editor_client, readership
):
    bridge = readership["bridge"]
    response = editor_client.get(f"/admin/pages/{bridge.pk}/edit/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    panel = soup.select_one(".audience-panel")
    assert "10 views in the last 7 days" in panel.get_text(" ", strip=True)
    assert [td.get_text() for td in panel.select("tbody td")][-3:] == ["2", "3", "5"]
    assert len(panel.select("svg rect")) == 7
    assert not panel.find_all(attrs={"style": True})
    assert soup.find(id="id_read_also_picks-TOTAL_FORMS") is not None
