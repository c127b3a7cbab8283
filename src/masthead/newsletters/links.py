"""Absolute URLs for e-mails (MASTHEAD_BASE_URL: a mail client has no page to be relative to)."""

from django.conf import settings
from django.urls import reverse

from . import tokens


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def confirm_url(*, subscriber_id: int, nonce: str) -> str:
    token = tokens.confirm_token(subscriber_id=subscriber_id, nonce=nonce)
    return absolute(reverse("newsletters:confirm", args=[token]))


def preferences_url(*, subscriber_id: int) -> str:
    token = tokens.preferences_token(subscriber_id=subscriber_id)
    return absolute(reverse("newsletters:preferences", args=[token]))


def unsubscribe_url(*, subscriber_id: int, newsletter_id: int) -> str:
    token = tokens.unsubscribe_token(subscriber_id=subscriber_id, newsletter_id=newsletter_id)
    return absolute(reverse("newsletters:unsubscribe", args=[token]))
