"""Signed links in newsletter e-mails (django.core.signing, keyed by SECRET_KEY).

- confirm: double opt-in, expires after MASTHEAD_NEWSLETTER_CONFIRM_DAYS, single use
  (it carries the subscriber's current nonce, cleared once confirmed).
- preferences: the manage-preferences page, expires after MASTHEAD_NEWSLETTER_LINK_DAYS.
- unsubscribe: one newsletter, never expires (RFC 8058 one-click links must keep working).

A link that is expired, used or tampered with is refused with a page that says which.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "masthead.newsletters.confirm"
PREFERENCES_SALT = "masthead.newsletters.preferences"
UNSUBSCRIBE_SALT = "masthead.newsletters.unsubscribe"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class ConfirmLink:
    subscriber_id: int
    nonce: str


def new_nonce() -> str:
    return secrets.token_hex(16)


def _days(name: str, default: int) -> int:
    return int(getattr(settings, f"MASTHEAD_NEWSLETTER_{name}", default))


def confirm_token(*, subscriber_id: int, nonce: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(f"{subscriber_id}.{nonce}")


def read_confirm_token(token: str) -> ConfirmLink:
    value = _unsign(
        signing.TimestampSigner(salt=CONFIRM_SALT), token, _days("CONFIRM_DAYS", 7) * 86400
    )
    subscriber_id, _, nonce = value.partition(".")
    if not subscriber_id.isdigit() or not nonce:
        raise LinkInvalid
    return ConfirmLink(int(subscriber_id), nonce)


def preferences_token(*, subscriber_id: int) -> str:
    return signing.TimestampSigner(salt=PREFERENCES_SALT).sign(str(subscriber_id))


def read_preferences_token(token: str) -> int:
    value = _unsign(
        signing.TimestampSigner(salt=PREFERENCES_SALT), token, _days("LINK_DAYS", 60) * 86400
    )
    if not value.isdigit():
        raise LinkInvalid
    return int(value)


def unsubscribe_token(*, subscriber_id: int, newsletter_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{subscriber_id}.{newsletter_id}")


def read_unsubscribe_token(token: str) -> tuple[int, int]:
    value = _unsign(signing.Signer(salt=UNSUBSCRIBE_SALT), token, None)
    subscriber_id, _, newsletter_id = value.partition(".")
    if not (subscriber_id.isdigit() and newsletter_id.isdigit()):
        raise LinkInvalid
    return int(subscriber_id), int(newsletter_id)


def _unsign(signer, token: str, max_age: int | None) -> str:
    if not isinstance(token, str) or len(token) > 200:
        raise LinkInvalid
    try:
        if max_age is None:
            return signer.unsign(token)
        return signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
