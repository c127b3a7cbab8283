"""Workers at the same moment, as real threads with database connections of their own:
two tasks claim one narration, four reconcilers find one stale narration."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from masthead.narration import repair, services
from masthead.narration.models import Narration
from masthead.narration.script import build_script
from masthead.narration.tasks import generate_narration

# serialized_rollback: the flush after a transactional test would otherwise remove the rows
# Wagtail's migrations create (root page, locale, collection).
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the in-memory SQLite test database locks whole tables across threads "
        "(a file database does not); CI runs this on PostgreSQL",
    ),
]
DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "slow"]}
}


def run_at_once(count: int, function) -> list:
    """`function()` in `count` threads released together; their results, or the errors."""
    start, results = threading.Barrier(count), []

    def worker() -> None:
        try:
            start.wait()
            results.append(function())
        except Exception as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_tasks_claiming_one_narration_at_once_give_it_to_exactly_one(settings, make_article):
    settings.TASKS = DB_TASKS
    article = make_article(title="Bridge reopens")
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    script = build_script(article)

    def claim():
        return services.narration_claim(article_id=article.pk, script=script)

    claims = run_at_once(2, claim)
    assert not [c for c in claims if isinstance(c, Exception)]
    (winner,) = [c for c in claims if c is not None]
    narration = Narration.objects.get(article=article)
    assert (narration.lease_token, narration.attempts) == (winner.lease_token, 1)


def test_reconcilers_in_four_workers_at_once_queue_a_stale_narration_once(
    settings, make_article, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    article = make_article(title="Bridge reopens")
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_claim(article_id=article.pk, script=build_script(article))
    Narration.objects.filter(article=article).update(
        lease_renewed_at=timezone.now() - timedelta(minutes=10)
    )
    tasks = DBTaskResult.objects.filter(task_path=generate_narration.module_path)
    before = tasks.count()  # the publish's own
    found, requeue = threading.Barrier(4), repair._requeue_stale

    def requeue_once_all_found_it(narration_id: int) -> bool:
        found.wait()  # every worker has seen the stale narration before any repairs it
        return requeue(narration_id)

    monkeypatch.setattr(repair, "_requeue_stale", requeue_once_all_found_it)
    assert sorted(run_at_once(4, repair.narration_reconcile)) == [0, 0, 0, 1]
    assert Narration.objects.get(article=article).status == Narration.Status.QUEUED
    assert tasks.count() == before + 1
