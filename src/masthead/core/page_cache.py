"""Full-page cache for anonymous readers, checked before most middleware.

Keys carry a site-wide *generation*: publishing, unpublishing, moving or deleting a page,
changing Editors' Picks or finishing a narration bumps it, so every page that could list
the change is fresh at once, in every worker process. Each process re-reads the
generation at most every MASTHEAD_PAGE_CACHE_GENERATION_CHECK seconds (default 0.5 s):
one cache lookup per hit most of the time, and a publish is visible within a second.

Never cached: signed-in users (any session cookie), non-GET/HEAD requests, excluded
paths (admin, media, static, ...), responses that set cookies, are private, or are not
200. Only known query parameters (e.g. ?page=2) are part of the key; others are ignored.

Two layers. `PageCacheMiddleware` keeps entries in the shared cache (file or Redis) so
every process and server benefits from one render. `PageCacheApp` wraps the WSGI
application (masthead/wsgi.py) and keeps, per process, a copy of the complete responses
that left Django through the page cache: a repeat hit is answered before Django is
entered at all. Local copies belong to one generation (a publish makes them unreachable
at the next generation check) and live at most MASTHEAD_PAGE_CACHE_LOCAL_SECONDS.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

GENERATION_KEY = "masthead:pagecache:generation"
STORED_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag", "X-Frame-Options")


def _setting(name: str, default):
    return getattr(settings, f"MASTHEAD_PAGE_CACHE_{name}", default)


class Generation:
    """The current generation, re-read from the shared cache at most every few tenths of a s."""

    def __init__(self) -> None:
        self.value, self.read_at = None, 0.0

    def get(self, cache) -> int:
        now = time.monotonic()
        if self.value is None or now - self.read_at > _setting("GENERATION_CHECK", 0.5):
            self.value = cache.get(GENERATION_KEY) or 0
            self.read_at = now
        return self.value


_generation = Generation()


def page_cache():
    return caches[_setting("ALIAS", "default")]


def invalidate_all() -> None:
    """Make every cached page stale, in every process (within the check interval)."""
    cache = page_cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or the cache lost it): never a number used before
        cache.set(GENERATION_KEY, time.time_ns(), None)
    _generation.value = None  # this process sees it at once


def cache_key(request: HttpRequest, generation: int) -> str:
    params = _setting("QUERY_PARAMS", ("page", "q"))
    query = "&".join(f"{k}={request.GET.get(k)}" for k in sorted(params) if k in request.GET)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"masthead:page:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _excluded() -> tuple[str, ...]:
    return tuple(_setting("EXCLUDE", ("/admin/", "/django-admin/", "/media/", "/static/",
                                      "/documents/", "/_audience/", "/api/")))  # fmt: skip


def cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not _setting("ENABLED", True):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed-in staff (or a past session): always fresh, never cached
    return not request.path.startswith(_excluded())


def cacheable_response(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _respond(request: HttpRequest, entry: dict, state: str) -> HttpResponse:
    if request.headers.get("If-None-Match") == entry["etag"]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], status=200)
        for name, value in entry["headers"].items():
            response[name] = value
    response["ETag"] = entry["etag"]
    response["Cache-Control"] = _setting("CONTROL", "public, max-age=0, must-revalidate")
    response["X-Cache"] = state
    return response


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable_request(request):
            return self.get_response(request)
        cache = page_cache()
        key = cache_key(request, _generation.get(cache))
        entry = cache.get(key)
        if entry is not None:
            return _respond(request, entry, "HIT")
        response = self.get_response(request)
        if not cacheable_response(response):
            return response
        entry = {
            "content": response.content,
            "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
            "headers": {h: response[h] for h in STORED_HEADERS if h in response},
        }
        cache.set(key, entry, _setting("SECONDS", 240))
        return _respond(request, entry, "MISS")


class LocalStore:
    """Complete responses of one generation, kept in this process (bounded in bytes).

    Copies leave in the order they came in: expired ones at the next `put` (every copy
    lives as long, so the oldest expire first), then the oldest while over `max_bytes`.
    So the store holds only copies that can still answer a request (made in the last
    LOCAL_SECONDS), rather than filling up to `max_bytes` with expired ones.
    """

    def __init__(self) -> None:
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.generation: int | None = None
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str, generation: int) -> tuple | None:
        if generation != self.generation:
            with self.lock:
                self.entries.clear()
                self.size, self.generation = 0, generation
            return None
        entry = self.entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry

    def put(self, key: str, generation: int, entry: tuple, max_bytes: int) -> None:
        if generation != self.generation or len(entry[4]) > max_bytes // 4:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            self.size += len(entry[4]) - (len(old[4]) if old else 0)
            now = time.monotonic()
            while self.entries:  # the oldest first: expired, then while over the bound
                oldest = next(iter(self.entries.values()))
                if oldest[0] >= now and self.size <= max_bytes:
                    break
                self.size -= len(self.entries.popitem(last=False)[1][4])
            self.entries[key] = entry


class PageCacheApp:
    """WSGI wrapper: answers repeat anonymous page hits from this process's memory.

    Only responses that Django's page cache served or stored (they carry X-Cache) are
    kept, with every header Django's middleware gave them, so a local hit is byte-for-byte
    the response Django would give, only cheaper. Everything else passes through.
    """

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.store = LocalStore()

    def key(self, environ: dict) -> str | None:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or not _setting("ENABLED", True):
            return None
        if f"{settings.SESSION_COOKIE_NAME}=" in environ.get("HTTP_COOKIE", ""):
            return None
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if path.startswith(_excluded()):
            return None
        query = environ.get("QUERY_STRING", "")
        if query:
            params = _setting("QUERY_PARAMS", ("page", "q"))
            query = "&".join(sorted(f"{k}={v}" for k, v in parse_qsl(query) if k in params))
        scheme = environ.get("wsgi.url_scheme", "http")
        proxy = settings.SECURE_PROXY_SSL_HEADER
        if proxy and environ.get(proxy[0]) == proxy[1]:
            scheme = "https"
        return f"{scheme}://{environ.get('HTTP_HOST', '')}{path}?{query}"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        generation = _generation.get(page_cache())
        entry = self.store.get(key, generation)
        if entry is not None:
            _, status, headers, etag, body = entry
            if environ.get("HTTP_IF_NONE_MATCH") == etag:
                start_response("304 Not Modified", headers[-3:])
                return []
            start_response(status, headers)
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
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
        kept = [(k, v) for k, v in captured[1] if k not in ("X-Cache", "ETag", "Cache-Control")]
        kept += [("X-Cache", "HIT"), ("ETag", headers["ETag"]),
                 ("Cache-Control", headers.get("Cache-Control", ""))]  # fmt: skip
        expires = time.monotonic() + _setting("LOCAL_SECONDS", 10)
        entry = (expires, captured[0], kept, headers["ETag"], body)
        self.store.put(key, generation, entry, _setting("LOCAL_MAX_BYTES", 16 * 1024 * 1024))
        return [body]
