"""With Redis configured, beacons go to a Redis hash and a flush moves them to the
database, losing nothing while views keep arriving."""

import threading
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from masthead.audience import buffer
from masthead.audience.models import DailyArticleViews
from masthead.audience.services import flush_buffered_views, newsroom_day
from masthead.audience.tasks import audience_housekeeping

from .conftest import run_in_thread, total_views


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.mark.django_db
def test_a_beacon_goes_to_redis_and_not_to_the_database(redis_buffer, send_beacon, article):
    assert send_beacon(article.pk).status_code == 204
    assert total_views() == 0
    field = f"{article.pk}:{newsroom_day().isoformat()}".encode()
    assert redis_buffer.hgetall(buffer.live_key()) == {field: b"1"}


@pytest.mark.django_db
def test_a_flush_moves_the_counts_to_the_database_and_empties_the_buffer(
    redis_buffer, send_beacon, make_article
):
    a, b = make_article(), make_article()
    for n in range(3):
        send_beacon(a.pk, address=f"203.0.113.{n}")
    send_beacon(b.pk)
    assert flush_buffered_views() == 4
    assert (total_views(a.pk), total_views(b.pk)) == (3, 1)
    assert buffer.pending_total(redis_buffer) == 0
    assert flush_buffered_views() == 0
    assert total_views() == 4


@pytest.mark.django_db
def test_a_flush_adds_to_the_days_the_views_were_counted_on(redis_buffer, article):
    buffer.add(redis_buffer, article_id=article.pk, day=date(2025, 1, 9), count=2)
    buffer.add(redis_buffer, article_id=article.pk, day=date(2025, 1, 10), count=5)
    flush_buffered_views()
    buffer.add(redis_buffer, article_id=article.pk, day=date(2025, 1, 10), count=1)
    flush_buffered_views()
    rows = dict(DailyArticleViews.objects.values_list("day", "views"))
    assert rows == {date(2025, 1, 9): 2, date(2025, 1, 10): 6}


@pytest.mark.django_db
def test_a_batch_left_by_a_crashed_flush_is_flushed_next_time(redis_buffer, article):
    buffer.add(redis_buffer, article_id=article.pk, day=date(2025, 1, 9), count=4)
    batches = buffer.take_batches(redis_buffer)
    next(batches)  # the batch was taken aside, then the flushing process died
    assert total_views() == 0
    buffer.add(redis_buffer, article_id=article.pk, day=date(2025, 1, 9), count=1)
    assert flush_buffered_views() == 5
    assert total_views() == 5
    assert buffer.pending_total(redis_buffer) == 0


@pytest.mark.django_db
def test_views_of_a_deleted_article_are_dropped_without_blocking_the_others(
    redis_buffer, make_article
):
    kept, deleted = make_article(), make_article()
    buffer.add(redis_buffer, article_id=kept.pk, day=date(2025, 1, 9), count=2)
    buffer.add(redis_buffer, article_id=deleted.pk, day=date(2025, 1, 9), count=3)
    deleted.delete()
    flush_buffered_views()
    assert total_views() == 2
    assert buffer.pending_total(redis_buffer) == 0


@pytest.mark.django_db
def test_the_flush_views_command_and_the_task_flush_the_buffer(redis_buffer, article):
    today = newsroom_day()
    buffer.add(redis_buffer, article_id=article.pk, day=today, count=2)
    out = StringIO()
    call_command("flush_views", stdout=out)
    assert "Flushed 2 view(s)" in out.getvalue()
    buffer.add(redis_buffer, article_id=article.pk, day=today, count=3)
    audience_housekeeping.enqueue()  # the immediate backend runs it now
    assert total_views() == 5


@pytest.mark.django_db
def test_without_redis_the_flush_views_command_says_there_is_nothing_to_do(article):
    out = StringIO()
    call_command("flush_views", stdout=out)
    assert "No Redis configured" in out.getvalue()


@pytest.mark.django_db
def test_beacons_schedule_a_flush_at_most_once_per_interval(
    redis_buffer, send_beacon, article, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_AUDIENCE_FLUSH_INTERVAL = 60
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            send_beacon(article.pk, address=f"203.0.113.{n}")
    # The first beacon queued the housekeeping task (run at once by the test backend);
    # the next ones waited for the interval.
    assert total_views() == 1
    assert buffer.pending_total(redis_buffer) == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flushing_while_views_keep_arriving_loses_nothing(redis_buffer, make_article, request):
    articles = [make_article().pk for _ in range(3)]
    request.getfixturevalue("threads_database")
    writers, views_each = 4, 500
    done, first_flush = threading.Event(), threading.Event()
    flushed: list[int] = []
    failures: list[str] = []

    def reader(n: int) -> None:
        try:
            for i in range(views_each):
                if i == views_each // 2:
                    # Half-way, make sure a flush has run while this reader is still busy.
                    assert first_flush.wait(timeout=30), "no flush happened"
                buffer.add(redis_buffer, article_id=articles[(n + i) % 3], day=newsroom_day())
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))

    def flusher() -> None:
        from django.db import connection

        try:
            while not done.is_set():
                flushed.append(flush_buffered_views())
                if flushed[-1]:
                    first_flush.set()
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))
        finally:
            connection.close()

    flushing = threading.Thread(target=flusher)
    flushing.start()
    readers = [threading.Thread(target=reader, args=(n,)) for n in range(writers)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()
    done.set()
    flushing.join()
    flushed.append(run_in_thread(flush_buffered_views))

    assert failures == []
    assert sum(flushed) == writers * views_each
    assert run_in_thread(total_views) == writers * views_each
    assert buffer.pending_total(redis_buffer) == 0
