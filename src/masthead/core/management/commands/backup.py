from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the newsroom into one .tar: the database (SQLite's online backup API, or "
        "pg_dump on PostgreSQL), the media files and the dev secret key, with a manifest of "
        "versions, row counts and checksums. Safe while the site and the workers run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the archive to write, e.g. backups/2026-12-03.tar")

    def handle(self, *args, path: str, **options) -> None:
        self.stdout.write(f"Backing up to {path} ...")
        try:
            manifest = backup_create(target=Path(path), progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        media = manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written in {manifest['seconds']:.1f} s: "
                f"{manifest['database']['rows']} rows, {media['files']} media files."
            )
        )
        if media["missing"]:
            self.stderr.write(
                f"{len(media['missing'])} file(s) the database names were already missing "
                f"from the media folder, e.g. {media['missing'][0]} (listed in the manifest)."
            )
