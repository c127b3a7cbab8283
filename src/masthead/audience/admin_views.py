"""The "Audience" report in the Wagtail admin, and its CSV export."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import selectors
from .charts import bar_chart
from .panels import REPORT_PERMISSION

WINDOWS = [1, 7, 30, 90]
DEFAULT_WINDOW = 7
TOP_ARTICLES = 50
# Spreadsheets run cells that start with these as formulas (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def chosen_window(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_WINDOW))
    except ValueError:
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW


def report_notes(*, first_day, last_day) -> list[str]:
    """Notes other apps add to the report (the demo says its views are made up)."""
    notes = hooks.get_hooks("masthead_audience_report_notes")
    return [n for n in (f(first_day=first_day, last_day=last_day) for f in notes) if n]


def check_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied


class AudienceReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "audience/admin/report.html"
    page_title = "Audience"
    header_icon = "view"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": "Home"},
        {"url": "", "label": "Audience"},
    ]

    def dispatch(self, request, *args, **kwargs):
        check_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = chosen_window(self.request)
        first_day, last_day = selectors.report_days(days=days)
        daily = selectors.daily_totals(first_day=first_day, last_day=last_day)
        context.update(
            {
                "days": days,
                "time_zone": timezone.get_current_timezone_name(),
                "windows": WINDOWS,
                "first_day": first_day,
                "last_day": last_day,
                "total": sum(views for _, views in daily),
                "chart": bar_chart(daily),
                "top": selectors.top_articles(
                    first_day=first_day, last_day=last_day, limit=TOP_ARTICLES
                ),
                "sections": selectors.section_totals(first_day=first_day, last_day=last_day),
                "notes": report_notes(first_day=first_day, last_day=last_day),
            }
        )
        return context


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def report_csv(request: HttpRequest) -> HttpResponse:
    """Every article viewed in the window: one row each, most viewed first."""
    check_permission(request)
    days = chosen_window(request)
    first_day, last_day = selectors.report_days(days=days)
    rows = selectors.top_articles(first_day=first_day, last_day=last_day, limit=None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"audience-{first_day.isoformat()}-to-{last_day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["article_id", "title", "section", "published", "views", "from", "to"])
    for row in rows:
        writer.writerow(
            [
                row["article_id"],
                safe_cell(row["title"]),
                safe_cell(row["section"]),
                "yes" if row["live"] else "no",
                row["views"],
                first_day.isoformat(),
                last_day.isoformat(),
            ]
        )
    return response
