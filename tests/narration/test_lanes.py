"""Narration runs on the slow lane; fresh work (a publish, an edit) goes before archive
work (a lexicon change), and the fast lane never waits for a narration."""

import pytest
from django.db import transaction
from django_tasks import default_task_backend
from django_tasks.base import DEFAULT_TASK_PRIORITY

from masthead.core.lanes import ARCHIVE_PRIORITY, FRESH_PRIORITY, SLOW_LANE
from masthead.narration import services
from masthead.narration.models import Narration, PronunciationEntry
from masthead.narration.tasks import generate_narration, refresh_narrations

from .fakes import ToneEngine

QUEUES = ["default", "slow"]
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": QUEUES}}
Status = Narration.Status


@pytest.fixture
def engine(monkeypatch) -> ToneEngine:
    engine = ToneEngine()
    monkeypatch.setattr(services, "get_engine", lambda: engine)
    return engine


def enqueued(name: str) -> list:
    return [r for r in default_task_backend.results if r.task.name == name]


def lane_and_priority(result) -> tuple[str, int]:
    return result.task.queue_name, result.task.priority


def test_publishing_enqueues_fresh_work_on_the_slow_lane(
    settings, make_article, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Fresh story")
    (task,) = enqueued("generate_narration")
    assert task.args[0] == article.pk
    assert lane_and_priority(task) == (SLOW_LANE, FRESH_PRIORITY)


def test_a_lexicon_change_re_narrates_the_archive_as_archive_work(
    settings, make_article, engine, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    article = make_article(title="The Tarn rises")
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk, engine=engine)
    with django_capture_on_commit_callbacks(execute=True):
        PronunciationEntry.objects.create(phrase="Tarn", spoken="Tahrn")
    (refresh,) = enqueued("refresh_narrations")
    assert lane_and_priority(refresh) == (SLOW_LANE, ARCHIVE_PRIORITY)
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_narrations.call() == 1
    (task,) = enqueued("generate_narration")
    assert lane_and_priority(task) == (SLOW_LANE, ARCHIVE_PRIORITY)


def test_on_a_queue_without_priorities_narration_still_runs_on_the_slow_lane(
    settings, make_article, django_capture_on_commit_callbacks
):
    backend = "tests.narration.fakes.NoPriorityBackend"  # as RQ: no priorities
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": QUEUES}}
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Fresh story")
    (task,) = enqueued("generate_narration")
    assert lane_and_priority(task) == (SLOW_LANE, DEFAULT_TASK_PRIORITY)


def next_task(lane: str):
    """The task a database worker on `lane` takes next (django-tasks-db's own query)."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        return DBTaskResult.objects.ready().filter(queue_name=lane).get_locked()


def test_fresh_work_goes_before_archive_work_and_the_fast_lane_takes_none(
    settings, make_article, engine, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    old = make_article(title="An old story", slug="old")
    with django_capture_on_commit_callbacks(execute=True):
        services.narration_request(article_id=old.pk, priority=ARCHIVE_PRIORITY)  # queued first
        fresh = make_article(title="Breaking story", slug="breaking")
    narrations = DBTaskResult.objects.filter(task_path=generate_narration.module_path)
    assert narrations.count() == 2
    assert not narrations.filter(queue_name="default").exists()
    args = next_task(SLOW_LANE).args_kwargs["args"]
    assert args[0] == fresh.pk
    assert generate_narration.call(*args) == Status.READY
    assert Narration.objects.get(article=fresh).status == Status.READY
    assert Narration.objects.get(article=old).status == Status.QUEUED
