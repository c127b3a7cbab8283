"""Reads of reader counts: "Most popular" and the numbers of the audience report."""

from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from masthead.news.models import ArticlePage, SectionPage
from masthead.news.visibility import visible_ids, visible_to_readers

from . import conf
from .models import DailyArticleViews
from .related import related_articles  # noqa: F401  (re-exported: selectors are the reads)


def popular_window() -> timedelta:
    return timedelta(hours=conf.popular_hours())


def most_popular(
    *, since: datetime | None = None, limit: int = 5, exclude_id: int | None = None
) -> list[ArticlePage]:
    """Articles readers may see (news/visibility.py) ranked by views since `since`
    (default: the last 48 hours).

    Each article carries `.views`. When fewer articles were read than there are
    slots, the rest are filled with the most recent articles (with `.views == 0`).
    The ranking is cached for MASTHEAD_MOST_POPULAR_CACHE_SECONDS (one entry shared by
    every page: the current article is left out afterwards); the cards are one query.
    """
    from masthead.news.selectors import cards_by_id, with_views

    ranking = most_popular_ids(since=since, limit=limit, exclude_id=exclude_id)
    return with_views(ranking, cards_by_id(pk for pk, _ in ranking))


def most_popular_ids(
    *, since: datetime | None = None, limit: int = 5, exclude_id: int | None = None
) -> list[tuple[int, int]]:
    """[(article id, views)] of `most_popular`, without loading the cards (pages that
    show several lists load all their cards in one query)."""
    since = since or timezone.now() - popular_window()
    ranking = popular_ranking(first_day=timezone.localdate(since), size=limit + 1)
    totals = dict([(pk, total) for pk, total in ranking if pk != exclude_id][:limit])
    ids = list(totals)
    if len(ids) < limit:
        skip = {exclude_id, *ids}
        recent = [pk for pk in recent_article_ids(size=2 * limit + 1) if pk not in skip]
        ids += recent[: limit - len(ids)]
    return [(pk, totals.get(pk, 0)) for pk in ids]


def popular_ranking(*, first_day: date, size: int) -> list[tuple[int, int]]:
    """[(article id, views)] of visible articles from `first_day` to today, most viewed
    first."""
    today = timezone.localdate()
    key = f"audience:popular:{first_day.isoformat()}:{today.isoformat()}:{size}"
    ranking = cache.get(key)
    if ranking is None:
        ranking = rank_articles(first_day=first_day, last_day=today, size=size)
        cache.set(key, ranking, conf.popular_cache_seconds())
    return ranking


def rank_articles(*, first_day: date, last_day: date, size: int) -> list[tuple[int, int]]:
    """The uncached ranking: [(article id, views)] of the `size` most read articles
    readers may see.

    Two cheap steps instead of one join: sum the window's rows from the covering
    (day, article, views) index alone and keep the top few, then look up which of those
    few are live and public (news/visibility.py). Joining every row of the window to the
    page table first cost 5-10x more at 100,000 articles (bench/most_popular.py). Both
    day bounds matter: with only
    `day >= x` SQLite's planner guesses a quarter of the table and walks it by article.
    """
    totals = (
        DailyArticleViews.objects.filter(day__gte=first_day, day__lte=last_day)
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-article_id")
    )
    fetch = max(4 * size, 20)
    while True:
        top = [(row["article_id"], row["total"]) for row in totals[:fetch]]
        ids = [pk for pk, _ in top]
        visible = visible_ids(ids)
        ranked = [(pk, total) for pk, total in top if pk in visible][:size]
        if len(ranked) == size or len(top) < fetch:
            return ranked
        fetch *= 4  # many of the most read were unpublished or restricted: look further


def recent_article_ids(*, size: int) -> list[int]:
    from masthead.news.selectors import newest_first

    key = f"audience:recent:{size}"
    ids = cache.get(key)
    if ids is None:
        visible = visible_to_readers(ArticlePage.objects.all())
        ids = list(newest_first(visible).values_list("pk", flat=True)[:size])
        cache.set(key, ids, conf.popular_cache_seconds())
    return ids


# --- the audience report ---------------------------------------------------------------


def report_days(*, days: int, today: date | None = None) -> tuple[date, date]:
    """The first and last day of a window of `days` days ending today (inclusive)."""
    last = today or timezone.localdate()
    return last - timedelta(days=days - 1), last


def _window(first_day: date, last_day: date):
    return DailyArticleViews.objects.filter(day__gte=first_day, day__lte=last_day)


def _section_titles() -> tuple[int, dict[str, str]]:
    sections = list(SectionPage.objects.order_by("path").values_list("path", "title"))
    prefix = len(sections[0][0]) if sections else 0
    return prefix, dict(sections)


def top_articles(*, first_day: date, last_day: date, limit: int | None = 50) -> list[dict]:
    """The most viewed articles (published or not today): id, title, section, views.

    `limit=None` gives every article viewed in the window.
    """
    prefix, sections = _section_titles()
    rows = (
        _window(first_day, last_day)
        .values("article_id", "article__title", "article__path", "article__live")
        .annotate(views=Sum("views"))
        .order_by("-views", "-article_id")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        {
            "article_id": row["article_id"],
            "title": row["article__title"],
            "live": row["article__live"],
            "section": sections.get(row["article__path"][:prefix], "—"),
            "views": row["views"],
        }
        for row in rows
    ]


def daily_totals(*, first_day: date, last_day: date) -> list[tuple[date, int]]:
    """Views per day over the window, days without views included (as 0)."""
    totals = dict(
        _window(first_day, last_day).values_list("day").annotate(total=Sum("views")).order_by()
    )
    days = (last_day - first_day).days + 1
    return [(d, totals.get(d, 0)) for d in (first_day + timedelta(n) for n in range(days))]


def section_totals(*, first_day: date, last_day: date) -> list[tuple[str, int]]:
    """Views per section over the window, most viewed first."""
    prefix, sections = _section_titles()
    if not prefix:
        return []
    rows = (
        _window(first_day, last_day)
        .annotate(section_path=Substr("article__path", 1, prefix))
        .values("section_path")
        .annotate(total=Sum("views"))
        .order_by("-total")
    )
    return [(sections.get(r["section_path"], "—"), r["total"]) for r in rows]


def article_daily_views(
    *, article_id: int, days: int = 7, today: date | None = None
) -> list[tuple[date, int]]:
    """One article's views per day over the last `days` days (today included)."""
    first_day, last_day = report_days(days=days, today=today)
    counts = dict(
        _window(first_day, last_day).filter(article_id=article_id).values_list("day", "views")
    )
    return [(d, counts.get(d, 0)) for d in (first_day + timedelta(n) for n in range(days))]
