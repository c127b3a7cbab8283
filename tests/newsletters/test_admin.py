"""The newsroom's side: "Send to newsletter" from a published article (preview, a test to
oneself, send now), a digest of the most read, progress on the issue page; subscriber
lists that only Admins can export or import."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from masthead.newsletters.models import Send, Subscription


def member_of(group: str, name: str) -> User:
    user = User.objects.create_user(name, f"{name}@calder.example", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


def refused(response) -> bool:
    """Wagtail answers a permission refusal by sending the user back to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == "/admin/"
    )


@pytest.fixture
def editor_client(client, db):
    client.force_login(member_of("Editor", "desk"))
    return client


def test_an_editor_sends_a_published_article_after_a_preview_and_a_test_to_themselves(
    editor_client, smtp_server, newsletters, confirmed, make_article
):
    confirmed("ana@example.org", "breaking")
    article = make_article(title="Bridge closed after storm")
    edit = editor_client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Send to newsletter" in edit

    response = editor_client.post(
        f"/admin/newsletters/article/{article.pk}/",
        {"newsletter": newsletters["breaking"].pk, "subject": ""},
    )
    send = Send.objects.get()
    assert response.url == f"/admin/newsletters/issues/{send.pk}/"
    page = editor_client.get(response.url).content.decode()
    preview = editor_client.get(f"/admin/newsletters/issues/{send.pk}/preview/")
    assert "Send now to 1 subscriber" in page
    assert "Bridge closed after storm" in preview.content.decode()
    assert "sandbox" in preview["Content-Security-Policy"]

    smtp_server.messages.clear()
    editor_client.post(f"/admin/newsletters/issues/{send.pk}/action/", {"action": "test"})
    (test_copy,) = smtp_server.messages
    assert test_copy["To"] == "desk@calder.example"
    assert test_copy["Subject"] == "[Test] Bridge closed after storm"
    editor_client.post(f"/admin/newsletters/issues/{send.pk}/action/", {"action": "send"})

    assert [m["To"] for m in smtp_server.messages[1:]] == ["ana@example.org"]
    issue = editor_client.get(f"/admin/newsletters/issues/{send.pk}/").content.decode()
    assert re.search(r"<dt>Sent</dt><dd>1</dd>", issue)


def test_an_issue_scheduled_for_later_is_not_sent_until_it_is_due(
    editor_client, smtp_server, newsletters, confirmed, make_article
):
    from masthead.newsletters import sending

    confirmed("ana@example.org", "breaking")
    article = make_article()
    editor_client.post(
        f"/admin/newsletters/article/{article.pk}/", {"newsletter": newsletters["breaking"].pk}
    )
    send = Send.objects.get()
    smtp_server.messages.clear()
    editor_client.post(
        f"/admin/newsletters/issues/{send.pk}/action/",
        {"action": "schedule", "when": "2999-01-01T07:00"},
    )
    send.refresh_from_db()
    assert send.status == "scheduled" and smtp_server.messages == []
    Send.objects.filter(pk=send.pk).update(scheduled_at="2000-01-01T07:00Z")

    sending.sends_reconcile()  # what every worker runs at each heartbeat

    send.refresh_from_db()
    assert send.status == "sent" and [m["To"] for m in smtp_server.messages] == ["ana@example.org"]


def test_a_digest_without_chosen_stories_takes_the_most_read(
    editor_client, newsletters, make_article
):
    from masthead.audience.models import DailyArticleViews

    quiet, read = make_article(title="Quiet story"), make_article(title="Much read story")
    DailyArticleViews.objects.create(article=read, day=read.published_at.date(), views=40)

    editor_client.post("/admin/newsletters/digest/", {"newsletter": newsletters["morning"].pk})

    send = Send.objects.get()
    assert send.kind == "digest" and send.article_ids[0] == read.pk and quiet.pk in send.article_ids


def test_a_reporter_cannot_send_and_an_editor_cannot_see_who_subscribed(
    client, editor_client, newsletters, confirmed, make_article
):
    confirmed("ana@example.org", "morning")
    article = make_article()
    page = editor_client.get("/admin/newsletters/subscribers/").content.decode()
    assert "Morning briefing" in page and "ana@example.org" not in page
    assert "Download" not in page
    assert refused(editor_client.get("/admin/newsletters/subscribers/export/"))

    editor_client.force_login(member_of("Reporter", "cub"))
    assert refused(editor_client.get(f"/admin/newsletters/article/{article.pk}/"))
    assert refused(
        editor_client.post(
            f"/admin/newsletters/article/{article.pk}/", {"newsletter": newsletters["morning"].pk}
        )
    )
    assert not Send.objects.exists()


def test_an_admin_exports_and_imports_lists_with_consent_dates(
    client, newsletters, confirmed, smtp_server
):
    confirmed("ana@example.org", "morning")
    confirmed("gone@example.org", "morning")
    Subscription.objects.filter(subscriber__email="gone@example.org").update(status="unsubscribed")
    client.force_login(member_of("Admin", "boss"))

    exported = b"".join(client.get("/admin/newsletters/subscribers/export/").streaming_content)
    lines = exported.decode().splitlines()
    assert lines[0] == "email,newsletter,status,consent_at,source,created_at"
    assert any(line.startswith("ana@example.org,morning,confirmed,20") for line in lines)

    upload = SimpleUploadedFile(
        "list.csv",
        (
            b"email,newsletter,consent_at,source\n"
            b"new@example.org,weekend,2024-05-01,print\n"
            b"NEW@example.org,weekend,2024-05-01,print\n"
            b"gone@example.org,morning,2024-05-01,\n"
            b"noconsent@example.org,weekend,,\n"
            b"broken,weekend,2024-05-01,\n"
        ),
        content_type="text/csv",
    )
    response = client.post("/admin/newsletters/subscribers/import/", {"file": upload}, follow=True)

    text = response.content.decode()
    assert "Imported 1 subscription" in text
    assert "Line 5: no consent date" in text and "Line 6: not a valid e-mail address" in text
    imported = Subscription.objects.get(subscriber__email="new@example.org")
    assert imported.status == "confirmed" and imported.consent_at.date().isoformat() == "2024-05-01"
    assert Subscription.objects.get(subscriber__email="gone@example.org").status == "unsubscribed"
