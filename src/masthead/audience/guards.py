"""Per-address limits on beacons, shared by every web process, storing nothing personal.

"Most popular" must not be for sale: a script rotating its User-Agent, or spreading its
beacons over several web processes, is still one address. Two limits count beacons per
address in the shared Django cache (the file cache on one server, Redis on several):

- a burst limit, `MASTHEAD_AUDIENCE_BURST_LIMIT` beacons per `..._BURST_SECONDS` window;
- a daily cap, `MASTHEAD_AUDIENCE_DAILY_CAP` counted views of one article per day.

An address is never stored: the cache keys hold a keyed hash of it (an IPv6 address by
its /64, which one subscriber usually holds whole), keyed with a salt derived from
SECRET_KEY and the day, so a day's hashes cannot be linked to the next day's. The
optional de-duplication keeps a hash of address and user agent, salted with a random
salt that changes every day and never leaves the cache.
"""

import fcntl
import hashlib
import hmac
import ipaddress
import os
import secrets
import time
import zlib
from contextlib import contextmanager
from datetime import date

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest

from . import conf

SALT_SECONDS = 2 * 24 * 3600
LOCK_STRIPES = 16


def client_address(request: HttpRequest) -> str:
    header = conf.client_ip_header()
    if header and request.META.get(header):
        # The last hop was added by our own proxy; earlier entries are the client's to forge.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def address_group(address: str) -> str:
    """What one client is: an IPv4 address, or an IPv6 address's /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def limit_salt(day: date) -> bytes:
    """The day's key for address hashes: the same in every process, new each day."""
    message = f"masthead.audience.limits:{day.isoformat()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def address_digest(request: HttpRequest, *, day: date) -> str:
    group = address_group(client_address(request)).encode()
    return hashlib.blake2b(group, key=limit_salt(day), digest_size=16).hexdigest()


@contextmanager
def _file_lock(backend: FileBasedCache, key: str):
    # Django's file cache increments by reading then writing the file; an exclusive
    # lock on a file next to it makes that one step for every process on the server.
    os.makedirs(backend._dir, exist_ok=True)
    stripe = zlib.crc32(key.encode()) % LOCK_STRIPES
    path = os.path.join(backend._dir, f"masthead-counter-{stripe}.lock")
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def count(key: str, *, timeout: int) -> int:
    """Add one to the shared counter `key`; the count, this one included.

    Atomic across processes: Redis and memcached increment in one command; the file
    cache increments under a file lock. A new counter lives `timeout` seconds.
    """
    backend = caches["default"]
    if isinstance(backend, FileBasedCache):
        with _file_lock(backend, key):
            value = (backend.get(key) or 0) + 1
            backend.set(key, value, timeout=timeout)
            return value
    if backend.add(key, 1, timeout=timeout):
        return 1
    try:
        return backend.incr(key)
    except ValueError:  # expired between the two calls: this is the first of a new one
        backend.add(key, 1, timeout=timeout)
        return 1


def allow_burst(request: HttpRequest, *, day: date) -> bool:
    """At most MASTHEAD_AUDIENCE_BURST_LIMIT beacons per address per window."""
    limit, seconds = conf.burst_limit(), conf.burst_seconds()
    if limit <= 0 or seconds <= 0:
        return True
    window = int(time.time() // seconds)
    key = f"audience:burst:{window}:{address_digest(request, day=day)}"
    return count(key, timeout=seconds + 5) <= limit


def within_daily_cap(request: HttpRequest, *, article_id: int, day: date) -> bool:
    """At most MASTHEAD_AUDIENCE_DAILY_CAP counted views of an article per address a day."""
    cap = conf.daily_cap()
    if cap <= 0:
        return True
    key = f"audience:cap:{day.isoformat()}:{article_id}:{address_digest(request, day=day)}"
    return count(key, timeout=SALT_SECONDS) <= cap


def daily_salt(day: date) -> bytes:
    """A random salt shared by every process through the cache, new each day."""
    key = f"audience:salt:{day.isoformat()}"
    cache.add(key, secrets.token_hex(32), timeout=SALT_SECONDS)
    salt = cache.get(key)
    if salt is None:  # evicted between the two calls
        salt = secrets.token_hex(32)
        cache.set(key, salt, timeout=SALT_SECONDS)
    return bytes.fromhex(salt)


def client_digest(request: HttpRequest, *, key: bytes) -> str:
    ident = f"{client_address(request)}\n{request.headers.get('User-Agent', '')}"
    return hashlib.blake2b(ident.encode(), key=key[:64], digest_size=16).hexdigest()


def first_view_in_window(request: HttpRequest, *, article_id: int, day: date) -> bool:
    """False when this reader already viewed this article in the last 30 minutes."""
    digest = client_digest(request, key=daily_salt(day))
    key = f"audience:seen:{article_id}:{digest}"
    return cache.add(key, 1, timeout=conf.dedupe_minutes() * 60)
