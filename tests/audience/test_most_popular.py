"""“Most popular”: views over a window in newsroom days, the current article left out,
recent articles filling empty slots, cached briefly."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.audience.models import DailyArticleViews
from masthead.audience.selectors import most_popular
from masthead.audience.services import newsroom_day

pytestmark = pytest.mark.django_db


def views(article, count, day=None):
    DailyArticleViews.objects.create(article=article, day=day or newsroom_day(), views=count)


def frozen(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def titles(articles):
    return [a.title for a in articles]


@pytest.fixture
def five(make_article):
    return [make_article(title=f"Story {n}") for n in range(5)]


def test_articles_are_ranked_by_views_in_the_window_and_carry_their_count(five):
    views(five[0], 3)
    views(five[1], 10)
    views(five[2], 7)
    views(five[2], 1, newsroom_day() - timedelta(days=1))
    ranked = most_popular(limit=3)
    assert titles(ranked) == ["Story 1", "Story 2", "Story 0"]
    assert [a.views for a in ranked] == [10, 8, 3]


def test_the_current_article_is_left_out_and_the_list_stays_full(five):
    for n, article in enumerate(five):
        views(article, 10 - n)
    ranked = most_popular(limit=3, exclude_id=five[0].pk)
    assert titles(ranked) == ["Story 1", "Story 2", "Story 3"]


def test_recent_articles_fill_the_slots_nobody_read(five):
    views(five[1], 4)
    ranked = most_popular(limit=4, exclude_id=five[4].pk)
    # The one read article first, then the newest others; never the current one, no repeats.
    assert titles(ranked) == ["Story 1", "Story 3", "Story 2", "Story 0"]
    assert [a.views for a in ranked] == [4, 0, 0, 0]


def test_with_no_views_at_all_the_list_is_the_latest_articles(five):
    assert titles(most_popular(limit=3)) == ["Story 4", "Story 3", "Story 2"]


def test_an_unpublished_article_drops_out_even_with_the_most_views(five):
    views(five[0], 50)
    views(five[1], 5)
    five[0].unpublish()
    assert titles(most_popular(limit=2)) == ["Story 1", "Story 4"]


def test_views_older_than_the_window_do_not_count(five, settings):
    settings.MASTHEAD_MOST_POPULAR_HOURS = 48
    views(five[0], 100, newsroom_day() - timedelta(days=5))
    views(five[1], 2)
    assert titles(most_popular(limit=1)) == ["Story 1"]
    cache.clear()
    settings.MASTHEAD_MOST_POPULAR_HOURS = 24 * 7
    assert titles(most_popular(limit=1)) == ["Story 0"]


def test_the_window_starts_on_the_newsroom_day_around_midnight(five, settings):
    settings.TIME_ZONE = "America/New_York"
    settings.MASTHEAD_MOST_POPULAR_HOURS = 48
    views(five[0], 100, date(2025, 1, 7))
    views(five[1], 5, date(2025, 1, 8))
    views(five[2], 3, date(2025, 1, 10))
    # 05:30 UTC on Jan 10 is 00:30 in New York: 48 hours back is Jan 8, 00:30.
    with frozen(datetime(2025, 1, 10, 5, 30, tzinfo=UTC)):
        assert titles(most_popular(limit=2)) == ["Story 1", "Story 2"]
    cache.clear()
    # 04:30 UTC is still 23:30 on Jan 9 in New York: 48 hours back is Jan 7 (in UTC
    # it would already be Jan 8, and the 100 views would wrongly drop out).
    with frozen(datetime(2025, 1, 10, 4, 30, tzinfo=UTC)):
        assert titles(most_popular(limit=2)) == ["Story 0", "Story 1"]


def test_an_explicit_since_sets_the_first_day(five):
    views(five[0], 9, newsroom_day() - timedelta(days=3))
    views(five[1], 1)
    since = timezone.now() - timedelta(days=3)
    assert titles(most_popular(since=since, limit=1)) == ["Story 0"]


def test_the_ranking_is_cached_briefly_and_the_cache_key_knows_the_limit(five):
    views(five[0], 5)
    views(five[1], 4)
    assert titles(most_popular(limit=1)) == ["Story 0"]
    views(five[1], 10, newsroom_day() - timedelta(days=1))
    assert titles(most_popular(limit=1)) == ["Story 0"], "served from the cache"
    assert titles(most_popular(limit=2)) == ["Story 1", "Story 0"], "another limit, another key"
    cache.clear()  # what the 60-second expiry does
    assert titles(most_popular(limit=1)) == ["Story 1"]


def test_the_cache_lasts_at_most_a_minute_by_default(five, settings):
    with mock.patch.object(cache, "set", wraps=cache.set) as cache_set:
        most_popular(limit=3)
    timeouts = [call.args[2] for call in cache_set.call_args_list]
    assert timeouts and all(0 < t <= 60 for t in timeouts)


def test_a_warm_list_costs_the_same_queries_however_many_articles_were_read(five):
    views(five[0], 1)
    most_popular(limit=5)
    with CaptureQueriesContext(connection) as one:
        most_popular(limit=5)
    for article in five:
        views(article, 2, newsroom_day() - timedelta(days=1))
    cache.clear()
    most_popular(limit=5)
    with CaptureQueriesContext(connection) as all_five:
        most_popular(limit=5)
    assert len(one) == len(all_five) <= 3  # the cards, their renditions, their bylines


def test_the_article_page_lists_the_most_read_articles_but_not_itself(client, five):
    for n, article in enumerate(five):
        views(article, 10 - n)
    soup = BeautifulSoup(client.get(five[0].url).content, "html.parser")
    box = soup.select_one(".most-popular")
    assert box.h2.get_text(strip=True) == "Most popular"
    assert [a.get_text(strip=True) for a in box.select("li a")] == [
        "Story 1",
        "Story 2",
        "Story 3",
        "Story 4",
    ]


def test_many_unpublished_favourites_do_not_shorten_the_list(make_article):
    unpublished = [make_article(title=f"Pulled {n}") for n in range(25)]
    kept = [make_article(title=f"Kept {n}") for n in range(3)]
    for n, article in enumerate(unpublished):
        views(article, 1000 - n)
    for n, article in enumerate(kept):
        views(article, 10 - n)
    for article in unpublished:
        article.unpublish()
    ranked = most_popular(limit=3)
    assert titles(ranked) == ["Kept 0", "Kept 1", "Kept 2"]
    assert [a.views for a in ranked] == [10, 9, 8]
