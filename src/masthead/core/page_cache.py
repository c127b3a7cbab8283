"""Full-page cache for anonymous readers, checked before most middleware.

Each entry carries the cache tags of what it shows and the invalidation stamp it was
rendered under (core/invalidation.py): a publish makes stale only the entries that name
one of the tags it affects (the article, its listings, feeds, sitemaps, search), in
every worker process within MASTHEAD_PAGE_CACHE_GENERATION_CHECK seconds (0.5 s).

Never cached: signed-in users (any session cookie), non-GET/HEAD requests, excluded
paths (admin, media, static, ...), responses that set cookies, are private, or are not
200. Only known query parameters (e.g. ?page=2) are part of the key; others are ignored.

Entries are compressed once, when stored (core/compression.py): identity, gzip and
brotli bodies, each with its own ETag; a request gets the one its Accept-Encoding asks
for, with `Vary: Accept-Encoding`.

Two layers. `PageCacheMiddleware` keeps entries in the shared cache (file or Redis) so
every process and server benefits from one render. `PageCacheApp` (core/page_cache_app.py)
wraps the WSGI application and keeps, per process, a copy of the complete responses that
left Django through the page cache.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from . import compression, invalidation

STORED_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag", "X-Frame-Options")
TAGS_HEADER = "X-Cache-Tags"


def _setting(name: str, default):
    return getattr(settings, f"MASTHEAD_PAGE_CACHE_{name}", default)


def page_cache():
    return caches[_setting("ALIAS", "default")]


def invalidate_all() -> None:
    """Make every cached page (and memo, card) stale, in every process."""
    invalidation.invalidate_everything()


def cache_key(request: HttpRequest) -> str:
    params = _setting("QUERY_PARAMS", ("page", "q"))
    query = "&".join(f"{k}={request.GET.get(k)}" for k in sorted(params) if k in request.GET)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"masthead:page:{hashlib.sha256(raw.encode()).hexdigest()}"


def excluded() -> tuple[str, ...]:
    return tuple(_setting("EXCLUDE", ("/admin/", "/django-admin/", "/media/", "/static/",
                                      "/documents/", "/_audience/", "/api/")))  # fmt: skip


def cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not _setting("ENABLED", True):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed-in staff (or a past session): always fresh, never cached
    return not request.path.startswith(excluded())


def cacheable_response(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def view_tags(request: HttpRequest) -> set[str]:
    """Tags of views that name no page (feeds, sitemaps, search, topics)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return set()
    name = match.url_name or ""
    if match.namespace == "distribution":
        if name.endswith(("-rss", "-atom")):
            return {"feed"}
        if "sitemap" in name:
            return {"sitemap"}
    elif match.view_name in ("news:search", "news:topics"):
        return {name}
    elif match.view_name == "narration:podcast":
        return {"podcast"}
    return set()


def make_entry(content: bytes, headers: dict, tags: set[str], stamp: int) -> dict:
    etag = hashlib.md5(content, usedforsecurity=False).hexdigest()
    return {
        "stamp": stamp,
        "tags": tuple(sorted(tags)),
        "etag": etag,
        "headers": headers,
        "bodies": compression.compress_all(content, headers.get("Content-Type", "")),
    }


def respond(request: HttpRequest, entry: dict, state: str) -> HttpResponse:
    encoding = compression.choose(request.headers.get("Accept-Encoding", ""), entry["bodies"])
    etag = compression.etag(entry["etag"], encoding)
    if compression.etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    else:
        body = entry["bodies"][encoding]
        response = HttpResponse(body, status=200)
        for name, value in entry["headers"].items():
            response[name] = value
        if encoding != "identity":
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
    response["ETag"] = etag
    if len(entry["bodies"]) > 1:
        response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = _setting("CONTROL", "public, max-age=0, must-revalidate")
    response[TAGS_HEADER] = " ".join(entry["tags"])
    response["X-Cache"] = state
    return response


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable_request(request):
            return self.get_response(request)
        cache = page_cache()
        stamp = invalidation.current()
        key = cache_key(request)
        entry = cache.get(key)
        if entry is not None and invalidation.fresh(entry["stamp"], entry["tags"]):
            return respond(request, entry, "HIT")
        token = invalidation.start_collecting()
        try:
            response = self.get_response(request)
        finally:
            tags = invalidation.stop_collecting(token)
        if not cacheable_response(response):
            return response
        tags |= view_tags(request)
        headers = {h: response[h] for h in STORED_HEADERS if h in response}
        entry = make_entry(response.content, headers, tags or {invalidation.ANY}, stamp)
        cache.set(key, entry, _setting("SECONDS", 240))
        return respond(request, entry, "MISS")


from .page_cache_app import LocalStore, PageCacheApp  # noqa: E402  (masthead/wsgi.py, tests)

__all__ = ["LocalStore", "PageCacheApp", "PageCacheMiddleware", "invalidate_all"]
