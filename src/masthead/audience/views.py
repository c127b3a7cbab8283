"""The view beacon endpoint: POST /_audience/view from article pages (see beacon.js)."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import conf, guards, services
from .bots import is_bot
from .live import live_articles

MAX_BODY_BYTES = 1024
# The beacon's marker: beacon.js sends it, scripts and crawlers replaying URLs do not.
BEACON_MARKER = "masthead-view/1"


def _status(code: int) -> HttpResponse:
    response = HttpResponse(status=code)
    response["Cache-Control"] = "no-store"
    return response


def parse_article_id(body: bytes) -> int | None:
    """The article id from a body like {"beacon": "masthead-view/1", "article": 12}."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("beacon") != BEACON_MARKER:
        return None
    article = payload.get("article")
    valid = isinstance(article, int) and not isinstance(article, bool) and 0 < article < 2**31
    return article if valid else None


def _oversized(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def _cross_site(request: HttpRequest) -> bool:
    """Another site's page posting beacons; browsers say so in Origin and Sec-Fetch-Site.

    `Origin: null` comes from sandboxed iframes, data: and file: pages: never ours.
    """
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is not None and origin.strip().lower() == "null":
        return True
    return bool(origin) and not url_has_allowed_host_and_scheme(
        origin + "/", allowed_hosts={request.get_host()}
    )


@csrf_exempt  # cached pages carry no token; the view writes nothing a forged POST could abuse
@require_POST
def record_view(request: HttpRequest) -> HttpResponse:
    """204 when counted or silently dropped (bots, repeats); 4xx for anything malformed."""
    if _oversized(request):
        return _status(413)
    body = request.read(MAX_BODY_BYTES + 1)  # a body without Content-Length is capped too
    if len(body) > MAX_BODY_BYTES:
        return _status(413)
    article_id = parse_article_id(body)
    if article_id is None:
        return _status(400)
    if _cross_site(request):
        return _status(403)
    if is_bot(request):
        return _status(204)
    day = services.newsroom_day()
    if not guards.allow_burst(request, day=day):
        return _status(429)
    if not live_articles.is_live(article_id):
        return _status(404)
    if conf.dedupe() and not guards.first_view_in_window(request, article_id=article_id, day=day):
        return _status(204)
    if not guards.within_daily_cap(request, article_id=article_id, day=day):
        return _status(204)  # this address's views of the article today are all counted
    services.record_view(article_id=article_id, day=day)
    return _status(204)
