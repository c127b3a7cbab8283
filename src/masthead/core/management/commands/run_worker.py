"""One worker process: background tasks of one lane (or all), plus scheduled publishing.

The tasks come from the configured backend: the database queue (django-tasks-db, run by
masthead.core.worker.LeasedWorker, the default) or RQ on Redis (`MASTHEAD_TASK_BACKEND=rq`
in production), run by an RQ worker with RQ's scheduler, which enqueues deferred tasks
(retries) when due. `masthead worker` starts one of these per lane (core/lanes.py); the
fast lane (or a worker of every lane) also publishes scheduled pages every
MASTHEAD_SCHEDULED_PUBLISH_INTERVAL s.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from masthead.core.health import new_worker_id, start_heartbeat
from masthead.core.lanes import FAST_LANE, SLOW_LANE
from masthead.core.scheduled_publishing import publish_due

logger = logging.getLogger("masthead.worker")
LANE_QUEUES = {"fast": [FAST_LANE], "slow": [SLOW_LANE], "all": [FAST_LANE, SLOW_LANE]}


def publish_due_pages() -> None:
    """Publish pages whose scheduled time has come, each once however many workers run
    this at the same moment (core/scheduled_publishing.py)."""
    try:
        publish_due()
    except Exception:
        logger.exception("Scheduled publishing failed; retrying at the next interval")
    finally:
        close_old_connections()


def publish_loop(interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        publish_due_pages()


def rq_backend():
    """The default task backend when it is RQ (django-tasks-rq), else None."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if type(backend).__module__.startswith("django_tasks_rq"):
        return backend
    return None


def slow_lane_max_tasks() -> int:
    return int(getattr(settings, "MASTHEAD_SLOW_WORKER_MAX_TASKS", 10))


class Command(BaseCommand):
    help = (
        "Run the background tasks of one lane (fast: search index, images, webhooks; slow: "
        "narration) or of all, and publish scheduled pages (fast lane and all)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--lane", choices=sorted(LANE_QUEUES), default="all",
            help="which queues: fast, slow or all (default: all, in one process)",
        )  # fmt: skip
        parser.add_argument("--batch", action="store_true", help="run the queued tasks, then exit")
        parser.add_argument(
            "--max-tasks", type=int, default=None,
            help="exit after this many tasks, to give memory back (default: "
            "MASTHEAD_SLOW_WORKER_MAX_TASKS for the slow lane, no limit otherwise)",
        )  # fmt: skip
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at an empty queue")  # fmt: skip
        parser.add_argument(
            "--queue-name", default=None,
            help="queues to work on, comma-separated, in order, instead of the lane's",
        )  # fmt: skip
        parser.add_argument("--worker-id", default=None,
                            help="this worker's id (default: host:pid:random)")  # fmt: skip
        parser.add_argument(
            "--worker-class", default=None,
            help="RQ only: the worker class (default: settings.RQ['WORKER_CLASS'] or "
            "rq.Worker, which runs each task in a forked process)",
        )  # fmt: skip
        parser.add_argument(
            "--no-startup-delay", action="store_false", dest="startup_delay",
            help="accepted for compatibility with django-tasks-db's db_worker (no delay here)",
        )  # fmt: skip

    def handle(self, *args, **options) -> None:
        lane = options["lane"]
        queues = LANE_QUEUES[lane]
        if options["queue_name"]:
            queues = [n.strip() for n in options["queue_name"].split(",") if n.strip()]
        max_tasks = options["max_tasks"]
        if max_tasks is None and lane == "slow":
            max_tasks = slow_lane_max_tasks()
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks must be 1 or more")
        worker_id = options["worker_id"] or new_worker_id()
        stop_heartbeat = start_heartbeat(worker_id=worker_id, lane=",".join(queues),
                                         keep_beating=not options["batch"])  # fmt: skip
        stop = threading.Event()
        if lane != "slow":
            publish_due_pages()
            if not options["batch"]:
                interval = settings.MASTHEAD_SCHEDULED_PUBLISH_INTERVAL
                threading.Thread(target=publish_loop, args=(interval, stop), daemon=True).start()
        started = time.monotonic()
        logger.info("Worker %s started: lane %s (queues %s)", worker_id, lane, ",".join(queues))
        try:
            backend = rq_backend()
            if backend is None:
                self.run_db_worker(worker_id, lane, queues, max_tasks, options)
            else:
                self.run_rq_worker(backend, worker_id, queues, max_tasks, options)
        finally:
            stop.set()
            stop_heartbeat()
            logger.info("Worker %s stopped after %.0f s", worker_id, time.monotonic() - started)

    def run_db_worker(self, worker_id, lane, queues, max_tasks, options) -> None:
        from masthead.core.worker import LeasedWorker

        worker = LeasedWorker(
            queue_names=queues,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
            # The slow lane's tasks take minutes: on stop they go back to the queue at
            # once; the fast lane's take seconds and are finished first.
            hand_back_on_stop=lane == "slow",
        )
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        worker.configure_signals()
        try:
            worker.run()
        finally:
            for signum, handler in saved.items():  # a caller in-process (tests) gets its own
                signal.signal(signum, handler)

    def run_rq_worker(self, backend, worker_id, queues, max_tasks, options) -> None:
        import django_rq
        from django_rq.utils import reset_db_connections
        from rq.logutils import setup_loghandlers

        level = {0: "WARNING", 1: "INFO"}.get(options["verbosity"], "DEBUG")
        setup_loghandlers(level)
        worker = django_rq.get_worker(*queues, job_class="django_tasks_rq.Job",
                                      worker_class=options["worker_class"],
                                      name=worker_id.replace(":", "-"))  # fmt: skip
        # A forked work horse must not share the parent's database connections.
        reset_db_connections()
        worker.work(burst=options["batch"], with_scheduler=True, logging_level=level,
                    max_jobs=max_tasks)  # fmt: skip
