"""Sign-in throttling with django-axes (see docs/security.md).

Failed sign-ins are counted per user name *and* address: after MASTHEAD_LOGIN_FAILURE_LIMIT
failures, that name cannot sign in from that address for MASTHEAD_LOGIN_LOCKOUT_MINUTES.
Keyed on both, a guesser is stopped without letting anyone lock a colleague out from
elsewhere. The address is the connection's own (REMOTE_ADDR) unless the site runs behind
MASTHEAD_TRUSTED_PROXY_COUNT proxies that set X-Forwarded-For: trusting that header
otherwise would let a guesser pick a new address for each try.

`masthead manage axes_reset_username NAME` (or `axes_reset`) lifts a lockout at once.
"""

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check for sign-ins from a web request. `authenticate()` without a
    request (a management command, the test client's `login()`) has no address to key a
    lockout on and is left to the next backend, as before."""

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=settings.MASTHEAD_LOGIN_LOCKOUT_MINUTES)


def lockout_message() -> str:
    minutes = settings.MASTHEAD_LOGIN_LOCKOUT_MINUTES
    return (
        f"Too many failed sign-in attempts. This account is locked for {minutes} minutes "
        "on this network; try again later or ask an administrator to unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The Wagtail sign-in page again, with the reason, answered with 429."""
    # Imported here: this module is loaded with the authentication backends, early.
    from wagtail.admin.utils import get_valid_next_url_from_request
    from wagtail.admin.views.account import get_user_login_form, password_reset_enabled

    username = (credentials or {}).get("username", "")
    form = get_user_login_form()(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out_message": lockout_message(),
        "next": get_valid_next_url_from_request(request),
        "show_password_reset": password_reset_enabled(),
    }
    return render(request, "masthead_admin/login_locked_out.html", context, status=429)
