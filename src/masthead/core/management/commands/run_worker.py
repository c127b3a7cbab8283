"""`masthead worker`: background tasks plus scheduled publishing, in one process."""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

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


class Command(DbWorkerCommand):
    help = (
        "Run background tasks (database queue) and publish scheduled pages every "
        "MASTHEAD_SCHEDULED_PUBLISH_INTERVAL seconds."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")

    def handle(self, *args, **options) -> None:
        publish_due_pages()
        stop = threading.Event()
        if not options["batch"]:
            interval = settings.MASTHEAD_SCHEDULED_PUBLISH_INTERVAL
            threading.Thread(target=publish_loop, args=(interval, stop), daemon=True).start()
        started = time.monotonic()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            logger.info("Worker stopped after %.0f s", time.monotonic() - started)
