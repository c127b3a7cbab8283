"""Compressing cached responses once, and choosing the body a request's Accept-Encoding
wants (core/page_cache.py).

Text types (HTML, CSS, JavaScript, JSON, XML, plain text, SVG) of at least 256 bytes are
kept three times: identity, gzip (level 6) and brotli (quality
MASTHEAD_PAGE_CACHE_BROTLI_QUALITY, 5 by default: a 28 KB page in about a millisecond).
Each body has its own strong ETag: `"<md5>"`, `"<md5>-gzip"`, `"<md5>-br"`.
"""

import gzip
from functools import lru_cache

import brotli
from django.conf import settings

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/ld+json",
    "application/manifest+json",
    "image/svg+xml",
)
MIN_SIZE = 256
PREFERENCE = ("br", "gzip")  # on equal q-values


def compressible(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith(COMPRESSIBLE) or kind.endswith("+xml")


def compress_all(content: bytes, content_type: str) -> dict[str, bytes]:
    """{"identity": content, "gzip": ..., "br": ...}; only identity for other types."""
    bodies = {"identity": content}
    if len(content) < MIN_SIZE or not compressible(content_type):
        return bodies
    quality = int(getattr(settings, "MASTHEAD_PAGE_CACHE_BROTLI_QUALITY", 5))
    br = brotli.compress(content, quality=quality, mode=brotli.MODE_TEXT)
    gz = gzip.compress(content, compresslevel=6, mtime=0)
    if len(br) < len(content):
        bodies["br"] = br
    if len(gz) < len(content):
        bodies["gzip"] = gz
    return bodies


@lru_cache(maxsize=256)
def wanted(accept_encoding: str) -> tuple[str, ...]:
    """The codings a header accepts, most wanted first (q=0 and unknown ones left out)."""
    explicit: dict[str, float] = {}
    star = None
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        coding, q = coding.strip(), 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding == "*":
            star = q
        elif coding in PREFERENCE:
            explicit[coding] = q
    if star is not None:
        for coding in PREFERENCE:
            explicit.setdefault(coding, star)  # an explicit coding counts before `*`
    ranked = sorted(explicit.items(), key=lambda item: (-item[1], PREFERENCE.index(item[0])))
    return tuple(coding for coding, q in ranked if q > 0)


def choose(accept_encoding: str, bodies: dict[str, bytes]) -> str:
    """The encoding of `bodies` to send: the most wanted one there is, else identity."""
    if len(bodies) == 1:
        return "identity"
    for coding in wanted(accept_encoding[:200]):
        if coding in bodies:
            return coding
    return "identity"


def etag(base: str, encoding: str) -> str:
    return f'"{base}"' if encoding == "identity" else f'"{base}-{encoding}"'


def etag_matches(if_none_match: str | None, current: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == current for tag in if_none_match.split(","))
