"""Members' test helpers: ask for a link the way a reader does, read it from the e-mail."""

import re

import pytest
from django.core import mail

from masthead.members.models import Member
from masthead.members.sessions import SESSION_KEY

LINK = re.compile(r"https?://[^/\s]+(/account/(?:sign-in|email)/[^/\s]+/)")


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found, text
    return found.group(1)


@pytest.fixture
def ask_link(client, django_capture_on_commit_callbacks):
    """POST the sign-in form as a reader would; the path of the link e-mailed (or None)."""

    def ask(email: str, *, using=None, **extra) -> tuple:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = (using or client).post("/account/sign-in/", {"email": email, **extra})
        sent = mail.outbox[before:]
        return response, (link_in(sent[-1].body) if sent else None)

    return ask


@pytest.fixture
def member_client(client, db):
    """A client signed in as a member (through the session key the sign-in sets)."""
    member = Member.objects.create(email="reader@calder.example")
    session = client.session
    session[SESSION_KEY] = member.pk
    session.save()
    client.cookies["sessionid"] = session.session_key
    client.member = member
    return client
