from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.core.backup import BackupError
from masthead.core.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty var dir (MASTHEAD_VAR_DIR) and "
        "database: checks every file's checksum, migrates, pauses webhook deliveries and "
        "empties the task queue."
    )
    # The database may not exist yet: nothing may touch it before the restore.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the .tar written by `masthead manage backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database and media folder that are there already",
        )
        parser.add_argument(
            "--keep-queue",
            action="store_true",
            help="keep the tasks that were waiting or running when the backup was taken",
        )

    def handle(self, *args, path: str, force: bool, keep_queue: bool, **options) -> None:
        self.stdout.write(f"Restoring {path} ...")
        try:
            result = backup_restore(
                source=Path(path), force=force, keep_queue=keep_queue, progress=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        after = result["after"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {result['created_at']} "
                f"({result['database']['rows']} rows, {result['media']['files']} media files)."
            )
        )
        if not keep_queue:
            self.stdout.write(f"Dropped {after['tasks_dropped']} queued task(s).")
        self.stdout.write(
            "Webhook deliveries are PAUSED. Check the copy, then resume them with "
            "`masthead manage webhooks resume`."
        )
