"""The management command every importer shares: `import_wordpress` and `import_ghost`
are this class with a `kind` and a `make_source`.

    class Command(ImportCommand):
        kind = "ghost"
        help = "Import a Ghost JSON export."

        def make_source(self, path, options):
            return GhostSource(path)

Options shared by both (docs/commands.md): --dry-run, --section SLUG, --media-dir DIR,
--fetch-media, --publish / --as-drafts, --no-narration / --narrate, --categories-as,
--include-pages, --featured-as-picks. `add_source_arguments(parser)` adds an importer's
own (WordPress: --recover). Every run is logged as an ImportRun; the terminal shows a
progress bar and, at the end, the summary with the source id of every warning.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .records import ImportFileError, ImportSource
from .report import ImportOptions, ImportReport
from .services import import_run_create, run_import


class ProgressBar:
    def __init__(self, stream, *, width: int = 30):
        self.stream, self.width = stream, width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < (0.2 if self.tty else 10):
            return
        self.last = now
        total = max(total, done, 1)
        filled = round(self.width * done / total)
        rate = done / max(now - self.started, 1e-6)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} posts, {rate:.0f}/s"
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        if self.tty and done >= total:
            self.stream.write("\n")
        self.stream.flush()


class ImportCommand(BaseCommand):
    kind = ""

    def make_source(self, path: Path, options: dict) -> ImportSource:
        raise NotImplementedError

    def add_source_arguments(self, parser) -> None:
        """An importer's own options."""

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The export file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what the import would do; write nothing."
        )
        parser.add_argument(
            "--section",
            default="",
            metavar="SLUG",
            help="Default section (posts without a category, or all posts "
            "with --categories-as topics).",
        )
        parser.add_argument(
            "--media-dir",
            default="",
            metavar="DIR",
            help="Images from an unpacked export or wp-content/uploads.",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="Download images by URL (public hosts only). Off by default.",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--publish",
            dest="as_drafts",
            action="store_false",
            help="Published posts go live, scheduled ones at their time (the default).",
        )
        group.add_argument(
            "--as-drafts",
            dest="as_drafts",
            action="store_true",
            help="Import everything as drafts.",
        )
        narration = parser.add_mutually_exclusive_group()
        narration.add_argument(
            "--no-narration",
            dest="narrate",
            action="store_false",
            help="Narrate imported articles only on request (the default).",
        )
        narration.add_argument(
            "--narrate",
            dest="narrate",
            action="store_true",
            help="Queue narrations of the imported live articles, after "
            "every fresh narration (archive priority).",
        )
        parser.add_argument(
            "--categories-as",
            choices=["sections", "topics"],
            default="sections",
            help="Categories become sections (default) or topics.",
        )
        parser.add_argument(
            "--include-pages",
            action="store_true",
            help="Import the source's pages as articles too.",
        )
        parser.add_argument(
            "--featured-as-picks",
            action="store_true",
            help="Sticky/featured posts join Editors' Picks.",
        )
        parser.set_defaults(as_drafts=False, narrate=False)
        self.add_source_arguments(parser)

    def import_options(self, options: dict) -> ImportOptions:
        return ImportOptions(
            section_slug=options["section"],
            media_dir=options["media_dir"],
            fetch_media=options["fetch_media"],
            as_drafts=options["as_drafts"],
            narrate=options["narrate"],
            categories_as=options["categories_as"],
            include_pages=options["include_pages"],
            featured_as_picks=options["featured_as_picks"],
            dry_run=options["dry_run"],
            recover=options.get("recover", False),
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if options["media_dir"] and not Path(options["media_dir"]).is_dir():
            raise CommandError(f"No such folder: {options['media_dir']}")
        import_options = self.import_options(options)
        run = import_run_create(
            kind=self.kind,
            file_name=path.name,
            options=import_options,
            upload_path=str(path.resolve()),
        )
        source = self.make_source(path, options)
        try:
            report = run_import(
                source, options=import_options, run=run, progress=ProgressBar(self.stderr)
            )
        except ImportFileError as error:
            raise CommandError(f"{path.name}: {error}. Nothing was imported.") from error
        except ValueError as error:  # a missing --section, no home page
            raise CommandError(str(error)) from error
        self.summary(report, dry_run=import_options.dry_run, run_id=run.pk)

    def summary(self, report: ImportReport, *, dry_run: bool, run_id: int) -> None:
        title = "Dry run: nothing was written. The import would do:" if dry_run else "Imported:"
        self.stdout.write(self.style.SUCCESS(title))
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(f"(import run {run_id})")
