"""The request's Wagtail Site and its home page, found once per publish.

Wagtail looks the site up by host name, then loads its root page, then that page's own
type: three queries before routing starts, on every request. The site, with its home
page already specific, is kept in core.memo until the next publish (a change of Sites
starts a new generation too: core/signal_handlers.py).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Site

from .memo import memo


def site_for_request(request: HttpRequest) -> Site | None:
    hostname = split_domain_port(request.get_host())[0]
    key = ("site", hostname, request.get_port())
    return memo.get(key, lambda: _load(request), tags=())  # sites, home: "everything"


def _load(request: HttpRequest) -> Site | None:
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific  # the home page, with its own type
    return site


class SiteMiddleware:
    """Hands Wagtail (Site.find_for_request, which reads request._wagtail_site) the
    kept site, so serving a page starts at routing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # /healthz must answer 503, not fail here, when the database is down.
        if request.path != "/healthz" and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site_for_request(request)
        return self.get_response(request)
