"""Reads of editors' curation."""

from django.db.models import Q
from django.utils import timezone

from masthead.core.invalidation import tag
from masthead.core.memo import memo
from masthead.news.models import ArticlePage
from masthead.news.visibility import has_visible_page

from .models import EditorsPick


def editors_picks(*, limit: int = 4, exclude_id: int | None = None) -> list[ArticlePage]:
    """Picked articles in the editors' order; unpublished, restricted (news/visibility.py)
    or expired picks drop out."""
    from masthead.news.selectors import cards_by_id

    picks = editors_pick_ids(limit=limit, exclude_id=exclude_id)
    found = cards_by_id(picks)
    return [found[pk] for pk in picks if pk in found]


def editors_pick_ids(*, limit: int = 4, exclude_id: int | None = None) -> list[int]:
    """Ids of `editors_picks`, in order, without loading the cards.

    One query, whose answer each process keeps until the next publish or change of
    picks (core/memo.py): one more than `limit`, so any article can be left out of it.
    A pick whose `until` passes drops out within MASTHEAD_MEMO_SECONDS.
    """
    tag("picks")  # the page showing them is stale when a picked article changes
    ids = memo.get(
        ("editors-picks", limit + 1), lambda: _current_pick_ids(limit + 1), tags=("picks",)
    )
    return [pk for pk in ids if pk != exclude_id][:limit]


def _current_pick_ids(limit: int) -> list[int]:
    return list(
        EditorsPick.objects.filter(has_visible_page("article_id"))
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .order_by("sort_order", "pk")
        .values_list("article_id", flat=True)[:limit]
    )
