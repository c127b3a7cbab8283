"""Thirty days of made-up reader views, so that "Most popular" and the Audience report
look as they do in a newsroom that has been running for a while.

Written straight into the audience app's per-day counters (one bulk insert) and recorded
in `DemoAudience`, from which the Audience report says its figures include demo data.
The shape follows real newsrooms: a long tail (a few stories get most of the views), a
story's readers come on its first day and fade within a week to a trickle, a handful of
big stories draw several times the rest, and weekends are quieter. Deterministic: the
same articles on the same day always get the same counts.
"""

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from masthead.audience.models import DailyArticleViews
from masthead.news.models import ArticlePage

from .models import DemoAudience

DAYS = 30
SEED = "calder-ledger-audience"
FIRST_DAY_VIEWS = 700  # an ordinary story's first full day
BIG_STORIES = {
    "heat-advisory-issued-for-calder-bay": 5, "old-quay-warehouse-fire-cause-disputed": 4,
    "council-approves-fenwick-hill-housing-plan": 3, "varne-dock-strike-enters-sixth-week": 3,
    "gaslight-music-hall-reopens-old-quay": 3, "vessaly-central-bank-raises-rates": 2,
    "calder-port-container-volumes-fall": 2, "publish-the-pier-4-inspection-records": 2,
}  # fmt: skip
WEEKDAY = (1.0, 1.06, 1.02, 0.98, 0.9, 0.6, 0.68)  # Monday to Sunday
DAILY_FADE, TAIL = 0.5, 0.025  # a day's share of the day before; the floor it fades to
FIRST_HOURS = 8  # most of a story's first-day readers come within its first hours

Article = tuple[int, str, datetime]  # id, slug, published at


def day_share(published: datetime, day: date, now: datetime) -> float:
    """How much of a full day's views `day` holds: the first day fills up over the story's
    first hours; today, over the hours gone so far."""
    local_published, local_now = timezone.localtime(published), timezone.localtime(now)
    share = 1.0
    if day == local_published.date():
        live = (local_now - local_published if day == local_now.date() else
                timedelta(days=1) - timedelta(hours=local_published.hour))  # fmt: skip
        share = min(1.0, live / timedelta(hours=FIRST_HOURS))
    elif day == local_now.date():
        share = (local_now.hour + local_now.minute / 60) / 24
    return max(share, 0.02)


def demo_view_counts(articles: list[Article], *, now: datetime) -> dict[tuple[int, date], int]:
    """{(article id, day): views} for the last DAYS days up to `now`."""
    rng = random.Random(SEED)
    today = timezone.localdate(now)
    counts = {}
    for pk, slug, published in sorted(articles, key=lambda a: a[1]):
        appeal = rng.lognormvariate(0, 0.8) * BIG_STORIES.get(slug, 1)
        first = timezone.localdate(published)
        for offset in range(DAYS):
            day = today - timedelta(days=DAYS - 1 - offset)
            if day < first:
                continue
            interest = DAILY_FADE ** (day - first).days + TAIL
            mean = FIRST_DAY_VIEWS * appeal * interest * WEEKDAY[day.weekday()]
            views = round(mean * day_share(published, day, now) * rng.uniform(0.8, 1.2))
            if views > 0:
                counts[(pk, day)] = views
    return counts


@transaction.atomic
def ensure_demo_audience(*, now: datetime | None = None) -> int:
    """Load the demo's view history once; returns the views added (0 when loaded before)."""
    if DemoAudience.objects.exists():
        return 0
    now = now or timezone.now()
    articles = list(ArticlePage.objects.live().values_list("pk", "slug", "published_at"))
    counts = demo_view_counts([a for a in articles if a[2]], now=now)
    rows = [DailyArticleViews(article_id=pk, day=day, views=n) for (pk, day), n in counts.items()]
    # A row the beacon already made (a demo run before this history existed) keeps its count.
    DailyArticleViews.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    today = timezone.localdate(now)
    total = sum(counts.values())
    DemoAudience.objects.create(first_day=today - timedelta(days=DAYS - 1), last_day=today,
                                views=total)  # fmt: skip
    return total


def report_note(*, first_day: date, last_day: date) -> str:
    """The Audience report's note when its window holds demo views ("" otherwise)."""
    loaded = DemoAudience.objects.filter(first_day__lte=last_day, last_day__gte=first_day).first()
    if loaded is None:
        return ""
    return (
        f"These figures include demo data: {loaded.views:,} made-up views from "
        f"{loaded.first_day:%b %-d} to {loaded.last_day:%b %-d, %Y}, loaded with the demo "
        "newsroom (load_demo). Views from real readers are added on top."
    )
