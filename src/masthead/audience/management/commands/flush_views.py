"""`flush_views`: move view counts buffered in Redis to the database."""

import time

from django.core.management.base import BaseCommand

from masthead.audience import buffer
from masthead.audience.services import flush_buffered_views


class Command(BaseCommand):
    help = (
        "Move view counts buffered in Redis to the database (nothing to do without Redis). "
        "--every N keeps flushing every N seconds until stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS")

    def handle(self, *args, every: int = 0, **options) -> None:
        if buffer.client() is None:
            self.stdout.write("No Redis configured: views are written straight to the database.")
            return
        while True:
            moved = flush_buffered_views()
            if options["verbosity"] > 0:
                self.stdout.write(f"Flushed {moved} view(s) to the database.")
            if every <= 0:
                return
            time.sleep(every)
