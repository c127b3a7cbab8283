from django.core.management.base import BaseCommand

from masthead.core.housekeeping import delete_due_files


class Command(BaseCommand):
    help = (
        "Delete replaced media files whose grace period (MASTHEAD_MEDIA_DELETE_GRACE) has "
        "passed. Every worker also does this once an hour."
    )

    def handle(self, *args, **options) -> None:
        done = delete_due_files()
        self.stdout.write(f"Deleted {done} file(s) past their grace period.")
