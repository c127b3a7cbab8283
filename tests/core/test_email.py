"""E-mail from MASTHEAD_EMAIL_URL: the URL forms, and a real SMTP server on loopback
(aiosmtpd) receiving Wagtail's password-reset e-mail (whose link works) and a workflow
notification."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from masthead.core.email_url import email_settings
from tests.mail_server import body_text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mailer:s%40cret@mail.example.org",
         {"EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 25, "EMAIL_HOST_USER": "mailer",
          "EMAIL_HOST_PASSWORD": "s@cret", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False}),
        ("smtp+tls://u:p@mail.example.org", {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True}),
        ("smtps://u:p@mail.example.org", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("smtp+tls://mail.example.org:2525?timeout=3", {"EMAIL_PORT": 2525, "EMAIL_TIMEOUT": 3}),
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("file:///srv/mail", {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                              "EMAIL_FILE_PATH": "/srv/mail"}),
    ],
)  # fmt: skip
def test_the_email_url_becomes_djangos_email_settings(url, expected):
    settings = email_settings(url)
    assert {key: settings[key] for key in expected} == expected


@pytest.mark.parametrize("url", ["smtp://", "pigeon://loft", "file://"])
def test_an_unusable_email_url_stops_the_start_with_a_clear_error(url):
    with pytest.raises(ImproperlyConfigured, match="MASTHEAD_EMAIL_URL"):
        email_settings(url)


def test_a_password_reset_email_arrives_over_smtp_and_its_link_sets_a_new_password(db, smtp_server):
    User.objects.create_user("mara", "mara@calder.example", "old-password-1")
    client = Client()
    response = client.post("/admin/password_reset/", {"email": "mara@calder.example"})
    assert response.status_code == 302
    assert smtp_server.logins == [("mailer", "pa$$")]
    (message,) = smtp_server.messages
    assert message["To"] == "mara@calder.example"
    assert "desk@calder.example" in message["From"]
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", body_text(message))
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session one
    new = "A-new-harbour-passphrase-7"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert User.objects.get(username="mara").check_password(new)


def test_a_workflow_submission_notifies_the_editors_over_smtp(db, smtp_server, make_article):
    reporter = User.objects.create_user("cub", "cub@calder.example", "pw")
    reporter.groups.add(Group.objects.get(name="Reporter"))
    editor = User.objects.create_user("desk", "editor@calder.example", "pw", first_name="Ed")
    editor.groups.add(Group.objects.get(name="Editor"))
    draft = make_article(title="Council vote", publish=False)
    draft.save_revision(user=reporter)
    draft.get_workflow().start(draft, reporter)
    recipients = [m["To"] for m in smtp_server.messages]
    assert "editor@calder.example" in recipients
    note = next(m for m in smtp_server.messages if m["To"] == "editor@calder.example")
    assert "Council vote" in note["Subject"] + body_text(note)
