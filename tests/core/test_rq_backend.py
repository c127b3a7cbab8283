"""Tasks on RQ: Masthead's tasks go through Redis and `masthead worker` runs them with an
RQ worker (burst mode), scheduler included, while still publishing scheduled pages.

Each test works on a queue of its own (a unique name on the test Redis) and removes its
keys afterwards, so it disturbs neither other tests nor another run on the same Redis."""

import datetime as dt
import signal
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks.base import TaskResultStatus
from wagtail.images import get_image_model

from masthead.distribution.services import delivery_task
from masthead.news.images import RENDITION_SPECS, filters_for
from masthead.news.models import ArticlePage
from masthead.news.tasks import prepare_renditions

# The worker closes and reopens database connections, as in production: real transactions.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _restore_signal_handlers():
    # The RQ worker installs its own SIGINT/SIGTERM handlers; put pytest's back.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def rq_queue(settings):
    """The RQ backend on a queue no one else uses; its Redis keys are deleted after."""
    url = django_settings.MASTHEAD_TEST_REDIS_URL
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {url}")
    name = f"masthead-test-{uuid.uuid4().hex}"
    # The tests' tasks go to their own queue. What saving a page or an image enqueues
    # (search indexing, ...) goes to "default", which runs it at once (RQ's ASYNC=False)
    # so nothing is left in a queue other runs share; django-tasks-rq also reads every
    # result through the "default" connection.
    settings.RQ_QUEUES = {"default": {"URL": url, "ASYNC": False}, name: {"URL": url}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name, "default"]}
    }
    job_ids: list[str] = []
    yield name, job_ids
    keys = set(client.scan_iter(match=f"*{name}*"))
    for job_id in job_ids:
        keys |= set(client.scan_iter(match=f"rq:*{job_id}*"))
    if keys:
        client.delete(*keys)
    client.srem("rq:queues", f"rq:queue:{name}")


def run_worker(queue: str, *extra: str) -> None:
    call_command(
        "run_worker",
        "--batch",
        "--queue-name",
        queue,
        "--worker-id",
        f"{queue}-worker",
        *extra,
        verbosity=0,
    )


def test_an_image_is_prepared_by_an_rq_worker(rq_queue, image):
    queue, job_ids = rq_queue
    result = prepare_renditions.using(queue_name=queue).enqueue(image.pk)
    job_ids.append(result.id)
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.READY
    assert not image.renditions.exists()

    run_worker(queue, "--worker-class", "rq.SimpleWorker")

    done = default_task_backend.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == sum(len(filters_for(kind)) for kind in RENDITION_SPECS)
    assert get_image_model().objects.get(pk=image.pk).renditions.exists()


def test_a_deferred_task_is_run_by_the_workers_scheduler(rq_queue, image):
    queue, job_ids = rq_queue
    due = timezone.now() - dt.timedelta(seconds=1)  # a retry whose time has come
    later = timezone.now() + dt.timedelta(hours=1)
    ran = prepare_renditions.using(queue_name=queue, run_after=due).enqueue(image.pk)
    waits = prepare_renditions.using(queue_name=queue, run_after=later).enqueue(image.pk)
    job_ids += [ran.id, waits.id]

    run_worker(queue, "--worker-class", "rq.SimpleWorker")

    assert default_task_backend.get_result(ran.id).status == TaskResultStatus.SUCCESSFUL
    assert default_task_backend.get_result(waits.id).status == TaskResultStatus.READY


def test_a_webhook_delivery_is_queued_without_a_priority(rq_queue):
    queue, job_ids = rq_queue
    result = delivery_task(queue_name=queue).enqueue(999_999)  # no such delivery
    job_ids.append(result.id)
    assert result.task.priority == 0  # RQ has no priorities: first in, first out

    run_worker(queue, "--worker-class", "rq.SimpleWorker")

    done = default_task_backend.get_result(result.id)
    assert (done.status, done.return_value) == (TaskResultStatus.SUCCESSFUL, "skipped")


def test_a_failing_task_is_recorded_as_failed(rq_queue, image):
    queue, job_ids = rq_queue
    image.file.storage.delete(image.file.name)  # nothing left to resize
    result = prepare_renditions.using(queue_name=queue).enqueue(image.pk)
    job_ids.append(result.id)

    run_worker(queue, "--worker-class", "rq.SimpleWorker")

    failed = default_task_backend.get_result(result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors and "SourceImageIOError" in failed.errors[0].traceback


def test_the_rq_worker_still_publishes_scheduled_pages(rq_queue, make_article):
    queue, _ = rq_queue
    page = make_article(title="Budget embargo lifts", publish=False)
    page.go_live_at = timezone.now() + dt.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()
    ArticlePage.objects.filter(pk=page.pk).update(go_live_at=timezone.now())
    revision.approved_go_live_at = timezone.now() - dt.timedelta(minutes=1)
    revision.content["go_live_at"] = revision.approved_go_live_at.isoformat()
    revision.save(update_fields=["content", "approved_go_live_at"])

    run_worker(queue, "--worker-class", "rq.SimpleWorker")

    assert ArticlePage.objects.get(pk=page.pk).live is True


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="a forked work horse cannot share an in-memory test db"
)
def test_the_default_forking_worker_runs_the_task_in_its_own_process(rq_queue, image):
    queue, job_ids = rq_queue
    result = prepare_renditions.using(queue_name=queue).enqueue(image.pk)
    job_ids.append(result.id)

    run_worker(queue)

    done = default_task_backend.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL, done.errors
    assert get_image_model().objects.get(pk=image.pk).renditions.exists()
