"""`masthead worker`: background tasks plus scheduled publishing, in one process.

The tasks come from the configured backend: the database queue (django-tasks-db's
`db_worker`, the default) or RQ on Redis (`MASTHEAD_TASK_BACKEND=rq` in production), run
by an RQ worker with RQ's scheduler, which enqueues deferred tasks (retries) when due.
Either way a thread publishes scheduled pages every MASTHEAD_SCHEDULED_PUBLISH_INTERVAL s.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from masthead.core.health import start_heartbeat

logger = logging.getLogger("masthead.worker")


def publish_due_pages() -> None:
    """Publish pages whose scheduled time has come (Wagtail's publish_scheduled)."""
    try:
        call_command("publish_scheduled", verbosity=0)
    except Exception:
        logger.exception("Scheduled publishing failed; retrying at the next interval")
    finally:
        close_old_connections()


def publish_loop(interval: int, stop: threading.Event) -> None:
    while not stop.wait(interval):
        publish_due_pages()


def rq_backend():
    """The default task backend when it is RQ (django-tasks-rq), else None."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if type(backend).__module__.startswith("django_tasks_rq"):
        return backend
    return None


def rq_queue_names(backend) -> list[str]:
    """The backend's queues in the order they are configured: an RQ worker empties the
    first queue before it takes a job from the next."""
    configured = settings.TASKS[backend.alias].get("QUEUES") or sorted(backend.queues)
    return list(dict.fromkeys(configured))


class Command(DbWorkerCommand):
    help = (
        "Run background tasks (database queue, or RQ when that is the task backend) and "
        "publish scheduled pages every MASTHEAD_SCHEDULED_PUBLISH_INTERVAL seconds."
    )

    def add_arguments(self, parser) -> None:
        if rq_backend() is None:
            super().add_arguments(parser)
            parser.set_defaults(queue_name="*")
            return
        parser.add_argument(
            "--batch", action="store_true", help="run the queued tasks, then exit (RQ burst mode)"
        )
        parser.add_argument(
            "--queue-name",
            default="*",
            help="queues to work on, comma-separated, in order (default: all)",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="exit after this many tasks"
        )
        parser.add_argument("--worker-id", default=None, help="the RQ worker's name")
        parser.add_argument(
            "--worker-class",
            default=None,
            help="RQ worker class (default: settings.RQ['WORKER_CLASS'] or rq.Worker, which "
            "runs each task in a forked process)",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="accepted for compatibility with the database worker",
        )

    def handle(self, *args, **options) -> None:
        start_heartbeat(lane=options.get("queue_name"), enabled=not options.get("batch"))
        publish_due_pages()
        stop = threading.Event()
        if not options["batch"]:
            interval = settings.MASTHEAD_SCHEDULED_PUBLISH_INTERVAL
            threading.Thread(target=publish_loop, args=(interval, stop), daemon=True).start()
        started = time.monotonic()
        try:
            backend = rq_backend()
            if backend is None:
                super().handle(*args, **options)
            else:
                self.run_rq_worker(backend, options)
        finally:
            stop.set()
            logger.info("Worker stopped after %.0f s", time.monotonic() - started)

    def run_rq_worker(self, backend, options: dict) -> None:
        import django_rq
        from django_rq.utils import reset_db_connections
        from rq.logutils import setup_loghandlers

        names = rq_queue_names(backend)
        if options["queue_name"] != "*":
            names = [n.strip() for n in options["queue_name"].split(",") if n.strip()]
        level = {0: "WARNING", 1: "INFO"}.get(options["verbosity"], "DEBUG")
        setup_loghandlers(level)
        worker = django_rq.get_worker(
            *names,
            job_class="django_tasks_rq.Job",
            worker_class=options["worker_class"],
            name=options["worker_id"],
        )
        # A forked work horse must not share the parent's database connections.
        reset_db_connections()
        worker.work(
            burst=options["batch"],
            with_scheduler=True,
            logging_level=level,
            max_jobs=options["max_tasks"],
        )
