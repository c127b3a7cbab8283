"""Per-reader limits that store nothing personal.

A reader is known only by a keyed hash of their address and user agent. The burst
limiter keeps that hash in this process's memory for a minute; the optional
de-duplication keeps a differently salted hash in the cache for 30 minutes, with a
salt that changes every day and never leaves the cache.
"""

import hashlib
import secrets
import threading
import time
from datetime import date

from django.core.cache import cache
from django.http import HttpRequest

from . import conf

# A per-process key: the burst limiter's hashes mean nothing outside this process.
_PROCESS_KEY = secrets.token_bytes(16)
_MAX_TRACKED = 50_000
SALT_SECONDS = 2 * 24 * 3600


def client_address(request: HttpRequest) -> str:
    header = conf.client_ip_header()
    if header and request.META.get(header):
        # The last hop was added by our own proxy; earlier entries are the client's to forge.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_digest(request: HttpRequest, *, key: bytes) -> str:
    ident = f"{client_address(request)}\n{request.headers.get('User-Agent', '')}"
    return hashlib.blake2b(ident.encode(), key=key[:64], digest_size=16).hexdigest()


class BurstLimiter:
    """At most `limit` beacons per client per window, counted in this process only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def allow(self, digest: str, *, limit: int, seconds: int) -> bool:
        if limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            started, count = self._windows.get(digest, (now, 0))
            if now - started >= seconds:
                started, count = now, 0
            self._windows[digest] = (started, count + 1)
            if len(self._windows) > _MAX_TRACKED:
                self._forget_older_than(now - seconds)
        return count < limit

    def _forget_older_than(self, moment: float) -> None:
        self._windows = {k: v for k, v in self._windows.items() if v[0] >= moment}
        if len(self._windows) > _MAX_TRACKED:  # a flood of distinct clients: start over
            self._windows.clear()

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


burst_limiter = BurstLimiter()


def allow_burst(request: HttpRequest) -> bool:
    digest = client_digest(request, key=_PROCESS_KEY)
    return burst_limiter.allow(digest, limit=conf.burst_limit(), seconds=conf.burst_seconds())


def daily_salt(day: date) -> bytes:
    """A random salt shared by every process through the cache, new each day."""
    key = f"audience:salt:{day.isoformat()}"
    cache.add(key, secrets.token_hex(32), timeout=SALT_SECONDS)
    salt = cache.get(key)
    if salt is None:  # evicted between the two calls
        salt = secrets.token_hex(32)
        cache.set(key, salt, timeout=SALT_SECONDS)
    return bytes.fromhex(salt)


def first_view_in_window(request: HttpRequest, *, article_id: int, day: date) -> bool:
    """False when this reader already viewed this article in the last 30 minutes."""
    digest = client_digest(request, key=daily_salt(day))
    key = f"audience:seen:{article_id}:{digest}"
    return cache.add(key, 1, timeout=conf.dedupe_minutes() * 60)
