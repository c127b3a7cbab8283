import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User


@pytest.fixture
def article(make_article):
    return make_article(title="Harbour bridge reopens", tags=["Transit"])


def test_article_page_shows_headline_date_and_reading_time(client, article):
    html = client.get(article.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == "Harbour bridge reopens"
    assert len(soup.find_all("h1")) == 1
    assert soup.select_one(".reading-time").get_text(strip=True) == "1 min read"
    assert soup.select_one("time.published").get_text(strip=True)
    assert soup.select_one("main#main")


def test_edit_post_link_is_absent_for_anonymous_readers(client, article):
    html = client.get(article.url).content.decode()
    assert "Edit post" not in html


def test_edit_post_link_is_shown_to_an_editor(client, article):
    editor = User.objects.create_user("ed", password="pw")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    link = soup.find("a", string="Edit post")
    assert link is not None
    assert link["href"] == f"/admin/pages/{article.pk}/edit/"


def test_edit_post_link_is_absent_for_a_user_without_edit_permission(client, article):
    user = User.objects.create_user("reader", password="pw")
    client.force_login(user)
    assert "Edit post" not in client.get(article.url).content.decode()
