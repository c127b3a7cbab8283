"""Is the newsroom healthy? Checks shared by `masthead manage doctor` and /healthz, and the
heartbeat every worker records so that a dead one is noticed.

Each check has a public `summary` (what /healthz shows: no paths, host names or secrets)
and a `detail` for the operator at the console.
"""

import atexit
import logging
import os
import shutil
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger("masthead.health")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    summary: str
    detail: str = ""


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


# --- worker heartbeats ---


def record_heartbeat(
    *, worker_id: str, pid: int, host: str, lane: str, started_at: datetime
) -> WorkerHeartbeat:
    """Say that this worker is alive now (one row per worker, updated in place)."""
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "pid": pid,
            "host": host,
            "lane": lane[:200],
            "started_at": started_at,
            "seen_at": timezone.now(),
        },  # fmt: skip
    )
    return beat


def forget_dead_predecessors(*, host: str, own_pid: int) -> int:
    """Rows of workers on this machine whose process is gone: a restarted worker replaces
    them, so they are not reported as dead ever after."""
    gone = []
    for beat in WorkerHeartbeat.objects.filter(host=host).exclude(pid=own_pid):
        try:
            os.kill(beat.pid, 0)
        except ProcessLookupError:
            gone.append(beat.pk)
        except PermissionError:
            pass  # a live process of another user: not ours to judge
    return WorkerHeartbeat.objects.filter(pk__in=gone).delete()[0]


def forget_dead_workers(now: datetime | None = None) -> int:
    """Drop the rows of workers that stopped reporting (after an operator has seen them)."""
    stale_after = timedelta(seconds=_seconds("MASTHEAD_HEALTH_WORKER_STALE", 120))
    cutoff = (now or timezone.now()) - stale_after
    return WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()[0]


def forget_heartbeat(worker_id: str) -> None:
    try:
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
    except DatabaseError:
        pass  # shutting down with the database gone: the row goes stale, as after a kill


