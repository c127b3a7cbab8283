"""`masthead manage narrate [--all | --missing | PAGE_ID ...]`: narrate now, in this process."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from masthead.core.lanes import ARCHIVE_PRIORITY, FRESH_PRIORITY
from masthead.narration.models import Narration
from masthead.narration.services import narration_generate, narration_request
from masthead.news.models import ArticlePage


class Command(BaseCommand):
    help = (
        "Generate narrations now, with a progress bar (the worker does the same in the "
        "background). --missing: published articles without ready audio; --all: every "
        "published article; or give page ids."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("page_ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", help="every published article")
        parser.add_argument("--missing", action="store_true", help="articles without audio")

    def handle(self, *args, page_ids: list[int], **options) -> None:
        articles = ArticlePage.objects.live().filter(narrate=True).order_by("pk")
        if page_ids:
            articles = articles.filter(pk__in=page_ids)
            unknown = set(page_ids) - set(articles.values_list("pk", flat=True))
            if unknown:
                raise CommandError(f"Not published articles with narration on: {sorted(unknown)}")
        elif options["missing"]:
            ready = Narration.objects.filter(status=Narration.Status.READY)
            articles = articles.exclude(pk__in=ready.values("article_id"))
        elif not options["all"]:
            raise CommandError("Say which articles: --all, --missing, or page ids.")
        # Named articles are fresh work; --all and --missing re-narrate the archive. The
        # priority matters if this run stops and a worker takes over (services.py).
        priority = FRESH_PRIORITY if page_ids else ARCHIVE_PRIORITY
        ids = list(articles.values_list("pk", flat=True))
        self.stdout.write(f"Narrating {len(ids)} article(s).")
        failures = skipped = 0
        started = time.monotonic()
        for done, article_id in enumerate(ids, 1):
            narration_request(article_id=article_id, force=True, enqueue=False, priority=priority)
            try:
                narration = narration_generate(article_id=article_id)
            except Exception as error:  # recorded on the narration; keep going
                failures += 1
                self.stderr.write(f"\n  {article_id}: failed: {error}")
            else:
                if narration is None:
                    skipped += 1
                    self.stderr.write(f"\n  {article_id}: skipped: another run took it over")
            self.progress(done, len(ids), started)
        self.stdout.write("")
        summary = f"Done: {len(ids) - failures - skipped} narrated, {failures} failed."
        if skipped:
            summary += f" {skipped} left to the worker."
        self.stdout.write(
            self.style.SUCCESS(summary) if not failures else self.style.WARNING(summary)
        )
        if failures:
            sys.exit(1)

    def progress(self, done: int, total: int, started: float) -> None:
        width = 30
        filled = int(width * done / total)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} · {elapsed:.0f} s",
            ending="",
        )
        self.stdout.flush()
