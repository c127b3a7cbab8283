"""Webhook payloads, signatures and the HTTP request itself (run only by the worker).

A receiver verifies a delivery by computing HMAC-SHA256 of the raw request body with
the shared secret and comparing it, in constant time, with the `X-Masthead-Signature`
header (`sha256=<hex digest>`); see docs/distribution.md.
"""

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import certifi
import urllib3
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from masthead.news.models import ArticlePage
from masthead.news.selectors import section_for

from . import egress
from .links import absolutizer, base_url, page_path

SIGNATURE_HEADER = "X-Masthead-Signature"
EVENT_HEADER = "X-Masthead-Event"
DELIVERY_HEADER = "X-Masthead-Delivery"
USER_AGENT = "Masthead-Webhooks/1.0"
# The log keeps the status and a short excerpt of the answer, no more: enough to see
# what the receiver said, too little to read documents through a webhook.
EXCERPT_CHARS = 200
EXCERPT_BYTES = 1024
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Worth trying again: the receiver is down, overloaded or asked us to slow down.
RETRYABLE_STATUS = {408, 425, 429}


def sign(*, secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(*, secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does (kept here for tests and as the documented reference)."""
    return hmac.compare_digest(sign(secret=secret, body=body), signature)


def article_payload(article: ArticlePage) -> dict[str, Any]:
    absolute = absolutizer(None)
    section = section_for(article)
    byline = article.article_authors.select_related("author").order_by("sort_order")
    return {
        "id": article.pk,
        "title": article.title,
        "url": absolute(page_path(article)),
        "api_url": absolute(reverse("masthead_api:articles:detail", args=[article.pk])),
        "live": article.live,
        "dek": article.dek,
        "summary": article.summary,
        "section": (
            {"id": section["id"], "title": section["title"], "url": absolute(section["url"])}
            if section
            else None
        ),
        "authors": [
            {
                "name": link.author.name,
                "slug": link.author.slug,
                "url": absolute(link.author.get_absolute_url()),
            }
            for link in byline
        ],
        "tags": [{"name": t.name, "slug": t.slug} for t in article.tags.all()],
        "published_at": article.published_at,
        "last_updated_at": article.last_updated_at,
        "last_published_at": article.last_published_at,
    }


def narration_payload(narration) -> dict[str, Any]:
    return {
        "audio_url": absolutizer(None)(narration.audio.url) if narration.audio else None,
        "duration_seconds": narration.duration,
        "voice": narration.voice,
        "updated_at": narration.audio_updated_at,
    }


def envelope(*, delivery_id: UUID, event: str, data: dict[str, Any]) -> str:
    """The JSON body: the same bytes are signed and sent on every attempt."""
    body = {
        "id": str(delivery_id),
        "event": event,
        "created_at": timezone.now(),
        "site": {"name": settings.WAGTAIL_SITE_NAME, "url": base_url() + "/"},
        "data": data,
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int
    final: bool = False  # no point trying again (a destination that is refused)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        if self.final:
            return False
        if self.status_code is None:  # no answer: connection refused, timeout, DNS
            return True
        return self.status_code >= 500 or self.status_code in RETRYABLE_STATUS


def timeout() -> float:
    return float(getattr(settings, "MASTHEAD_WEBHOOK_TIMEOUT", 5))


def post(*, url: str, secret: str, body: str, event: str, delivery_id: UUID) -> AttemptResult:
    """One POST with a short timeout, to an address checked just before (egress.py).

    Redirects are not followed: they would turn the POST into a GET, and could point
    anywhere, including inside the newsroom's network.
    """
    raw = body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        SIGNATURE_HEADER: sign(secret=secret, body=raw),
    }
    start = time.monotonic()
    try:
        target = egress.destination(url)
    except egress.RefusedDestination as refused:
        return AttemptResult(None, str(refused), "", _ms(start), final=True)
    except (OSError, UnicodeError) as exc:
        return AttemptResult(None, f"The host name did not resolve: {exc}"[:500], "", _ms(start))
    try:
        status, answer = _send(target, raw, headers)
    except urllib3.exceptions.NewConnectionError as exc:
        return AttemptResult(None, f"ConnectionError: {_reason(exc)}", "", _ms(start))
    except urllib3.exceptions.TimeoutError:
        return AttemptResult(None, f"No answer within {timeout():g} s", "", _ms(start))
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return AttemptResult(None, _describe(exc), "", _ms(start))
    error = "" if 200 <= status < 300 else f"HTTP {status}"
    if 300 <= status < 400:
        error = f"HTTP {status}: redirects are not followed; update the webhook URL"
    return AttemptResult(status, error, excerpt(answer), _ms(start))


def _send(target: egress.Destination, raw: bytes, headers: dict) -> tuple[int, bytes]:
    """POST to the first checked address that takes the connection (never re-resolved)."""
    headers = {**headers, "Host": target.host_header}
    if target.url.username is not None:
        auth = f"{target.url.username}:{target.url.password or ''}"
        headers.update(urllib3.util.make_headers(basic_auth=auth))
    limit = urllib3.Timeout(connect=timeout(), read=timeout())
    failure: Exception | None = None
    for address in target.addresses:
        if target.https:
            pool = urllib3.HTTPSConnectionPool(
                address,
                target.port,
                timeout=limit,
                retries=False,
                server_hostname=target.host,  # SNI and the certificate: the name, not the IP
                assert_hostname=target.host,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, target.port, timeout=limit, retries=False)
        with pool:
            try:
                response = pool.urlopen(
                    "POST",
                    target.target,
                    body=raw,
                    headers=headers,
                    redirect=False,
                    assert_same_host=False,
                    preload_content=False,
                )
            except urllib3.exceptions.NewConnectionError as exc:
                failure = exc  # this address is down: try the host's next one
                continue
            try:
                return response.status, response.read(EXCERPT_BYTES, decode_content=True)
            finally:
                response.release_conn()
    raise failure or urllib3.exceptions.NewConnectionError(None, "no address to connect to")


def excerpt(answer: bytes) -> str:
    """The first EXCERPT_CHARS characters of the answer, as text without control characters
    (the admin escapes it when showing it)."""
    text = CONTROL_CHARACTERS.sub(" ", answer.decode("utf-8", "replace"))
    return text[:EXCERPT_CHARS]


def _reason(exc: Exception) -> str:
    # urllib3's message starts with the connection object's repr; the reason is the rest.
    return str(exc).split(": ", 1)[-1][:300]


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def _describe(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:500]
