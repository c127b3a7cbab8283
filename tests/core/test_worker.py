"""The database worker's leases, hand-back and lanes (core/worker.py), in-process: which
running tasks count as abandoned, what reclaiming does, and the order tasks are taken."""

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from masthead.core import worker
from masthead.core.lanes import ARCHIVE_PRIORITY, FRESH_PRIORITY, run_reconcilers
from masthead.core.models import WorkerHeartbeat

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "slow"]}
}


def a_dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def beat(worker_id: str, *, pid: int, host: str | None = None, seconds_ago: float = 0):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, pid=pid, host=host or socket.gethostname(), lane="default",
        started_at=now - timedelta(hours=1), seen_at=now - timedelta(seconds=seconds_ago),
    )  # fmt: skip


def running_task(owner: str | None, *, started_ago: float = 60, history: int = 1):
    ids = [f"earlier-{n}" for n in range(history - 1)] + ([owner] if owner else [])
    return DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [7], "kwargs": {}}, worker_ids=ids,
        task_path="masthead.news.tasks.prepare_renditions", backend_name="default",
        queue_name="default", run_after=get_date_max(),
        started_at=timezone.now() - timedelta(seconds=started_ago),
    )  # fmt: skip


def status_of(task) -> str:
    return DBTaskResult.objects.get(pk=task.pk).status


@pytest.mark.django_db
def test_a_task_of_a_worker_whose_process_is_gone_is_queued_again():
    beat("dead-here", pid=a_dead_pid(), seconds_ago=1)  # a fresh beat, but no process
    task = running_task("dead-here")
    assert worker.reclaim_abandoned_tasks() == 1
    reclaimed = DBTaskResult.objects.get(pk=task.pk)
    assert (reclaimed.status, reclaimed.started_at) == ("READY", None)
    assert reclaimed.worker_ids == ["dead-here"]  # the history is kept


@pytest.mark.django_db
def test_a_task_of_a_live_worker_is_left_alone():
    beat("alive-here", pid=os.getpid())
    beat("elsewhere", pid=4242, host="worker-7.internal", seconds_ago=5)
    here, there = running_task("alive-here"), running_task("elsewhere")
    assert worker.reclaim_abandoned_tasks() == 0
    assert (status_of(here), status_of(there)) == ("RUNNING", "RUNNING")


@pytest.mark.django_db
def test_a_task_of_a_worker_on_another_machine_is_queued_again_once_its_heartbeat_is_stale(
    settings,
):
    settings.MASTHEAD_HEALTH_WORKER_STALE = 120
    beat("elsewhere", pid=4242, host="worker-7.internal", seconds_ago=121)
    task = running_task("elsewhere")
    assert worker.reclaim_abandoned_tasks() == 1
    assert status_of(task) == "READY"


@pytest.mark.django_db
def test_a_task_just_claimed_is_not_taken_from_its_worker_before_its_first_heartbeat(settings):
    settings.MASTHEAD_TASK_RECLAIM_GRACE = 5
    task = running_task("not-yet-beating", started_ago=1)
    assert worker.reclaim_abandoned_tasks() == 0
    assert status_of(task) == "RUNNING"


@pytest.mark.django_db
def test_a_task_that_killed_too_many_workers_is_given_up_with_a_reason(settings):
    settings.MASTHEAD_TASK_MAX_RECLAIMS = 3
    task = running_task("third-dead-worker", history=3)
    assert worker.reclaim_abandoned_tasks() == 1
    failed = DBTaskResult.objects.get(pk=task.pk)
    assert failed.status == "FAILED"
    assert "3 workers stopped while running this task" in failed.traceback


@pytest.mark.django_db
def test_every_worker_runs_the_reclaimer_among_the_reconcilers():
    task = running_task("never-seen")
    assert run_reconcilers() >= 1
    assert status_of(task) == "READY"


@pytest.mark.django_db
def test_a_handed_back_task_is_ready_again_without_the_handing_worker_in_its_history():
    task = running_task("stopping-worker", history=2)
    worker.hand_back(DBTaskResult.objects.get(pk=task.pk), "stopping-worker")
    back = DBTaskResult.objects.get(pk=task.pk)
    assert (back.status, back.started_at, back.worker_ids) == ("READY", None, ["earlier-0"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_slow_lane_takes_fresh_work_before_archive_work_and_leaves_the_fast_lane(settings):
    from masthead.distribution.tasks import prepare_share_renditions

    settings.TASKS = DB_TASKS
    slow = prepare_share_renditions.using(queue_name="slow")
    archive = [slow.using(priority=ARCHIVE_PRIORITY).enqueue(n) for n in (1, 2)]
    fresh = slow.using(priority=FRESH_PRIORITY).enqueue(3)
    fast = prepare_share_renditions.enqueue(4)
    call_command("run_worker", "--lane", "slow", "--batch", verbosity=0)
    done = DBTaskResult.objects.filter(queue_name="slow").order_by("finished_at")
    assert [str(t.pk) for t in done] == [fresh.id, archive[0].id, archive[1].id]
    assert {t.status for t in done} == {"SUCCESSFUL"}
    assert DBTaskResult.objects.get(pk=fast.id).status == "READY"  # not this lane's
    assert not WorkerHeartbeat.objects.exists()  # a batch run removes its heartbeat


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_slow_lane_worker_stops_after_its_task_limit_to_give_memory_back(settings):
    from masthead.distribution.tasks import prepare_share_renditions

    settings.TASKS = DB_TASKS
    for n in range(3):
        prepare_share_renditions.using(queue_name="slow").enqueue(n)
    call_command("run_worker", "--lane", "slow", "--max-tasks", "2", verbosity=0)
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["READY", "SUCCESSFUL", "SUCCESSFUL"]
