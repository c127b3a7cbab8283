"""Template tags used across the public site."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

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


@register.simple_tag(takes_context=True)
def can_edit_page(context, page) -> bool:
    """True when the signed-in user may edit this page (never for anonymous readers)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if page is None or user is None or not user.is_authenticated:
        return False
    return page.permissions_for_user(user).can_edit()


@register.inclusion_tag("news/includes/staff_toolbar.html", takes_context=True)
def staff_toolbar(context, page) -> dict:
    """The "Edit post" bar, for signed-in users who may edit this page, and nobody else."""
    if not can_edit_page(context, page):
        return {"show": False}
    label = "Edit post" if page.specific_class.__name__ == "ArticlePage" else "Edit page"
    return {"show": True, "page": page, "label": label}


@register.simple_tag(takes_context=True)
def page_url_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return "?" + query.urlencode()
