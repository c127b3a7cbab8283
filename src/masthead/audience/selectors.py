"""Reads of reader counts: "Most popular"."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from masthead.news.models import ArticlePage

from .models import DailyArticleViews


def popular_window() -> timedelta:
    return timedelta(hours=getattr(settings, "MASTHEAD_MOST_POPULAR_HOURS", 48))


def most_popular(
    *, since: datetime | None = None, limit: int = 5, exclude_id: int | None = None
) -> list[ArticlePage]:
    """Live articles ranked by views since `since` (default: the last 48 hours).

    Each article carries `.views`. When fewer articles were read than there are
    slots, the rest are filled with the most recent articles (with `.views == 0`).
    """
    from masthead.news.selectors import article_cards_queryset

    since = since or timezone.now() - popular_window()
    first_day = timezone.localdate(since)
    ranked = (
        DailyArticleViews.objects.filter(day__gte=first_day, article__live=True)
        .exclude(article_id=exclude_id)
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-article_id")[:limit]
    )
    totals = {row["article_id"]: row["total"] for row in ranked}
    articles = list(article_cards_queryset().filter(pk__in=totals)) if totals else []
    articles.sort(key=lambda a: (-totals[a.pk], -a.pk))
    for article in articles:
        article.views = totals[article.pk]
    if len(articles) < limit:
        articles += _recent(limit - len(articles), exclude_ids=[exclude_id, *totals])
    return articles


def _recent(count: int, *, exclude_ids: list[int | None]) -> list[ArticlePage]:
    from masthead.news.selectors import article_cards_queryset

    recent = list(article_cards_queryset().exclude(pk__in=[i for i in exclude_ids if i])[:count])
    for article in recent:
        article.views = 0
    return recent
