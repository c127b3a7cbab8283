"""Admin views for subscriber lists: counts and their chart (editors), CSV export and
import (Admins only: `newsletters.view_subscriber`, `newsletters.add_subscriber`)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from masthead.audience.charts import bar_chart

from . import lists, selectors
from .models import Newsletter

MAX_UPLOAD = 20 * 1024 * 1024
WINDOWS = (30, 90, 365)


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(f"newsletters.{permission}"):
        raise PermissionDenied


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Columns: email, newsletter (slug), "
                           "consent_at (date), optionally source.")  # fmt: skip


def subscribers(request: HttpRequest) -> HttpResponse:
    """Confirmed subscribers per newsletter, and how the number moved (a chart each)."""
    _require(request, "view_newsletter")
    days = int(request.GET.get("days", 30)) if request.GET.get("days", "30").isdigit() else 30
    days = days if days in WINDOWS else 30
    counts = selectors.confirmed_counts()
    today = timezone.localdate()
    rows = []
    for newsletter in Newsletter.objects.all():
        history = selectors.subscriber_history(newsletter_id=newsletter.pk, days=days, today=today)
        rows.append({"newsletter": newsletter, "confirmed": counts.get(newsletter.pk, 0),
                     "chart": bar_chart(history, height=80)})  # fmt: skip
    context = {
        "rows": rows,
        "days": days,
        "windows": WINDOWS,
        "can_export": request.user.has_perm("newsletters.view_subscriber"),
        "can_import": request.user.has_perm("newsletters.add_subscriber"),
        "form": ImportForm(),
        "page_title": "Newsletter subscribers",
        "header_icon": "group",
    }
    return TemplateResponse(request, "newsletters/admin/subscribers.html", context)


def export_csv(request: HttpRequest) -> HttpResponse:
    _require(request, "view_subscriber")
    newsletter = request.GET.get("newsletter", "")
    rows = lists.export_rows(newsletter_id=int(newsletter) if newsletter.isdigit() else None)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    name = f"subscribers-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def import_csv(request: HttpRequest) -> HttpResponse:
    _require(request, "add_subscriber")
    if request.method != "POST":
        return redirect("newsletters_subscribers")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a CSV file to import.")
        return redirect("newsletters_subscribers")
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD:
        messages.error(request, "That file is larger than 20 MB: split it and import the parts.")
        return redirect("newsletters_subscribers")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        messages.error(request, "That file is not UTF-8 text: save it as “CSV UTF-8”.")
        return redirect("newsletters_subscribers")
    report = lists.import_csv(text)
    messages.success(request, f"Imported {report.added} subscription(s); {report.kept} were "
                     "already there (an unsubscribed address stays unsubscribed).")  # fmt: skip
    for error in report.errors[:20]:
        messages.warning(request, error)
    if len(report.errors) > 20:
        messages.warning(request, f"… and {len(report.errors) - 20} more rows refused.")
    return redirect("newsletters_subscribers")
