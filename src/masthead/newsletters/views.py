"""Reader pages: sign-up, confirmation, preferences, unsubscribe.

**Forms on cached pages.** The sign-up form sits on the home and article pages, which
are cached for anonymous readers (core/page_cache.py): it cannot carry a per-reader CSRF
token, and readers get no cookie (so no CSRF cookie) unless they subscribe. Every POST
here is therefore CSRF-exempt, and safe without it:

- `/newsletters/subscribe/` only ever sends a confirmation e-mail to the address typed
  (double opt-in) and answers the same page whatever the address; a forged cross-site
  POST can do nothing a visitor could not do by typing the address in the form, and it
  is rate-limited per address (services.request_confirmation) and per client address.
- Confirmation, preferences and unsubscribe act on the signed token in their URL, which
  a third-party site does not have: the token is the authorisation, not a session.

The token pages are never cached (`no-store`), never indexed, and send no Referer, so the
token does not travel further. An expired, used or tampered link gets a page that says
which, and how to get a new one.
"""

import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from masthead.audience.guards import address_digest, count

from . import services, tokens
from .forms import LinkRequestForm, PreferencesForm, SubscribeForm
from .models import Newsletter, Subscriber, Subscription
from .selectors import active_newsletters


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _page(request, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    return _private(render(request, f"newsletters/{template}.html", context or {}, status=status))


def _post_data(request: HttpRequest):
    """request.POST, or None when the form is far larger than any real one."""
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return None


def _too_large(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "problem",
        {
            "title": "That form was too large",
            "message": "Nothing was saved. Go back, check what you typed and send it again.",
        },
        status=413,
    )


def _allowed(request: HttpRequest, what: str) -> bool:
    """At most MASTHEAD_NEWSLETTER_SIGNUPS_PER_HOUR form posts an hour per client."""
    limit = int(getattr(settings, "MASTHEAD_NEWSLETTER_SIGNUPS_PER_HOUR", 20))
    if limit <= 0:
        return True
    hour = int(time.time() // 3600)
    from django.utils import timezone

    key = f"newsletters:{what}:{hour}:{address_digest(request, day=timezone.localdate())}"
    return count(key, timeout=3700) <= limit


def _rate_limited(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "problem",
        {
            "title": "Too many requests",
            "message": "Too many sign-ups came from your connection in the last hour. "
            "Please try again later.",
        },
        status=429,
    )


def index(request: HttpRequest) -> HttpResponse:
    """/newsletters/: what is offered, and the form (cacheable: no token, no cookie)."""
    newsletters = active_newsletters()
    form = SubscribeForm(newsletters=newsletters, initial={"source": "newsletters"})
    return render(request, "newsletters/index.html", {"form": form, "newsletters": newsletters})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return HttpResponseRedirect("/newsletters/")
    data = _post_data(request)
    if data is None:
        return _too_large(request)
    newsletters = active_newsletters()
    form = SubscribeForm(data, newsletters=newsletters)
    if not form.is_valid():
        return _page(request, "index", {"form": form, "newsletters": newsletters}, status=400)
    if not _allowed(request, "subscribe"):
        return _rate_limited(request)
    if not form.cleaned_data["website"]:
        services.subscribe(
            email=form.cleaned_data["email"],
            newsletter_ids=form.cleaned_data["newsletters"],
            source=form.cleaned_data["source"],
        )
    return _page(request, "check_inbox", {"email": form.cleaned_data["email"]})


def _link_problem(request: HttpRequest, error: Exception) -> HttpResponse:
    expired = isinstance(error, tokens.LinkExpired)
    return _page(
        request,
        "link_problem",
        {"expired": expired, "form": LinkRequestForm()},
        status=410 if expired else 400,
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that open every link do not
    subscribe anyone."""
    try:
        link = tokens.read_confirm_token(token)
    except (tokens.LinkExpired, tokens.LinkInvalid) as error:
        return _link_problem(request, error)
    subscriber = Subscriber.objects.filter(pk=link.subscriber_id).first()
    if subscriber is None or subscriber.confirm_nonce != link.nonce:
        return _page(request, "link_used", {"form": LinkRequestForm()}, status=410)
    if request.method == "GET":
        pending = subscriber.subscriptions.filter(status=Subscription.Status.PENDING)
        names = [s.newsletter.name for s in pending.select_related("newsletter")]
        return _page(request, "confirm", {"names": names, "email": subscriber.email})
    subscriber = services.confirm(subscriber_id=link.subscriber_id, nonce=link.nonce)
    if subscriber is None:
        return _page(request, "link_used", {"form": LinkRequestForm()}, status=410)
    preferences = tokens.preferences_token(subscriber_id=subscriber.pk)
    return _page(
        request,
        "confirmed",
        {"preferences_token": preferences, "names": _confirmed_names(subscriber)},
    )


def _confirmed_names(subscriber: Subscriber) -> list[str]:
    confirmed = subscriber.subscriptions.filter(status=Subscription.Status.CONFIRMED)
    return [s.newsletter.name for s in confirmed.select_related("newsletter")]


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber_id = tokens.read_preferences_token(token)
    except (tokens.LinkExpired, tokens.LinkInvalid) as error:
        return _link_problem(request, error)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return _page(request, "erased")
    newsletters = active_newsletters()
    current = set(_statuses(subscriber, Subscription.Status.CONFIRMED))
    form, saved = PreferencesForm(newsletters=newsletters, initial={"newsletters": current}), False
    if request.method == "POST":
        data = _post_data(request)
        if data is None:
            return _too_large(request)
        if data.get("action") == "erase":
            services.erase_email(email=subscriber.email)
            return _page(request, "erased")
        form = PreferencesForm(data, newsletters=newsletters)
        if form.is_valid():
            # The signed link proves the address: chosen newsletters are confirmed at once.
            services.set_subscriptions(
                email=subscriber.email,
                newsletter_ids=form.cleaned_data["newsletters"],
                confirmed=True,
                source="preferences",
            )
            saved = True
    return _page(
        request,
        "preferences",
        {"form": form, "email": subscriber.email, "saved": saved},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _statuses(subscriber: Subscriber, status: str) -> list[int]:
    return list(
        subscriber.subscriptions.filter(status=status).values_list("newsletter_id", flat=True)
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (scanners follow links); POST unsubscribes: the page's button, or the mail
    client's one-click POST (RFC 8058: body `List-Unsubscribe=One-Click`, no cookie)."""
    try:
        subscriber_id, newsletter_id = tokens.read_unsubscribe_token(token)
    except tokens.LinkInvalid as error:
        return _link_problem(request, error)
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    known = Subscriber.objects.filter(pk=subscriber_id).exists()
    if request.method == "GET":
        return _page(request, "unsubscribe", {"newsletter": newsletter, "known": known})
    if known:
        services.unsubscribe(
            subscriber_id=subscriber_id,
            newsletter_id=newsletter_id,
            reason="one-click" if _one_click(request) else "link",
        )
    context = {
        "newsletter": newsletter,
        "done": True,
        "preferences_token": tokens.preferences_token(subscriber_id=subscriber_id) if known else "",
    }
    return _page(request, "unsubscribe", context)


def _one_click(request: HttpRequest) -> bool:
    data = _post_data(request)
    return data is not None and data.get("List-Unsubscribe") == "One-Click"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    """A fresh preferences link by e-mail; the same answer whether the address is known."""
    if request.method == "GET":
        return _page(request, "link_request", {"form": LinkRequestForm()})
    data = _post_data(request)
    if data is None:
        return _too_large(request)
    form = LinkRequestForm(data)
    if not form.is_valid():
        return _page(request, "link_request", {"form": form}, status=400)
    if not _allowed(request, "link"):
        return _rate_limited(request)
    services.send_preferences_link(email=form.cleaned_data["email"])
    return _page(request, "check_inbox", {"email": form.cleaned_data["email"], "link": True})


@csrf_exempt
def provider_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's tracking webhook (bounces, complaints), answered by django-anymail
    behind HTTP basic auth with MASTHEAD_ANYMAIL_WEBHOOK_SECRET. Without a secret it does
    not exist: anymail would otherwise take reports from anybody, and a forged "bounce"
    unsubscribes a reader."""
    from django.http import Http404
    from django.urls import Resolver404, resolve

    if not settings.MASTHEAD_ANYMAIL_WEBHOOK_SECRET:
        raise Http404
    try:
        match = resolve(f"/{provider}/tracking/", urlconf="anymail.urls")
    except Resolver404 as error:
        raise Http404 from error
    return match.func(request)
