"""Template tags used across the public site."""

from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from wagtail import hooks

register = template.Library()

# "T": the zone's abbreviation at that moment (EDT in summer, EST in winter), so a
# reader elsewhere knows whose 10:32 PM it is.
NEWSROOM_DATETIME_FORMAT = "F j, Y g:i A T"


@register.filter
def newsroom_datetime(value: datetime | None) -> str:
    """`October 14, 2024 10:32 PM EDT`, in the newsroom's time zone (settings.TIME_ZONE)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, NEWSROOM_DATETIME_FORMAT).strip()


@register.filter
def iso_datetime(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _signed_in_user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.simple_tag(takes_context=True)
def can_edit_page(context, page) -> bool:
    """True when the signed-in user may edit this page (never for anonymous readers)."""
    user = _signed_in_user(context)
    if page is None or user is None:
        return False
    return page.permissions_for_user(user).can_edit()


# The edit view's corrections panel: Wagtail names it after its tab and heading ("Corrections log").
CORRECTIONS_PANEL_ANCHOR = "#panel-child-content-corrections_log-section"


@register.inclusion_tag("news/includes/staff_toolbar.html", takes_context=True)
def staff_toolbar(context, page) -> dict:
    """The staff bar, for signed-in users who may edit this page, and nobody else: Edit,
    History, Unpublish (with the right to), Add a correction, and what other apps add
    through the `masthead_staff_toolbar_items` hook (narration's status).

    Signed-in requests are never cached (core/page_cache.py), so the bar never reaches
    an anonymous reader's cached copy."""
    user = _signed_in_user(context)
    if page is None or user is None:
        return {"show": False}
    permissions = page.permissions_for_user(user)
    if not permissions.can_edit():
        return {"show": False}
    is_article = page.specific_class.__name__ == "ArticlePage"
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    request = context["request"]
    extras = [item for hook in hooks.get_hooks("masthead_staff_toolbar_items")
              if (item := hook(page, request))]  # fmt: skip
    return {
        "show": True,
        "page": page,
        "label": "Edit post" if is_article else "Edit page",
        "edit_url": edit_url,
        "history_url": reverse("wagtailadmin_pages:history", args=[page.pk]),
        "unpublish_url": (
            reverse("wagtailadmin_pages:unpublish", args=[page.pk])
            if page.live and permissions.can_unpublish()
            else None
        ),
        "correction_url": f"{edit_url}{CORRECTIONS_PANEL_ANCHOR}" if is_article else None,
        "extras": extras,
    }


@register.simple_tag(takes_context=True)
def page_url_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return "?" + query.urlencode()
