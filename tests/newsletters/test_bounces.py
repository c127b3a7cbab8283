"""Bounces and complaints from the provider's webhook (django-anymail, Postmark's format
here): a hard bounce unsubscribes the address and counts on the issue; a forged report
without the secret changes nothing."""

import base64
import json

import pytest

from masthead.newsletters import issues, sending
from masthead.newsletters.models import DeliveryEvent, Send, Subscription

URL = "/newsletters/anymail/postmark/tracking/"


@pytest.fixture
def webhook_secret(settings):
    settings.MASTHEAD_ANYMAIL_WEBHOOK_SECRET = "hook:s3cret"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}
    return "Basic " + base64.b64encode(b"hook:s3cret").decode()


def bounce(email: str, message_id: str, kind: str = "HardBounce") -> str:
    record = "SpamComplaint" if kind == "SpamComplaint" else "Bounce"
    return json.dumps(
        {
            "RecordType": record,
            "Type": kind,
            "TypeCode": 1,
            "Email": email,
            "MessageID": message_id,
            "Description": "The mailbox does not exist.",
            "BouncedAt": "2026-01-05T10:00:00Z",
            "Tag": "",
            "Metadata": {},
        }
    )


def test_a_hard_bounce_unsubscribes_the_address_and_counts_on_the_issue(
    client, webhook_secret, smtp_server, newsletters, confirmed, make_article
):
    confirmed("gone@example.org", "morning", "weekend")
    send = issues.create_send(
        newsletter_id=newsletters["morning"].pk, article_ids=[make_article().pk]
    )
    sending.schedule(send_id=send.pk)
    message_id = smtp_server.to("gone@example.org")[-1]["Message-ID"]

    response = client.post(
        URL,
        bounce("gone@example.org", message_id),
        content_type="application/json",
        HTTP_AUTHORIZATION=webhook_secret,
    )

    assert response.status_code == 200
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unsubscribed"}
    assert Send.objects.get().bounce_count == 1
    event = DeliveryEvent.objects.get()
    assert (event.kind, event.send_id, event.provider) == ("bounced", send.pk, "Postmark")


def test_a_report_without_the_secret_or_about_a_stranger_changes_nothing(
    client, webhook_secret, newsletters, confirmed, settings
):
    confirmed("kept@example.org", "morning")

    forged = client.post(URL, bounce("kept@example.org", "<x@y>"), content_type="application/json")
    stranger = client.post(
        URL,
        bounce("nobody@example.org", "<x@y>"),
        content_type="application/json",
        HTTP_AUTHORIZATION=webhook_secret,
    )
    settings.MASTHEAD_ANYMAIL_WEBHOOK_SECRET = ""
    unconfigured = client.post(
        URL, bounce("kept@example.org", "<x@y>"), content_type="application/json"
    )

    assert forged.status_code in (400, 401, 403)
    assert stranger.status_code == 200 and unconfigured.status_code == 404
    assert Subscription.objects.get().status == "confirmed"
    assert not DeliveryEvent.objects.exists()
