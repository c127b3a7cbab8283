"""Content-Security-Policy and Permissions-Policy on every response (see docs/security.md).

Two policies, both built by django-csp from settings:

- `CONTENT_SECURITY_POLICY` for everything a reader sees: scripts, styles, images and
  audio from this site only, no inline code, no plugins, no <base>, framed only by this
  site (Wagtail's preview). Public templates carry no inline script or style, so nothing
  needs a nonce, and a cached page (which must not carry a per-request nonce) stays valid.
- `MASTHEAD_ADMIN_CONTENT_SECURITY_POLICY` for the Wagtail admin (/admin/), which needs a
  few allowances the reader pages do not (worked out in headless Chromium: see
  tests/core/test_csp_browser.py).

The middleware sits above the page cache (settings: MIDDLEWARE), so a page answered from
the cache gets the same headers as a fresh render, and the per-process copy in
core/page_cache.PageCacheApp keeps the headers the response left Django with.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def admin_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(ADMIN_PREFIXES)


def permissions_policy() -> str:
    """`camera=(), microphone=(), ...`: each listed browser feature off for every origin."""
    return ", ".join(f"{feature}=()" for feature in settings.MASTHEAD_PERMISSIONS_POLICY)


class SecurityHeadersMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if admin_request(request) and not report_only and parts.config is None:
            parts.config = settings.MASTHEAD_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if settings.MASTHEAD_PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy()
        return response
