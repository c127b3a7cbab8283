"""Two-step sign-in for staff with a TOTP authenticator app (django-otp), when MASTHEAD_OTP
is on (see docs/security.md).

After the password, a staff member who has a confirmed authenticator is asked for its
current six-digit code before any admin page opens; a superuser who has none is sent to
set one up first (the admin stays closed until it is confirmed). Other staff may set one
up from their account page (Account → More actions). django-otp throttles wrong codes
(each failure doubles the wait) and refuses a code that was already used.
"""

from base64 import b32encode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin import messages

ADMIN_PREFIX = "/admin/"
# Reachable before the second step: signing in and out, resetting a password, the steps.
OPEN_PATHS = ("/admin/login/", "/admin/logout/", "/admin/password_reset/", "/admin/2fa/",
              "/admin/jsi18n/")  # fmt: skip


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def needs_second_step(user) -> str | None:
    """'verify', 'setup' or None for a signed-in user on an admin page."""
    if not settings.MASTHEAD_OTP or not user.is_authenticated or user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    return "setup" if user.is_superuser else None


class RequireTwoFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(ADMIN_PREFIX) and not path.startswith(OPEN_PATHS):
            step = needs_second_step(request.user)
            if step:
                url = reverse(f"masthead_2fa_{step}")
                return redirect(f"{url}?next={request.get_full_path()}")
        return self.get_response(request)


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("wagtailadmin_home")


def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not needs_second_step(user):
        return redirect(_next_url(request))
    if not user_has_device(user, confirmed=True):
        return redirect("masthead_2fa_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("otp_token", "That code is not right, or was already used.")
    context = {"form": form, "next": _next_url(request)}
    return render(request, "masthead_admin/2fa_verify.html", context)


def setup(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator key and confirm it with a first code."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("masthead_2fa_verify")  # a new device must not skip the old one
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    device = device or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-step sign-in is on for your account.")
            return redirect(_next_url(request))
        form.add_error("otp_token", "That code is not right: check the key and the clock.")
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": b32encode(device.bin_key).decode(),
        "config_url": device.config_url,
        "has_device": user_has_device(user, confirmed=True),
    }
    return render(request, "masthead_admin/2fa_setup.html", context)
