"""The public corrections page: every correction, clarification and update, newest
first, of the articles a reader may see (visibility.py)."""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet

from .models import Correction
from .visibility import has_visible_page


def public_corrections() -> QuerySet:
    """Corrections of visible articles, newest first, each with its article (one query
    per page of them)."""
    return (
        Correction.objects.filter(has_visible_page("page_id"))
        .select_related("page")
        .order_by("-date", "-pk")
    )


def corrections_listing(number) -> Any:
    """One page of `public_corrections`."""
    return Paginator(public_corrections(), settings.MASTHEAD_PAGE_SIZE).get_page(number)