def new_worker_id() -> str:
    """host:pid:random, the id a worker's heartbeat and the tasks it claims carry."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def beat_once(*, worker_id: str, lane: str, started: datetime, first: bool = False) -> None:
    """Record the heartbeat; on the first, forget dead predecessors on this machine. Then
    let every app repair what dead workers left running (core/lanes.py reconcilers)."""
    from .lanes import run_reconcilers

    host = socket.gethostname()
    record_heartbeat(worker_id=worker_id, pid=os.getpid(), host=host, lane=lane,
                     started_at=started)  # fmt: skip
    if first:
        forget_dead_predecessors(host=host, own_pid=os.getpid())
    run_reconcilers()


def heartbeat_loop(*, worker_id: str, lane: str, stop: threading.Event, started: datetime) -> None:
    from .housekeeping import delete_due_files

    housekeeping_every = _seconds("MASTHEAD_HOUSEKEEPING_INTERVAL", 3600)
    last_housekeeping = 0.0
    while not stop.wait(_seconds("MASTHEAD_HEARTBEAT_INTERVAL", 30)):
        try:
            beat_once(worker_id=worker_id, lane=lane, started=started)
            now = timezone.now().timestamp()
            if now - last_housekeeping >= housekeeping_every:
                last_housekeeping = now
                delete_due_files()
        except Exception:
            logger.exception("Could not record the worker's heartbeat; trying again")
        finally:
            close_old_connections()


def start_heartbeat(*, worker_id: str, lane: str | None = "*", keep_beating: bool = True):
    """Record this worker's first heartbeat now (before it takes any task, so the tasks it
    claims are never taken for a dead worker's), then, unless `keep_beating` is off (a
    `--batch` run), keep it fresh in a thread that also runs the reconcilers and deletes
    media files whose grace period has passed. Returns the function that stops it and
    removes the row (also called at exit)."""
    lane, started = str(lane or "*"), timezone.now()
    try:
        beat_once(worker_id=worker_id, lane=lane, started=started, first=True)
    except Exception:
        logger.exception("Could not record the worker's first heartbeat; trying again")
    finally:
        close_old_connections()
    event = threading.Event()
    thread = threading.Thread(
        target=heartbeat_loop,
        kwargs={"worker_id": worker_id, "lane": lane, "stop": event, "started": started},
        name="masthead-heartbeat",
        daemon=True,
    )
    if keep_beating:
        thread.start()

    def stop() -> None:
        if event.is_set():
            return
        event.set()
        if thread.is_alive():
            thread.join(timeout=5)
        forget_heartbeat(worker_id)

    atexit.register(stop)
    return stop


# --- checks ---


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check("database", False, "the database does not answer", str(error))
    return Check("database", True, "answers", connection.vendor)


def _local_paths() -> list[Path]:
    paths = [Path(settings.VAR_DIR)]
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("FileSystemStorage"):
        paths.append(Path(settings.MEDIA_ROOT))
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        paths.append(Path(db["NAME"]).parent)
    return paths


def check_disk() -> Check:
    minimum = int(getattr(settings, "MASTHEAD_HEALTH_MIN_FREE_MB", 1024))
    lowest: tuple[int, Path] | None = None
    for path in _local_paths():
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        if existing is None:
            continue
        free = shutil.disk_usage(existing).free // (1024 * 1024)
        if lowest is None or free < lowest[0]:
            lowest = (free, path)
    if lowest is None:
        return Check("disk", True, "no local folders to watch")
    free, path = lowest
    if free < minimum:
        return Check(
            "disk", False, f"low disk space: {free} MB free, below {minimum} MB",
            f"{free} MB free where {path} lives (MASTHEAD_HEALTH_MIN_FREE_MB={minimum})",
        )  # fmt: skip
    return Check("disk", True, f"{free} MB free", f"{free} MB free at {path} (lowest)")


def check_workers(now: datetime | None = None) -> Check:
    now = now or timezone.now()
    stale_after = timedelta(seconds=_seconds("MASTHEAD_HEALTH_WORKER_STALE", 120))
    beats = list(WorkerHeartbeat.objects.all())
    alive = [b for b in beats if now - b.seen_at <= stale_after]
    dead = [b for b in beats if now - b.seen_at > stale_after]
    lines = [
        f"{'dead' if b in dead else 'alive'}: {b.worker_id} (pid {b.pid} on {b.host}, "
        f"lanes {b.lane}) last seen {(now - b.seen_at).total_seconds():.0f} s ago"
        for b in beats
    ]
    detail = "\n".join(lines)
    if dead:
        return Check(
            "workers", False,
            f"{len(dead)} worker(s) stopped reporting ({len(alive)} alive)", detail,
        )  # fmt: skip
    if not alive and getattr(settings, "MASTHEAD_HEALTH_REQUIRE_WORKER", True):
        return Check(
            "workers", False, "no worker is running",
            "No worker has reported: start `masthead worker` (narration, webhooks, image "
            "sizes and scheduled publishing wait for one).",
        )  # fmt: skip
    return Check("workers", True, f"{len(alive)} alive", detail)


def _database_queue() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return type(backend).__module__.startswith("django_tasks_db")


def check_queue(now: datetime | None = None) -> Check:
    """The oldest task waiting to run, and tasks running for too long (database queue)."""
    if not _database_queue():
        return Check("queue", True, "not the database queue (RQ: see `rq info`)")
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    max_wait = _seconds("MASTHEAD_HEALTH_QUEUE_MAX_WAIT", 900)
    max_run = _seconds("MASTHEAD_HEALTH_TASK_MAX_RUNTIME", 3600)
    never = get_date_max()
    waiting = DBTaskResult.objects.ready()
    oldest_wait = 0.0
    oldest_task = ""
    for enqueued_at, run_after, path in waiting.order_by("enqueued_at").values_list(
        "enqueued_at", "run_after", "task_path"
    )[:100]:
        due = enqueued_at if run_after == never else max(enqueued_at, run_after)
        wait = (now - due).total_seconds()
        if wait > oldest_wait:
            oldest_wait, oldest_task = wait, path.rsplit(".", 1)[-1]
    stuck = list(
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - timedelta(seconds=max_run))
        .values_list("task_path", "started_at")
    )
    count = waiting.count()
    summary = f"{count} waiting, oldest {oldest_wait:.0f} s"
    detail = summary + (f" ({oldest_task})" if oldest_task else "")
    problems = []
    if oldest_wait > max_wait:
        problems.append(f"a task has waited {oldest_wait:.0f} s to run (> {max_wait:.0f} s)")
    if stuck:
        problems.append(f"{len(stuck)} task(s) running for more than {max_run:.0f} s")
        detail += "".join(
            f"\nrunning since {started:%Y-%m-%d %H:%M:%S}: {path}" for path, started in stuck
        )
    if problems:
        return Check("queue", False, "; ".join(problems), detail)
    return Check("queue", True, summary, detail)


def run_checks(*, scope: str = "all") -> list[Check]:
    """`scope="web"`: only what this web server needs (database, disk), for a load
    balancer's probe; "all" adds the workers and the queue, for monitoring."""
    checks = [check_database()]
    checks.append(check_disk())
    if scope == "web" or not checks[0].ok:
        return checks
    return [*checks, check_workers(), check_queue()]
