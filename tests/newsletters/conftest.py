"""Newsletters for the tests, and helpers that follow links out of received e-mail."""

import re

import pytest
from django.db import transaction

from masthead.newsletters.models import Newsletter
from tests.mail_server import body_text


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    # A test's transaction never commits: what would run after the commit (enqueueing the
    # confirmation e-mail, a send) runs at once instead, in the same order.
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def newsletters(db) -> dict[str, Newsletter]:
    rows = [
        ("morning", "Morning briefing", Newsletter.Schedule.DAILY),
        ("breaking", "Breaking news alerts", Newsletter.Schedule.ON_DEMAND),
        ("weekend", "The weekend read", Newsletter.Schedule.WEEKLY),
    ]
    return {
        slug: Newsletter.objects.create(slug=slug, name=name, schedule=schedule, position=n)
        for n, (slug, name, schedule) in enumerate(rows)
    }


def link_in(message, kind: str) -> str:
    """The path of the /newsletters/<kind>/ link in a received e-mail's plain text."""
    match = re.search(rf"https?://[^/\s]+(/newsletters/{kind}/[^\s/]+/)", body_text(message))
    assert match, body_text(message)
    return match.group(1)


@pytest.fixture
def confirmed(client, smtp_server, newsletters):
    """Sign up `email` to `slugs` through the form and confirm through the e-mailed link."""

    def sign_up(email: str, *slugs: str) -> None:
        ids = [newsletters[slug].pk for slug in slugs]
        client.post("/newsletters/subscribe/", {"email": email, "newsletters": ids})
        message = smtp_server.to(email)[-1]
        assert client.post(link_in(message, "confirm")).status_code == 200

    return sign_up
