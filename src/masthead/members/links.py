"""One-time links: what the e-mail carries and what a click proves.

The token is Django's signing (HMAC with SECRET_KEY, timestamped) over the link's id
and a random nonce; the database keeps only the nonce's SHA-256. A click is accepted
when the signature holds, is younger than MASTHEAD_MEMBERS_LINK_MAX_AGE, names a link
whose nonce matches and that was never used. Every refusal is one of three reasons the
reader is told (expired, used, invalid); none says whether an address is a member's.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone

from . import conf
from .models import MemberLink

SALT = "masthead.members.link"


class LinkRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired", "used" or "invalid"


@dataclass
class Accepted:
    link: MemberLink


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue_token(link: MemberLink) -> str | None:
    """A fresh token for `link`, once (None when it was issued already: safe to run
    twice, never two valid tokens for one link)."""
    nonce = secrets.token_urlsafe(24)
    claimed = MemberLink.objects.filter(pk=link.pk, nonce_hash__isnull=True).update(
        nonce_hash=_digest(nonce), sent_at=timezone.now()
    )
    if not claimed:
        return None
    return signing.dumps({"l": link.pk, "n": nonce}, salt=SALT)


def check_token(token: str, *, purpose: str) -> MemberLink:
    """The unused link `token` names, or LinkRefused (nothing is changed)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.link_max_age())
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("n"), str)
        or not isinstance(data.get("l"), int)
    ):
        raise LinkRefused("invalid")
    link = MemberLink.objects.filter(pk=data.get("l"), purpose=purpose).first()
    if link is None or not link.nonce_hash:
        raise LinkRefused("invalid")
    if not hmac.compare_digest(link.nonce_hash, _digest(data["n"])):
        raise LinkRefused("invalid")
    if link.used_at is not None:
        raise LinkRefused("used")
    return link


def use_token(token: str, *, purpose: str) -> MemberLink:
    """Like check_token, and marks the link used: of two clicks at once, one wins."""
    link = check_token(token, purpose=purpose)
    with transaction.atomic():
        won = MemberLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
    if not won:
        raise LinkRefused("used")
    return link
