"""`prune_views`: delete daily view counts older than the retention period."""

from django.core.management.base import BaseCommand, CommandError

from masthead.audience import conf
from masthead.audience.services import prune_views


class Command(BaseCommand):
    help = "Delete daily view counts older than MASTHEAD_AUDIENCE_RETENTION_DAYS (default 400)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Keep this many days instead of the setting."
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        days = conf.retention_days() if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = prune_views(days=days)
        self.stdout.write(f"Deleted {deleted} daily row(s) older than {days} days.")
