"""An issue sent to a real SMTP server on loopback, read back as the recipients' mail
clients would: multipart structure, headers, links; the one-click unsubscribe works
with no cookie and no CSRF token; a restart sends nobody a second copy."""

import re

from django.test import Client

from masthead.narration.models import Narration
from masthead.newsletters import issues, sending
from masthead.newsletters.models import Send, SendRecord, Subscription
from tests.mail_server import body_html, body_text

READERS = ["ana@example.org", "bo@example.org", "cy@example.org"]


def send_article(newsletter, article) -> Send:
    send = issues.create_send(newsletter_id=newsletter.pk, article_ids=[article.pk])
    sending.schedule(send_id=send.pk)
    send.refresh_from_db()
    return send


def test_an_article_send_reaches_every_confirmed_subscriber_once_as_html_and_text(
    smtp_server, newsletters, confirmed, make_article, client
):
    for address in READERS:
        confirmed(address, "morning")
    client.post(
        "/newsletters/subscribe/",
        {"email": "pending@example.org", "newsletters": [newsletters["morning"].pk]},
    )
    article = make_article(title="Harbour dredging to begin", dek="The council voted 7-2.")
    Narration.objects.create(article=article, status="ready", audio="narration/harbour.mp3")
    smtp_server.messages.clear()

    send = send_article(newsletters["morning"], article)

    assert send.status == "sent" and send.sent_count == 3 and send.recipients == 3
    assert sorted(m["To"] for m in smtp_server.messages) == READERS
    message = smtp_server.to("bo@example.org")[0]
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "Harbour dredging to begin"
    assert "Morning briefing" in message["From"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://testserver/newsletters/unsubscribe/[^>]+/>", message["List-Unsubscribe"].strip()
    )
    text, html = body_text(message), body_html(message)
    assert "The council voted 7-2." in text and "http://testserver/newsletters/unsubscribe/" in text
    assert "http://testserver/media/narration/harbour.mp3" in text  # the AI narration link
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1  # the story's picture; no tracking pixel
    assert 'src="http://testserver/media/' in images[0] and 'alt="A test picture"' in images[0]
    assert 'style="' in html and "prefers-color-scheme: dark" in html  # inlined, dark mode
    links = {m["To"]: m["List-Unsubscribe"] for m in smtp_server.messages}
    assert len(set(links.values())) == 3  # one per recipient


def test_the_one_click_unsubscribe_post_works_without_cookie_or_token_and_get_changes_nothing(
    smtp_server, newsletters, confirmed, make_article
):
    confirmed("ana@example.org", "morning", "weekend")
    send_article(newsletters["morning"], make_article())
    header = smtp_server.messages[-1]["List-Unsubscribe"].strip()
    url = header.strip("<>").replace("http://testserver", "")
    mail_client = Client(enforce_csrf_checks=True)

    assert "Unsubscribe from Morning briefing?" in mail_client.get(url).content.decode()
    assert Subscription.objects.filter(status="confirmed").count() == 2
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200 and not response.cookies
    statuses = dict(Subscription.objects.values_list("newsletter__slug", "status"))
    assert statuses == {"morning": "unsubscribed", "weekend": "confirmed"}
    assert mail_client.post(url).status_code == 200  # twice: still fine, still unsubscribed


def test_the_preferences_link_in_an_issue_changes_newsletters_and_can_erase_the_address(
    smtp_server, newsletters, confirmed, make_article, client
):
    confirmed("ana@example.org", "morning")
    send_article(newsletters["morning"], make_article())
    link = re.search(
        r"http://testserver(/newsletters/preferences/\S+/)", body_text(smtp_server.messages[-1])
    )
    page = client.get(link.group(1))
    assert "no-store" in page["Cache-Control"] and "ana@example.org" in page.content.decode()

    client.post(link.group(1), {"newsletters": [newsletters["weekend"].pk], "action": "save"})
    statuses = dict(Subscription.objects.values_list("newsletter__slug", "status"))
    erased = client.post(link.group(1), {"action": "erase"})

    assert statuses == {"morning": "unsubscribed", "weekend": "confirmed"}
    assert "Your address is deleted" in erased.content.decode()
    assert not Subscription.objects.exists()


def test_a_restarted_send_skips_the_recipient_it_was_interrupted_on_and_sends_the_rest_once(
    smtp_server, newsletters, confirmed, make_article
):
    for address in READERS:
        confirmed(address, "morning")
    send = issues.create_send(
        newsletter_id=newsletters["morning"].pk, article_ids=[make_article().pk]
    )
    # The state a worker killed mid-send leaves: one sent, one claimed (in flight), one
    # queued, the lease stale.
    Send.objects.filter(pk=send.pk).update(
        status="sending", lease_token="dead", lease_renewed_at=None
    )
    send.refresh_from_db()
    sending._prepare(send)
    first, second, third = send.records.order_by("pk")
    SendRecord.objects.filter(pk=first.pk).update(status="sent")
    SendRecord.objects.filter(pk=second.pk).update(status="claimed")
    smtp_server.messages.clear()

    assert sending.deliver(send_id=send.pk) == "sent"

    send.refresh_from_db()
    assert [m["To"] for m in smtp_server.messages] == [third.subscriber.email]
    assert (send.sent_count, send.unknown_count, send.recipients) == (2, 1, 3)
    assert sending.deliver(send_id=send.pk) == "skipped"  # a second run: nothing again
    assert len(smtp_server.messages) == 1


def test_a_recipient_the_server_refuses_is_counted_failed_and_the_others_still_get_it(
    smtp_server, newsletters, confirmed, make_article
):
    for address in READERS:
        confirmed(address, "morning")

    async def refuse_bo(server, session, envelope, address, rcpt_options):
        if address == "bo@example.org":
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = refuse_bo
    smtp_server.messages.clear()
    send = send_article(newsletters["morning"], make_article())

    assert (send.status, send.sent_count, send.failed_count) == ("sent", 2, 1)
    assert sorted(m["To"] for m in smtp_server.messages) == ["ana@example.org", "cy@example.org"]
    assert "550" in SendRecord.objects.get(status="failed").error


def test_an_unpublished_article_cannot_be_sent(newsletters, make_article):
    draft = make_article(publish=False)
    try:
        issues.create_send(newsletter_id=newsletters["morning"].pk, article_ids=[draft.pk])
    except issues.NotSendable as error:
        assert "published" in str(error)
    else:
        raise AssertionError("a draft was accepted")


def test_an_issue_whose_article_was_unpublished_meanwhile_fails_and_sends_nothing(
    smtp_server, newsletters, confirmed, make_article
):
    confirmed("ana@example.org", "morning")
    article = make_article()
    send = issues.create_send(newsletter_id=newsletters["morning"].pk, article_ids=[article.pk])
    article.unpublish()
    smtp_server.messages.clear()

    sending.schedule(send_id=send.pk)

    send.refresh_from_db()
    assert send.status == "failed" and "no longer" not in send.error
    assert "published" in send.error and smtp_server.messages == []
