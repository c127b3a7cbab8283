"""Editors' Picks: shown in the editors' order, dropping unpublished and expired picks."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.utils import timezone

from masthead.curation.models import EditorsPick, EditorsPicks

SETTING_URL = "/admin/settings/curation/editorspicks/"


def picks_shown(client, url: str) -> list[str]:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return [t.get_text(strip=True) for t in soup.select(".editors-picks .card-title")]


@pytest.fixture
def picked(make_article):
    """Three picked articles, in the order Gamma, Alpha, Beta."""
    articles = {name: make_article(title=name) for name in ("Alpha", "Beta", "Gamma")}
    collection = EditorsPicks.load()
    for order, name in enumerate(("Gamma", "Alpha", "Beta")):
        EditorsPick.objects.create(collection=collection, article=articles[name], sort_order=order)
    return articles


def test_picks_appear_on_the_home_page_in_the_editors_order_with_images(client, picked):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    box = soup.select_one("section.editors-picks")
    assert box.find("h2").get_text(strip=True) == "Editors’ Picks"
    cards = box.select(".card")
    assert [c.select_one(".card-title").get_text(strip=True) for c in cards] == [
        "Gamma",
        "Alpha",
        "Beta",
    ]
    for card in cards:
        assert card.find("picture") is not None
        assert card.find("picture").find("source", type="image/webp") is not None
    assert [c.select_one(".card-title a")["href"] for c in cards] == [
        picked[name].url for name in ("Gamma", "Alpha", "Beta")
    ]


def test_picks_appear_on_an_article_page(client, picked, make_article):
    other = make_article(title="Unpicked story")
    assert picks_shown(client, other.url) == ["Gamma", "Alpha", "Beta"]


def test_reordering_the_picks_changes_their_order_on_the_site(client, picked):
    EditorsPick.objects.filter(article=picked["Beta"]).update(sort_order=0)
    EditorsPick.objects.filter(article=picked["Gamma"]).update(sort_order=2)
    EditorsPick.objects.filter(article=picked["Alpha"]).update(sort_order=1)
    assert picks_shown(client, "/") == ["Beta", "Alpha", "Gamma"]


def test_an_unpublished_pick_drops_out(client, picked):
    picked["Alpha"].unpublish()
    assert picks_shown(client, "/") == ["Gamma", "Beta"]


def test_a_pick_whose_end_date_has_passed_drops_out(client, picked):
    EditorsPick.objects.filter(article=picked["Gamma"]).update(
        until=timezone.now() - dt.timedelta(minutes=1)
    )
    EditorsPick.objects.filter(article=picked["Beta"]).update(
        until=timezone.now() + dt.timedelta(days=1)
    )
    assert picks_shown(client, "/") == ["Alpha", "Beta"]


def test_an_article_page_leaves_out_its_own_pick(client, picked):
    assert picks_shown(client, picked["Alpha"].url) == ["Gamma", "Beta"]


def test_no_more_picks_are_shown_than_the_limit(client, make_article, settings):
    settings.MASTHEAD_EDITORS_PICKS_LIMIT = 2
    collection = EditorsPicks.load()
    for order in range(4):
        article = make_article(title=f"Pick {order}")
        EditorsPick.objects.create(collection=collection, article=article, sort_order=order)
    assert picks_shown(client, "/") == ["Pick 0", "Pick 1"]


def test_without_picks_the_box_is_not_shown(client, make_article):
    make_article(title="Lonely story")
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert soup.select_one("section.editors-picks") is None


def user_in(group: str) -> User:
    user = User.objects.create_user(f"{group.lower()}-user", password="pw")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_an_editor_can_open_the_editors_picks_setting(client, picked):
    client.force_login(user_in("Editor"))
    response = client.get(SETTING_URL, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(SETTING_URL)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", attrs={"name": "picks-TOTAL_FORMS"})["value"] == "3"


def test_an_editor_can_save_a_new_order_of_picks_in_the_admin(client, picked):
    client.force_login(user_in("Editor"))
    edit_url = client.get(SETTING_URL, follow=True).redirect_chain[-1][0]
    # What the browser sends after dragging Gamma from first to last place: the
    # forms keep their positions, their ORDER fields change.
    current = list(EditorsPick.objects.order_by("sort_order"))
    new_position = {"Alpha": 1, "Beta": 2, "Gamma": 3}
    data = {
        "picks-TOTAL_FORMS": "3",
        "picks-INITIAL_FORMS": "3",
        "picks-MIN_NUM_FORMS": "0",
        "picks-MAX_NUM_FORMS": "1000",
    }
    for n, pick in enumerate(current):
        name = pick.article.title
        data.update(
            {
                f"picks-{n}-id": str(pick.pk),
                f"picks-{n}-article": str(pick.article_id),
                f"picks-{n}-until": "",
                f"picks-{n}-ORDER": str(new_position[name]),
                f"picks-{n}-DELETE": "",
            }
        )
    response = client.post(edit_url, data)
    assert response.status_code == 302
    assert picks_shown(client, "/") == ["Alpha", "Beta", "Gamma"]


def test_a_reporter_cannot_open_the_editors_picks_setting(client, picked):
    client.force_login(user_in("Reporter"))
    response = client.get(SETTING_URL, follow=True)
    final_url = response.redirect_chain[-1][0] if response.redirect_chain else SETTING_URL
    assert response.status_code == 403 or not final_url.startswith(SETTING_URL)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", attrs={"name": "picks-TOTAL_FORMS"}) is None
