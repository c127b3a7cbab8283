"""Readers sign up through the form (raw POSTs, no CSRF token, no cookie), confirm by the
e-mailed link (double opt-in), and get clear pages for links that are expired, used or
tampered with. The answer never tells whether an address was known."""

import time

from django.core import signing

from masthead.newsletters import tokens
from masthead.newsletters.models import Subscriber, Subscription

from .conftest import link_in


def sign_up(client, **data):
    return client.post("/newsletters/subscribe/", data)


def test_a_sign_up_sends_one_confirmation_and_subscribes_only_after_confirming(
    client, smtp_server, newsletters
):
    ids = [newsletters["morning"].pk, newsletters["weekend"].pk]
    response = sign_up(client, email=" Reader@Example.org", newsletters=ids, source="article")

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert not response.cookies
    assert set(Subscription.objects.values_list("status", flat=True)) == {"pending"}
    (message,) = smtp_server.messages
    assert message["To"] == "reader@example.org"
    confirm = link_in(message, "confirm")
    assert "Confirm my subscription" in client.get(confirm).content.decode()
    assert set(Subscription.objects.values_list("status", flat=True)) == {"pending"}  # GET: no

    page = client.post(confirm).content.decode()

    assert "You are subscribed" in page
    subscriptions = Subscription.objects.all()
    assert {s.status for s in subscriptions} == {"confirmed"}
    assert all(s.consent_at and s.source == "form:article" for s in subscriptions)


def test_repeated_sign_ups_duplicate_nothing_and_stop_mailing_after_the_daily_limit(
    client, smtp_server, newsletters
):
    for _ in range(5):
        sign_up(client, email="twice@example.org", newsletters=[newsletters["morning"].pk])

    assert Subscriber.objects.count() == 1 and Subscription.objects.count() == 1
    assert len(smtp_server.messages) == 3  # MASTHEAD_NEWSLETTER_CONFIRMATIONS_PER_DAY
    assert len({link_in(m, "confirm") for m in smtp_server.messages}) <= 3


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(
    client, smtp_server, newsletters, confirmed
):
    confirmed("known@example.org", "morning")
    sent_before = len(smtp_server.messages)

    known = sign_up(client, email="known@example.org", newsletters=[newsletters["morning"].pk])
    new = sign_up(client, email="new@example.org", newsletters=[newsletters["morning"].pk])

    strip = lambda r: r.content.decode().replace("known@", "X@").replace("new@", "X@")  # noqa: E731
    assert known.status_code == new.status_code == 200
    assert strip(known) == strip(new)
    assert [m["To"] for m in smtp_server.messages[sent_before:]] == ["new@example.org"]


def test_a_used_confirmation_link_gets_a_clear_page_and_changes_nothing(
    client, smtp_server, newsletters
):
    sign_up(client, email="once@example.org", newsletters=[newsletters["morning"].pk])
    confirm = link_in(smtp_server.messages[0], "confirm")
    client.post(confirm)

    again = client.post(confirm)

    assert again.status_code == 410
    assert "already used" in again.content.decode()


def test_expired_and_tampered_links_are_refused_with_a_page_that_says_which(
    client, smtp_server, newsletters, settings
):
    sign_up(client, email="late@example.org", newsletters=[newsletters["morning"].pk])
    confirm = link_in(smtp_server.messages[0], "confirm")
    token = confirm.rstrip("/").rsplit("/", 1)[1]

    tampered = client.post(confirm.replace(token, token[:-3] + "xyz"))
    other = client.get(f"/newsletters/preferences/{token}/")  # a confirm token elsewhere
    settings.MASTHEAD_NEWSLETTER_CONFIRM_DAYS = 0
    time.sleep(1.1)  # TimestampSigner counts whole seconds
    expired = client.post(confirm)

    assert tampered.status_code == other.status_code == 400
    assert "This link does not work" in tampered.content.decode()
    assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
    assert Subscription.objects.get().status == "pending"


def test_invalid_addresses_and_missing_choices_get_clear_errors(client, smtp_server, newsletters):
    cases = ["", "not-an-address", "a@b", "x" * 300 + "@example.org", "a\r\nBcc: v@example.org"]
    for address in cases:
        response = sign_up(client, email=address, newsletters=[newsletters["morning"].pk])
        assert response.status_code == 400, address
        assert "form-error" in response.content.decode()
    none_chosen = sign_up(client, email="ok@example.org")
    unknown = sign_up(client, email="ok@example.org", newsletters=["999999"])

    assert "Choose at least one newsletter" in none_chosen.content.decode()
    assert unknown.status_code == 400
    assert smtp_server.messages == [] and not Subscriber.objects.exists()


def test_a_huge_form_is_refused_with_a_clear_page(client, smtp_server, newsletters):
    response = sign_up(client, email="big@example.org", newsletters=["1"] * 5000)
    huge = client.post("/newsletters/subscribe/", {"email": "x" * 3_000_000})

    assert response.status_code == huge.status_code == 413
    assert "too large" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_signup_form_is_on_the_home_and_article_pages_without_a_token(
    client, newsletters, make_article
):
    article = make_article(title="Harbour report")
    for url in ("/", article.url, "/newsletters/"):
        page = client.get(url).content.decode()
        assert 'action="/newsletters/subscribe/"' in page, url
        assert "csrfmiddlewaretoken" not in page
        assert "Morning briefing" in page


def test_a_bot_filling_the_hidden_field_gets_the_same_answer_and_no_email(
    client, smtp_server, newsletters
):
    response = sign_up(
        client,
        email="bot@example.org",
        newsletters=[newsletters["morning"].pk],
        website="http://spam.example",
    )

    assert "Check your inbox" in response.content.decode()
    assert smtp_server.messages == []


def test_signing_a_token_without_the_secret_key_does_not_work(client, newsletters):
    forged = signing.TimestampSigner(key="guess", salt=tokens.CONFIRM_SALT).sign("1.abc")

    assert client.post(f"/newsletters/confirm/{forged}/").status_code == 400


def test_one_client_posting_many_sign_ups_is_slowed_down_with_a_clear_page(
    client, smtp_server, newsletters, settings
):
    settings.MASTHEAD_NEWSLETTER_SIGNUPS_PER_HOUR = 2
    answers = [
        sign_up(client, email=f"r{n}@example.org", newsletters=[newsletters["morning"].pk])
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many" in answers[2].content.decode()
    assert len(smtp_server.messages) == 2
