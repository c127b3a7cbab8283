"""The database-queue worker: lanes, leases, clean stops, and surviving a full disk.

django-tasks-db's worker claims a task by marking it RUNNING with its worker id, and that
is all: a worker killed mid-task (SIGKILL, out of memory, machine gone) left the task
RUNNING for ever, and Ctrl+C raised SystemExit inside the task. Here:

- **Lease.** A task belongs to the worker whose id it carries only while that worker is
  alive: its heartbeat row (core/health.py) is recent and, on this machine, its process
  exists. `reclaim_abandoned_tasks` (a reconciler every worker runs at start and every
  heartbeat) puts the tasks of dead workers back in the queue, and gives up on a task
  that has killed `MASTHEAD_TASK_MAX_RECLAIMS` workers in a row (it would kill the next).
- **Stopping.** SIGTERM or Ctrl+C: no new task is taken. The fast lane finishes the task
  it is running (seconds at most); the slow lane hands it back at once: `WorkerStopping`
  is raised inside it, the task puts its own row back to queued, and the worker returns
  the task to the queue. A second signal hands back in either lane.
- **Database errors** (a full disk, the database restarting): the worker logs, waits and
  tries again, and keeps trying to record a finished task's outcome until it can, instead
  of exiting with the task marked RUNNING.
"""

import logging
import os
import signal
import socket
import sys
import time
from datetime import timedelta
from functools import partial
from types import FrameType

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .lanes import WorkerStopping

logger = logging.getLogger("masthead.worker")
# Waits after a database error: 1, 2, 4 ... 30 s.
MAX_ERROR_WAIT = 30.0


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


