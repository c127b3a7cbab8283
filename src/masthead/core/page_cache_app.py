"""The page cache's in-process layer: a WSGI wrapper (masthead/wsgi.py) that answers repeat
anonymous hits before Django is entered at all.

Only responses that Django's page cache served or stored (they carry X-Cache) are kept,
with every header Django's middleware gave them, so a local hit is byte-for-byte the
response Django would give, only cheaper. One copy per URL and content encoding (the
request's Accept-Encoding chooses it, as in core/compression.py). A copy is checked
against the invalidation log (core/invalidation.py) once per change of the log, then
served with a dictionary lookup; it lives at most MASTHEAD_PAGE_CACHE_LOCAL_SECONDS, and
the store holds at most MASTHEAD_PAGE_CACHE_LOCAL_MAX_BYTES, oldest out first.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.signals import setting_changed

from . import compression, invalidation


class Copy:
    __slots__ = ("expires", "stamp", "tags", "checked", "status", "headers", "etag", "body",
                 "not_modified")  # fmt: skip

    def __init__(self, expires, stamp, tags, status, headers, etag, body) -> None:
        self.expires, self.stamp, self.tags, self.checked = expires, stamp, tags, stamp
        self.status, self.headers, self.etag, self.body = status, headers, etag, body
        names = ("ETag", "Cache-Control", "Vary", "X-Cache")
        self.not_modified = [(k, v) for k, v in headers if k in names]


class LocalStore:
    """Complete responses kept in this process, bounded in bytes, oldest out first.

    Every copy lives as long, so expired ones are the oldest: they go at the next `put`,
    then the oldest while over `max_bytes`."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, Copy] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str, sequence: int) -> Copy | None:
        copy = self.entries.get(key)
        if copy is None or copy.expires < time.monotonic():
            return None
        if copy.checked != sequence:
            if not invalidation.fresh(copy.stamp, copy.tags):
                return None
            copy.checked = sequence
        return copy

    def put(self, key: str, copy: Copy, max_bytes: int) -> None:
        if len(copy.body) > max_bytes // 4:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            self.size += len(copy.body) - (len(old.body) if old else 0)
            now = time.monotonic()
            while self.entries:
                oldest = next(iter(self.entries.values()))
                if oldest.expires >= now and self.size <= max_bytes:
                    break
                self.size -= len(self.entries.popitem(last=False)[1].body)
            self.entries[key] = copy

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


class Config:
    """The settings the hit path reads, looked up once (again after a test changes one)."""

    def __init__(self) -> None:
        self.load()

    def load(self, **kwargs) -> None:
        from .page_cache import excluded

        get = getattr
        self.enabled = get(settings, "MASTHEAD_PAGE_CACHE_ENABLED", True)
        self.params = tuple(get(settings, "MASTHEAD_PAGE_CACHE_QUERY_PARAMS", ("page", "q")))
        self.excluded = excluded()
        self.cookie = f"{settings.SESSION_COOKIE_NAME}="
        self.proxy = settings.SECURE_PROXY_SSL_HEADER
        self.seconds = get(settings, "MASTHEAD_PAGE_CACHE_LOCAL_SECONDS", 10)
        self.max_bytes = get(settings, "MASTHEAD_PAGE_CACHE_LOCAL_MAX_BYTES", 16 * 1024 * 1024)


class PageCacheApp:
    """WSGI wrapper: answers repeat anonymous page hits from this process's memory."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.store = LocalStore()
        self.config = Config()
        setting_changed.connect(self.config.load)  # tests change settings

    def key(self, environ: dict) -> str | None:
        config = self.config
        if not config.enabled or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        cookie = environ.get("HTTP_COOKIE")
        if cookie and config.cookie in cookie:
            return None
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if path.startswith(config.excluded):
            return None
        query = environ.get("QUERY_STRING", "")
        if query:
            params = config.params
            query = "&".join(sorted(f"{k}={v}" for k, v in parse_qsl(query) if k in params))
        scheme = environ.get("wsgi.url_scheme", "http")
        proxy = config.proxy
        if proxy and environ.get(proxy[0]) == proxy[1]:
            scheme = "https"
        accept = environ.get("HTTP_ACCEPT_ENCODING", "")
        wanted = compression.wanted(accept) if accept else ()
        return f"{scheme}://{environ.get('HTTP_HOST', '')}{path}?{query}#{','.join(wanted)}"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        sequence = invalidation.current()
        copy = self.store.get(key, sequence)
        if copy is not None:
            inm = environ.get("HTTP_IF_NONE_MATCH")
            if inm and compression.etag_matches(inm, copy.etag):
                start_response("304 Not Modified", copy.not_modified)
                return []
            start_response(copy.status, copy.headers)
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [copy.body]
        return self.miss(environ, start_response, key, sequence)

    def miss(self, environ, start_response, key: str, sequence: int) -> Iterable[bytes]:
        captured: list = []

        def capture(status: str, headers: list, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        if environ["REQUEST_METHOD"] != "GET" or not captured or captured[0][:3] != "200":
            return result
        headers = dict(captured[1])
        if "X-Cache" not in headers or "ETag" not in headers or "Set-Cookie" in headers:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        kept = [(k, v) for k, v in captured[1] if k != "X-Cache"] + [("X-Cache", "HIT")]
        tags = tuple(headers.get("X-Cache-Tags", invalidation.ANY).split())
        config = self.config
        copy = Copy(time.monotonic() + config.seconds, sequence, tags, captured[0], kept,
                    headers["ETag"], body)  # fmt: skip
        self.store.put(key, copy, config.max_bytes)
        return [body]
