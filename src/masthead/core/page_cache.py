"""Full-page cache for anonymous readers, checked before most middleware.

Keys carry a site-wide *generation*: publishing, unpublishing, moving or deleting a page,
changing Editors' Picks or finishing a narration bumps it, so every page that could list
the change is fresh at once, in every worker process. Each process re-reads the
generation at most every MASTHEAD_PAGE_CACHE_GENERATION_CHECK seconds (default 0.5 s):
one cache lookup per hit most of the time, and a publish is visible within a second.

Never cached: signed-in users (any session cookie), non-GET/HEAD requests, excluded
paths (admin, media, static, ...), responses that set cookies, are private, or are not
200. Only known query parameters (e.g. ?page=2) are part of the key; others are ignored.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

GENERATION_KEY = "masthead:pagecache:generation"
STORED_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag")


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
    except ValueError:  # no generation yet
        cache.set(GENERATION_KEY, int(time.time()), None)
    _generation.value = None  # this process sees it at once


def cache_key(request: HttpRequest, generation: int) -> str:
    params = _setting("QUERY_PARAMS", ("page", "q"))
    query = "&".join(f"{k}={request.GET.get(k)}" for k in sorted(params) if k in request.GET)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"masthead:page:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not _setting("ENABLED", True):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed-in staff (or a past session): always fresh, never cached
    excluded = _setting("EXCLUDE", ("/admin/", "/django-admin/", "/media/", "/static/",
                                     "/documents/", "/_audience/", "/api/"))  # fmt: skip
    return not request.path.startswith(tuple(excluded))


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
