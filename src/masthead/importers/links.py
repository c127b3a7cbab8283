"""Old URLs: redirects from each of them to the new page, and links between imported
posts rewritten to the editor's page links.

Every old address of an imported object (a post's permalink, `/?p=ID`, `/slug/`; an
author's, category's or tag's archive) becomes a permanent wagtail.contrib.redirects
Redirect. The same table is the map used to rewrite links: a link in a body to an old
address of another imported post becomes `<a linktype="page" id="N">`, which follows
the page if it moves. A link to a post that comes later in the file is rewritten at
the end of the run (`ImportWriter.finish`).

`/?p=ID` is the home page's address with a query string: the home page answers it
(200), so the redirects middleware, which acts on 404s only, never sees it.
`OldQueryRedirectMiddleware` answers such requests first (settings.MIDDLEWARE, above
the page cache, which keys on `page` and `q` only).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from django.http import HttpResponsePermanentRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

# WordPress's query forms of an address: post, page, attachment, category, tag, author.
OLD_QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "m")
HREF = re.compile(r'<a href="([^"]*)">')


def old_path(url: str) -> str:
    """The Redirect model's form of an old address (path and sorted query)."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    return Redirect.normalise_path(f"{path}?{parts.query}" if parts.query else path)


class LinkMap:
    """Old address → new page id, from the redirects (of this run and earlier ones)."""

    def __init__(self, *, old_hosts: set[str]):
        self.old_hosts = {h.lower().removeprefix("www.") for h in old_hosts if h}
        self.pages: dict[str, int | None] = {}

    def add(self, path: str, page_id: int) -> None:
        self.pages[path] = page_id

    def internal_path(self, href: str) -> str | None:
        parts = urlsplit(html.unescape(href))
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower().removeprefix("www.")
        if host and host not in self.old_hosts:
            return None
        if not parts.path.startswith("/") or parts.path.startswith(("/wp-content/", "/media/")):
            return None
        return old_path(f"{parts.path}?{parts.query}" if parts.query else parts.path)

    def page_id(self, path: str) -> int | None:
        if path not in self.pages:
            found = Redirect.objects.filter(old_path=path, redirect_page__isnull=False)
            self.pages[path] = found.values_list("redirect_page_id", flat=True).first()
        return self.pages[path]

    def rewrite(self, rich_text: str) -> tuple[str, bool]:
        """Links to imported posts as page links; True when some internal link is not
        resolved yet (its post may come later)."""
        pending = False

        def replace(match: re.Match) -> str:
            nonlocal pending
            path = self.internal_path(match.group(1))
            if path is None:
                return match.group(0)
            page_id = self.page_id(path)
            if page_id is None:
                pending = True
                return match.group(0)
            return f'<a linktype="page" id="{page_id}">'

        return HREF.sub(replace, rich_text), pending


def existing_redirects(paths) -> set[str]:
    """Which of `paths` have a site-wide redirect already (one query for a post's)."""
    found = Redirect.objects.filter(old_path__in=set(paths), site__isnull=True)
    return set(found.values_list("old_path", flat=True))


def save_redirect(path: str, *, page=None, link: str = "", exists: bool | None = None) -> bool:
    """A permanent redirect from `path`; True when it was created (an existing one for
    the same path is pointed at the new target). `exists`: known already whether there
    is one (existing_redirects), so a new one costs one insert."""
    if not path or path == "/":
        return False
    target = {"redirect_page": page, "redirect_link": "" if page else link}
    if exists is not False:
        updated = Redirect.objects.filter(old_path=path, site__isnull=True).update(
            is_permanent=True, **target
        )
        if updated:
            return False
    Redirect.objects.create(old_path=path, site=None, is_permanent=True, **target)
    return True


class OldQueryRedirectMiddleware:
    """`/?p=123` and the other query forms of WordPress addresses → their redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method in ("GET", "HEAD"):
            if any(key in request.GET for key in OLD_QUERY_KEYS):
                path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
                redirect = get_redirect(request, path)
                if redirect is not None and redirect.link:
                    return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
