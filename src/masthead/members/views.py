"""Signing in by e-mail: the form, the link and its refusals.

These views set no cookie until someone signs in: the form needs no CSRF cookie (it only
sends an e-mail; the address's owner decides by clicking), and neither does the link's
button (the token is the secret). Both refuse a POST that a browser says came from
another site (its Origin header), so no page elsewhere can sign a visitor in to someone
else's membership. Their GET pages are never cached: the form carries the `next` path.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import links, services, sessions, throttle
from .forms import EmailForm
from .models import MemberLink

REFUSALS = {
    "expired": "This link has expired.",
    "used": "This link has been used already.",
    "invalid": "This link is not valid.",
}


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def from_another_site(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if request.method != "POST" or origin is None:
        return False  # no Origin (an old browser, a scripted client): nothing to go on
    return origin != request.build_absolute_uri("/").rstrip("/")


def cross_site_refused() -> HttpResponse:
    return HttpResponseForbidden("This form can only be sent from this site.")


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the same answer for any valid address, known or not."""
    if from_another_site(request):
        return cross_site_refused()
    if request.method == "GET":
        if sessions.current_member(request) is not None:
            return redirect("members:account")
        form = EmailForm(initial={"next": services.safe_next(request.GET.get("next", ""))})
        return TemplateResponse(request, "members/sign_in.html", {"form": form})
    form = EmailForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "members/sign_in.html", {"form": form}, status=400)
    if not throttle.client_allowed(request):
        return TemplateResponse(request, "members/too_many.html", status=429)
    email = form.cleaned_data["email"]
    if throttle.address_allowed(email):
        services.request_link(
            email=email,
            purpose=MemberLink.Purpose.SIGN_IN,
            base_url=base_url(request),
            next_path=form.cleaned_data["next"],
        )
    return TemplateResponse(request, "members/link_sent.html", {"email": email})


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    context = {"message": REFUSALS[reason], "reason": reason, "form": EmailForm()}
    return TemplateResponse(request, "members/link_refused.html", context, status=400)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a button (mail scanners that open links must not use them up). POST: sign in."""
    if from_another_site(request):
        return cross_site_refused()
    try:
        if request.method == "GET":
            link = links.check_token(token, purpose=MemberLink.Purpose.SIGN_IN)
            return TemplateResponse(request, "members/sign_in_confirm.html", {"email": link.email})
        link = services.sign_in(request, token=token)
    except links.LinkRefused as refusal:
        return refused(request, refusal.reason)
    return redirect(link.next_path or "members:account")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    sessions.end(request)
    return redirect("/")
