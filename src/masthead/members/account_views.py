"""The member's page, /account/: address, newsletters, data, deletion."""

import json
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import links, newsletter_bridge, selectors, services, sessions, throttle
from .forms import NewslettersForm, clean_new_email
from .models import MemberLink
from .views import base_url, cross_site_refused, from_another_site, refused

NOTICE_KEY = "masthead_member_notice"


def member_required(view):
    @wraps(view)
    @never_cache
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = sessions.current_member(request)
        if member is None:
            if request.method == "GET":
                return redirect("/account/sign-in/?" + urlencode({"next": request.path}))
            return TemplateResponse(request, "members/signed_out.html", status=403)
        return view(request, member, *args, **kwargs)

    return wrapped


def _notice(request: HttpRequest, text: str) -> None:
    request.session[NOTICE_KEY] = text


def _page(request, member, *, status=200, **extra) -> HttpResponse:
    offered = newsletter_bridge.newsletters_for(member.email)
    context = {
        "member": member,
        "newsletters": offered,
        "notice": request.session.pop(NOTICE_KEY, None),
        **extra,
    }
    return TemplateResponse(request, "members/account.html", context, status=status)


@member_required
def account(request: HttpRequest, member) -> HttpResponse:
    return _page(request, member)


@require_POST
@member_required
def newsletters(request: HttpRequest, member) -> HttpResponse:
    offered = newsletter_bridge.newsletters_for(member.email)
    form = NewslettersForm(request.POST, offered=offered)
    if not form.is_valid():
        return _page(request, member, status=400, newsletters_error="Choose from the list.")
    newsletter_bridge.set_subscriptions(member.email, form.cleaned_data["newsletters"])
    _notice(request, "Your newsletters are saved.")
    return redirect("members:account")


@require_POST
@member_required
def change_email(request: HttpRequest, member) -> HttpResponse:
    try:
        email = clean_new_email(request.POST.get("email", "")[:320], member.email)
    except ValidationError as error:
        return _page(request, member, status=400, email_error=error.messages[0])
    if throttle.client_allowed(request) and throttle.address_allowed(email):
        services.request_link(email=email, purpose=MemberLink.Purpose.CHANGE_EMAIL,
                              base_url=base_url(request), member=member)  # fmt: skip
    _notice(request, f"We sent a link to {email}. Your address changes when you open it.")
    return redirect("members:account")


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    if from_another_site(request):
        return cross_site_refused()
    try:
        if request.method == "GET":
            link = links.check_token(token, purpose=MemberLink.Purpose.CHANGE_EMAIL)
            return TemplateResponse(request, "members/email_confirm.html", {"email": link.email})
        member = services.confirm_email_change(token=token)
    except links.LinkRefused as refusal:
        return refused(request, refusal.reason)
    except services.EmailTaken:
        context = {"message": "That address already belongs to another membership."}
        return TemplateResponse(request, "members/link_refused.html", context, status=409)
    current = sessions.current_member(request)
    if current is not None and current.pk == member.pk:
        _notice(request, f"Your address is now {member.email}.")
        return redirect("members:account")
    return TemplateResponse(request, "members/email_changed.html", {"email": member.email})


@member_required
def download(request: HttpRequest, member) -> HttpResponse:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return cross_site_refused()  # another site's link or embed: the member did not ask
    data = selectors.personal_data(member=member)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@member_required
def delete(request: HttpRequest, member) -> HttpResponse:
    if request.method == "GET":
        return TemplateResponse(request, "members/delete.html", {"member": member})
    if request.POST.get("confirm") != "yes":
        context = {"member": member, "error": "Tick the box to confirm."}
        return TemplateResponse(request, "members/delete.html", context, status=400)
    email = member.email
    services.erase_member(member=member)
    sessions.end(request)
    return TemplateResponse(request, "members/deleted.html", {"email": email})
