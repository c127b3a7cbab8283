"""Daily counters: atomic increments, newsroom days, pruning."""

import threading
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from masthead.audience.models import DailyArticleViews
from masthead.audience.services import add_views, newsroom_day, prune_views

from .conftest import BROWSER_UA, beacon_body, run_in_thread, total_views


def at(moment: datetime):
    """Freeze "now" for Django's time zone helpers."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.mark.django_db
def test_add_views_creates_then_increments_one_row_per_article_and_day(make_article):
    a, b = make_article(), make_article()
    monday, tuesday = date(2025, 1, 6), date(2025, 1, 7)
    assert add_views(counts={(a.pk, monday): 2, (b.pk, monday): 1}) == 3
    assert add_views(counts={(a.pk, monday): 5, (a.pk, tuesday): 1, (b.pk, tuesday): 0}) == 6
    rows = set(DailyArticleViews.objects.values_list("article_id", "day", "views"))
    assert rows == {(a.pk, monday, 7), (b.pk, monday, 1), (a.pk, tuesday, 1)}


@pytest.mark.django_db
def test_a_view_just_before_midnight_in_the_newsroom_counts_on_that_day(
    settings, send_beacon, article
):
    settings.TIME_ZONE = "America/New_York"
    # 04:30 UTC on January 10 is 23:30 on January 9 in New York.
    with at(datetime(2025, 1, 10, 4, 30, tzinfo=UTC)):
        send_beacon(article.pk)
    # 05:30 UTC is 00:30 on January 10 in New York: a new day.
    with at(datetime(2025, 1, 10, 5, 30, tzinfo=UTC)):
        send_beacon(article.pk, address="198.51.100.1")
    rows = dict(DailyArticleViews.objects.values_list("day", "views"))
    assert rows == {date(2025, 1, 9): 1, date(2025, 1, 10): 1}


@pytest.mark.django_db
def test_the_newsroom_day_follows_the_time_zone_setting(settings):
    moment = datetime(2025, 1, 10, 4, 30, tzinfo=UTC)
    settings.TIME_ZONE = "America/New_York"
    assert newsroom_day(moment) == date(2025, 1, 9)
    settings.TIME_ZONE = "Europe/Paris"
    assert newsroom_day(moment) == date(2025, 1, 10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_beacons_lose_no_count(make_article, settings, request):
    settings.MASTHEAD_AUDIENCE_BURST_LIMIT = 0  # each thread sends all its beacons at once
    settings.MASTHEAD_AUDIENCE_DAILY_CAP = 0  # and more than the cap
    article = make_article()
    request.getfixturevalue("threads_database")  # after the article exists
    threads, beacons = 8, 25
    failures: list[str] = []
    start = threading.Barrier(threads)

    def reader(n: int) -> None:
        client = Client()
        start.wait()
        try:
            for _ in range(beacons):
                response = client.post(
                    "/_audience/view",
                    data=beacon_body(article.pk),
                    content_type="text/plain",
                    HTTP_USER_AGENT=BROWSER_UA,
                    REMOTE_ADDR=f"203.0.113.{n}",
                )
                if response.status_code != 204:
                    failures.append(f"{response.status_code}")
        except Exception as error:  # noqa: BLE001  (reported below)
            failures.append(repr(error))
        finally:
            connection.close()

    workers = [threading.Thread(target=reader, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert run_in_thread(total_views, article.pk) == threads * beacons


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_batches_on_several_days_lose_no_count(make_article, request):
    articles = [make_article().pk for _ in range(3)]
    request.getfixturevalue("threads_database")
    days = [date(2025, 1, 6) + timedelta(n) for n in range(3)]
    threads, rounds = 6, 20
    failures: list[str] = []

    def writer() -> None:
        try:
            for _ in range(rounds):
                add_views(counts={(a, d): 1 for a in articles for d in days})
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))
        finally:
            connection.close()

    workers = [threading.Thread(target=writer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    rows = run_in_thread(lambda: list(DailyArticleViews.objects.values_list("views", flat=True)))
    assert rows == [threads * rounds] * (len(articles) * len(days))


@pytest.mark.django_db
def test_pruning_deletes_rows_older_than_the_retention_period(article, settings):
    today = newsroom_day()
    for age in (0, 399, 400, 401, 800):
        DailyArticleViews.objects.create(article=article, day=today - timedelta(age), views=1)
    out = StringIO()
    call_command("prune_views", stdout=out)
    kept = sorted((today - d).days for d in DailyArticleViews.objects.values_list("day", flat=True))
    assert kept == [0, 399, 400]
    assert "Deleted 2 daily row(s) older than 400 days" in out.getvalue()


@pytest.mark.django_db
def test_the_retention_period_comes_from_the_setting_or_the_command_line(article, settings):
    today = newsroom_day()
    for age in (0, 10, 40):
        DailyArticleViews.objects.create(article=article, day=today - timedelta(age), views=1)
    settings.MASTHEAD_AUDIENCE_RETENTION_DAYS = 30
    assert prune_views() == 1
    call_command("prune_views", "--days", "5", stdout=StringIO())
    assert list(DailyArticleViews.objects.values_list("day", flat=True)) == [today]


@pytest.mark.django_db
def test_beacons_also_prune_old_rows_once_a_day(
    article, send_beacon, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_AUDIENCE_FLUSH_INTERVAL = 60
    old = newsroom_day() - timedelta(days=500)
    DailyArticleViews.objects.create(article=article, day=old, views=9)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_beacon(article.pk)
    assert len(callbacks) == 1  # the housekeeping task, run at once by the test backend
    assert not DailyArticleViews.objects.filter(day=old).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_beacon(article.pk, address="198.51.100.1")
    assert callbacks == []
    assert total_views(article.pk) == 2
