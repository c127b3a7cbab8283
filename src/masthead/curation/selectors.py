"""Reads of editors' curation."""

from django.db.models import Q
from django.utils import timezone

from masthead.news.models import ArticlePage

from .models import EditorsPick


def editors_picks(*, limit: int = 4, exclude_id: int | None = None) -> list[ArticlePage]:
    """Picked articles in the editors' order; unpublished or expired picks drop out."""
    from masthead.news.selectors import cards_by_id

    picks = editors_pick_ids(limit=limit, exclude_id=exclude_id)
    found = cards_by_id(picks)
    return [found[pk] for pk in picks if pk in found]


def editors_pick_ids(*, limit: int = 4, exclude_id: int | None = None) -> list[int]:
    """Ids of `editors_picks`, in order, without loading the cards (one query)."""
    return list(
        EditorsPick.objects.filter(article__live=True)
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .exclude(article_id=exclude_id)
        .order_by("sort_order", "pk")
        .values_list("article_id", flat=True)[:limit]
    )
