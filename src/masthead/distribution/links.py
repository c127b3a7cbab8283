"""Absolute URLs for things that leave the site (feeds, sitemaps, structured data, webhooks).

With a request, the host the reader used (validated by ALLOWED_HOSTS); without one (a
webhook sent by the worker), `WAGTAILADMIN_BASE_URL`, i.e. `MASTHEAD_BASE_URL`.
"""

import re
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.models import Page, Site

ROOT_RELATIVE_RE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')
# What Wagtail's serve URL pattern accepts after the site root (wagtail/urls.py).
PLAIN_PATH_RE = re.compile(r"[A-Za-z0-9_\-/]*")
SERVE_PATH_RE = re.compile(r"(?:[\w\-]+/)*" if WAGTAIL_APPEND_SLASH else r"[\w\-/]*")


def base_url() -> str:
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")


def absolutizer(request: HttpRequest | None) -> Callable[[str], str]:
    """A function turning a root-relative URL into an absolute one (absolute ones pass)."""
    if request is not None:
        return request.build_absolute_uri
    root = base_url()
    return lambda url: url if "://" in url else root + url


def page_path(page: Page, request: HttpRequest | None = None) -> str:
    """The page's path on its site ("/news/bridge-reopens/"); no query once the site
    root paths are cached (Wagtail keeps them in the cache and on the request)."""
    parts = page.get_url_parts(request=request)
    return parts[2] if parts and parts[2] else ""


def page_url(page: Page, request: HttpRequest | None = None) -> str:
    return absolutizer(request)(page_path(page, request))


def absolutize_html(html: str, absolute: Callable[[str], str]) -> str:
    """Make root-relative links and image sources absolute (feed readers need them)."""
    return ROOT_RELATIVE_RE.sub(lambda m: f'{m.group(1)}{absolute(m.group(2))}"', html)


class UrlPathResolver:
    """Site paths of pages from their `url_path` alone, by Page.get_url_parts' rule (the
    first site root the page is under, then the `wagtail_serve` URL of the rest), for
    sitemaps of tens of thousands of pages where making a Page object for each would
    dominate. Masthead runs without Wagtail's i18n, which that rule would also consult."""

    def __init__(self) -> None:
        self.roots = [root.root_path for root in Site.get_site_root_paths()]
        # reverse() once: the serve view's prefix; the rest of a path is quoted as
        # reverse() quotes it (tens of microseconds a call, 10,000 calls a file).
        self.prefix = reverse("wagtail_serve", args=("",))

    def __call__(self, url_path: str) -> str:
        for root in self.roots:
            if url_path.startswith(root):
                rest = url_path[len(root) :]
                if not SERVE_PATH_RE.fullmatch(rest):
                    return ""
                if not PLAIN_PATH_RE.fullmatch(rest):  # nothing to quote in a plain slug
                    rest = quote(rest, safe=RFC3986_SUBDELIMS + "/~:@")
                path = self.prefix + rest
                return path if WAGTAIL_APPEND_SLASH or path == "/" else path.rstrip("/")
        return ""
