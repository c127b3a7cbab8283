"""The Members screen in the Wagtail admin: Admins only (`members.view_member` to list
and export, `members.delete_member` to erase; core/roles.py). Editors and reporters get
403 on every URL, whatever they send."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import newsletter_bridge, services
from .models import Member

PER_PAGE = 50
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # CSV injection, as in audience


def _allowed(request: HttpRequest, action: str) -> bool:
    return request.user.has_perm(f"members.{action}_member")


def _members(request: HttpRequest):
    query = request.GET.get("q", "").strip()[:254]
    members = Member.objects.order_by("-created_at")
    if query:
        members = members.filter(email__icontains=query)
    return members, query


def member_list(request: HttpRequest) -> HttpResponse:
    if not _allowed(request, "view"):
        return HttpResponseForbidden("Only Admins see members.")
    members, query = _members(request)
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("p"))
    counts = newsletter_bridge.confirmed_counts(m.email for m in page)
    rows = [(m, counts.get(m.email, 0)) for m in page]
    context = {"page_obj": page, "rows": rows, "query": query, "total": members.count(),
               "can_delete": _allowed(request, "delete")}  # fmt: skip
    return TemplateResponse(request, "members/admin/list.html", context)


@require_http_methods(["GET", "POST"])
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not _allowed(request, "delete"):
        return HttpResponseForbidden("Only Admins delete members.")
    member = get_object_or_404(Member, pk=pk)
    if request.method == "GET":
        return TemplateResponse(request, "members/admin/delete.html", {"member": member})
    services.erase_member(member=member)
    messages.success(request, f"Member {member.email} deleted, with their subscriptions.")
    return redirect("members_admin")


def _cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


def member_csv(request: HttpRequest) -> HttpResponse:
    if not _allowed(request, "view"):
        return HttpResponseForbidden("Only Admins export members.")
    members, _ = _members(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["email", "joined", "last_sign_in", "newsletters"])
    for chunk in Paginator(members, 1000):
        counts = newsletter_bridge.confirmed_counts(m.email for m in chunk)
        for m in chunk:
            last = m.last_sign_in_at.isoformat() if m.last_sign_in_at else ""
            writer.writerow([_cell(m.email), m.created_at.isoformat(), last,
                             counts.get(m.email, 0)])  # fmt: skip
    return response
