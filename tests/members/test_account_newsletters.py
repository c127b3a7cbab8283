"""The account page through the newsletters app's interface: the checkboxes subscribe a
signed-in member at once, a change of address moves the subscriptions, the download
holds them and deletion erases them."""

import json

import pytest
from django.core import mail

from masthead.newsletters.models import Newsletter, Subscriber, Subscription

from .conftest import link_in


@pytest.fixture
def letters(db):
    return [
        Newsletter.objects.create(name="Morning briefing", slug="morning"),
        Newsletter.objects.create(name="Breaking news alerts", slug="breaking"),
    ]


def confirmed(email: str) -> set[str]:
    rows = Subscription.objects.filter(subscriber__email=email, status="confirmed")
    return set(rows.values_list("newsletter__slug", flat=True))


def test_a_member_chooses_newsletters_with_checkboxes_and_no_second_opt_in(member_client, letters):
    morning, breaking = letters
    page = member_client.get("/account/").content.decode()
    assert "Morning briefing" in page and "Breaking news alerts" in page
    response = member_client.post("/account/newsletters/", {"newsletters": [morning.pk]})
    assert response.status_code == 302
    assert confirmed("reader@calder.example") == {"morning"}
    assert not mail.outbox  # the member proved the address: no confirmation e-mail
    assert f'value="{morning.pk}" checked' in member_client.get("/account/").content.decode()
    member_client.post("/account/newsletters/", {"newsletters": [breaking.pk]})
    assert confirmed("reader@calder.example") == {"breaking"}
    bad = member_client.post("/account/newsletters/", {"newsletters": ["999999"]})
    assert bad.status_code == 400 and confirmed("reader@calder.example") == {"breaking"}


def test_subscriptions_follow_a_confirmed_change_of_address(
    member_client, letters, django_capture_on_commit_callbacks
):
    member_client.post("/account/newsletters/", {"newsletters": [letters[0].pk]})
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/account/email/", {"email": "moved@calder.example"})
    assert confirmed("reader@calder.example") == {"morning"}  # nothing before the click
    member_client.post(link_in(mail.outbox[-1].body))
    assert confirmed("moved@calder.example") == {"morning"}
    assert not Subscriber.objects.filter(email="reader@calder.example").exists()


def test_the_download_holds_the_subscriptions_and_deletion_erases_them(member_client, letters):
    member_client.post("/account/newsletters/", {"newsletters": [letters[0].pk]})
    data = json.loads(member_client.get("/account/data.json").content)
    assert [s["newsletter"] for s in data["newsletters"]["subscriptions"]] == ["Morning briefing"]
    member_client.post("/account/delete/", {"confirm": "yes"})
    assert not Subscriber.objects.filter(email="reader@calder.example").exists()
    assert not Subscription.objects.exists()
