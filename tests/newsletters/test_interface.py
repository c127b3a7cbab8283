"""The functions the members app calls: subscriptions of a verified address, change of
address, erasure and the data download."""

import json

from masthead.newsletters import selectors, services
from masthead.newsletters.models import Subscriber, Subscription


def test_a_member_choosing_newsletters_is_subscribed_to_exactly_those_without_an_email(
    newsletters, smtp_server
):
    morning, breaking, weekend = newsletters.values()
    ids = [morning.pk, breaking.pk]
    services.set_subscriptions(
        email="Ana@Example.org ", newsletter_ids=ids, confirmed=True, source="member"
    )
    services.set_subscriptions(
        email="ana@example.org",
        newsletter_ids=[breaking.pk, weekend.pk],
        confirmed=True,
        source="member",
    )

    assert selectors.newsletters_for_email("ANA@example.org") == [
        (morning, False),
        (breaking, True),
        (weekend, True),
    ]
    assert Subscriber.objects.count() == 1
    assert smtp_server.messages == []


def test_an_unverified_address_gets_pending_subscriptions_and_one_confirmation(
    newsletters, smtp_server
):
    services.set_subscriptions(
        email="bo@example.org",
        newsletter_ids=[newsletters["morning"].pk],
        confirmed=False,
        source="api",
    )

    assert selectors.newsletters_for_email("bo@example.org")[0] == (newsletters["morning"], False)
    (message,) = smtp_server.messages
    assert "Morning briefing" in message.get_body(preferencelist=("plain",)).get_content()


def test_changing_the_address_moves_the_subscriptions_and_merges_with_an_existing_one(
    newsletters,
):
    morning, breaking, _ = newsletters.values()
    services.set_subscriptions(
        email="old@example.org", newsletter_ids=[morning.pk], confirmed=True, source="member"
    )
    services.set_subscriptions(
        email="new@example.org", newsletter_ids=[breaking.pk], confirmed=True, source="member"
    )

    services.change_email(old="old@example.org", new="New@example.org")

    assert not Subscriber.objects.filter(email="old@example.org").exists()
    assert [n.slug for n, on in selectors.newsletters_for_email("new@example.org") if on] == [
        "morning",
        "breaking",
    ]


def test_erasing_an_address_leaves_nothing_about_it_but_anonymous_counts(newsletters):
    morning = newsletters["morning"]
    services.set_subscriptions(
        email="cy@example.org", newsletter_ids=[morning.pk], confirmed=True, source="member"
    )
    data = selectors.personal_data(email="cy@example.org")
    assert json.loads(json.dumps(data))["subscriptions"][0]["newsletter"] == "Morning briefing"

    assert services.erase_email(email="cy@example.org") >= 2

    assert selectors.personal_data(email="cy@example.org") == {}
    assert not Subscription.objects.exists()
    assert services.erase_email(email="cy@example.org") == 0