class LeasedWorker(Worker):
    """A `db_worker` Worker whose tasks are leased, handed back on stop, and recorded
    even through database errors."""

    def __init__(self, *, hand_back_on_stop: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hand_back_on_stop = hand_back_on_stop
        self.errors = 0
        self.in_call = False  # inside the task's own code, where WorkerStopping may land

    # --- stopping ---

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        name = signal.strsignal(signum)
        if not self.running_task:
            logger.info("Received %s: stopping (no task was running)", name)
            self.running = False
            sys.exit(0)
        if (self.running and not self.hand_back_on_stop) or not self.in_call:
            logger.info("Received %s: finishing the current task, then stopping", name)
            self.running = False
            return
        self.running = False
        logger.info("Received %s: handing the current task back to the queue", name)
        raise WorkerStopping(name)

    # --- the loop ---

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except DatabaseError as error:
                self._wait_after(error, "taking a task")

    def _wait_after(self, error: Exception, doing: str) -> None:
        self.errors += 1
        wait = min(MAX_ERROR_WAIT, 2.0 ** (self.errors - 1))
        logger.warning("Database error while %s (%s); trying again in %.0f s",
                       doing, str(error).strip() or type(error).__name__, wait)  # fmt: skip
        close_old_connections()
        time.sleep(wait)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        started = time.monotonic()
        try:
            self.running_task = True
            value = self._call(db_task_result)
        except WorkerStopping:
            self._record(partial(hand_back, db_task_result, self.worker_id), "handing back")
            self.running = False
            return
        except BaseException as error:  # noqa: BLE001 (recorded, as db_worker does)
            self._record(partial(db_task_result.set_failed, error), "recording a failure")
            # django-tasks logs the outcome itself (once, with the traceback): this is detail.
            logger.debug("Task %s failed after %.1f s: %s", _describe(db_task_result),
                           time.monotonic() - started, error)  # fmt: skip
        else:
            self._record(partial(db_task_result.set_successful, value), "recording a result")
            logger.debug("Task %s done in %.1f s", _describe(db_task_result),
                        time.monotonic() - started)  # fmt: skip
        finally:
            self.running_task = False
            self._run_tasks += 1
        self.errors = 0
        self._finished(db_task_result)

    def _call(self, db_task_result: DBTaskResult):
        task = db_task_result.task
        result = db_task_result.task_result
        task_started.send(sender=type(task.get_backend()), task_result=result)
        args = (TaskContext(task_result=result),) if task.takes_context else ()
        self.in_call = True
        try:
            return task.call(*args, *result.args, **result.kwargs)
        finally:
            self.in_call = False

    def _finished(self, db_task_result: DBTaskResult) -> None:
        try:
            sender = type(db_task_result.task.get_backend())
            task_finished.send(sender=sender, task_result=db_task_result.task_result)
        except Exception:
            logger.exception("A task_finished receiver failed for %s", _describe(db_task_result))

    def _record(self, write, doing: str) -> None:
        """Write a task's outcome, waiting out database errors (a full disk) while the
        worker runs; when told to stop meanwhile, the lease brings the task back."""
        while True:
            try:
                write()
                return
            except DatabaseError as error:
                if not self.running:
                    logger.warning("Could not record a task's outcome (%s); it will be "
                                   "taken up again by the next worker", error)  # fmt: skip
                    return
                self._wait_after(error, doing)
            except WorkerStopping:
                self.running = False  # a second signal: keep trying once more


def _describe(db_task_result: DBTaskResult) -> str:
    name = db_task_result.task_path.rsplit(".", 1)[-1]
    args = db_task_result.args_kwargs.get("args") or []
    return f"{name}({', '.join(str(a) for a in args)[:80]})"


def hand_back(db_task_result: DBTaskResult, worker_id: str) -> None:
    """The task goes back to the queue as if it had not been taken: ready, unstarted, and
    without this worker's id (a hand-back is not a crash to count)."""
    ids = list(db_task_result.worker_ids or [])
    if ids and ids[-1] == worker_id:
        ids.pop()
    DBTaskResult.objects.filter(pk=db_task_result.pk, status="RUNNING").update(
        status="READY", started_at=None, worker_ids=ids
    )


# --- leases ---


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_worker_ids(now=None) -> set[str]:
    """Workers whose heartbeat is recent and, on this machine, whose process exists."""
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    stale = timedelta(seconds=_setting("MASTHEAD_HEALTH_WORKER_STALE", 120))
    host = socket.gethostname()
    live = set()
    for beat in WorkerHeartbeat.objects.filter(seen_at__gte=now - stale):
        if beat.host != host or _process_exists(beat.pid):
            live.add(beat.worker_id)
    return live


def reclaim_abandoned_tasks() -> int:
    """Put the RUNNING tasks of dead workers back in the queue; returns how many.

    A task younger than a few seconds is left alone: its worker may be between claiming
    it and its first heartbeat (workers record one before they take any task).
    """
    now = timezone.now()
    live = live_worker_ids(now)
    young = now - timedelta(seconds=_setting("MASTHEAD_TASK_RECLAIM_GRACE", 5))
    max_reclaims = int(_setting("MASTHEAD_TASK_MAX_RECLAIMS", 3))
    reclaimed = 0
    running = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=young)
    for task in running.only("id", "worker_ids", "task_path", "args_kwargs"):
        owner = (task.worker_ids or [None])[-1]
        if owner in live:
            continue
        reclaimed += _reclaim(task, owner, give_up=len(task.worker_ids or []) >= max_reclaims)
    return reclaimed


def _reclaim(task: DBTaskResult, owner: str | None, *, give_up: bool) -> int:
    running = DBTaskResult.objects.filter(pk=task.pk, status="RUNNING")
    if give_up:
        message = (f"Gave up: {len(task.worker_ids)} workers stopped while running this "
                   "task (killed or out of memory?)")  # fmt: skip
        changed = running.update(status="FAILED", finished_at=timezone.now(),
                                 exception_class_path="masthead.core.worker.Abandoned",
                                 traceback=message)  # fmt: skip
        if changed:
            logger.error("Task %s: %s", _describe(task), message)
        return changed
    changed = running.update(status="READY", started_at=None)
    if changed:
        logger.warning("Task %s was running in worker %s, which is gone; queued again",
                       _describe(task), owner)  # fmt: skip
    return changed
