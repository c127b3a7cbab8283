"""Reads of editors' curation."""

from django.db.models import Q
from django.utils import timezone

from masthead.news.models import ArticlePage

from .models import EditorsPick


def editors_picks(*, limit: int = 4, exclude_id: int | None = None) -> list[ArticlePage]:
    """Picked articles in the editors' order; unpublished or expired picks drop out."""
    from masthead.news.selectors import article_cards_queryset

    picks = list(
        EditorsPick.objects.filter(article__live=True)
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .exclude(article_id=exclude_id)
        .order_by("sort_order", "pk")
        .values_list("article_id", flat=True)[:limit]
    )
    if not picks:
        return []
    found = {a.pk: a for a in article_cards_queryset().filter(pk__in=picks)}
    return [found[pk] for pk in picks if pk in found]
