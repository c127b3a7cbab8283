"""Writes: create an import run, move it through its statuses, and run an import.

Every status change of an ImportRun goes through `import_run_transition` and its
TRANSITIONS table (the shape of narration/services.py). `run_import` is what the
management commands and the background task call: it checks the file (nothing is
written if it is not a valid export), then writes authors, terms and posts through one
ImportWriter, reporting progress into the run, with the publish side effects held back
(quiet.py). A dry run does the same inside a transaction that is rolled back at the
end (and stores no image file), so its report says exactly what a real run would do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone

from .batches import POSTS_PER_COMMIT, batch, indexing_per_batch
from .models import ImportRun
from .quiet import publishing_quietly
from .records import ImportFileError, ImportSource
from .report import ImportOptions, ImportReport
from .writer import ImportWriter

logger = logging.getLogger("masthead.importers")
Status = ImportRun.Status
TRANSITIONS = {
    Status.QUEUED: {Status.RUNNING, Status.FAILED},
    # → QUEUED: handed back when its worker stops (run again, it goes on where it was).
    Status.RUNNING: {Status.FINISHED, Status.FAILED, Status.QUEUED},
    Status.FINISHED: {Status.QUEUED},  # run again (an import is idempotent)
    Status.FAILED: {Status.QUEUED},
}
PROGRESS_EVERY = 25  # posts between progress writes to the run's row
Progress = Callable[[int, int], None]


class InvalidTransition(Exception):
    pass


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll everything back."""


def import_run_transition(run: ImportRun, status: str, **fields) -> None:
    if status not in TRANSITIONS[run.status]:
        raise InvalidTransition(f"{run.status} → {status}")
    run.status = status
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=["status", *fields])


def import_run_create(
    *, kind: str, file_name: str, options: ImportOptions, user=None, upload_path: str = ""
) -> ImportRun:
    return ImportRun.objects.create(
        kind=kind,
        file_name=file_name[:255],
        upload_path=upload_path,
        options=options.as_dict(),
        dry_run=options.dry_run,
        user=user,
    )


def import_run_queue(
    *, kind: str, file_name: str, upload_path: str, options: ImportOptions, user=None
) -> ImportRun:
    """A run for the background task (the admin's Import screen): the file is kept at
    `upload_path` (a local path, or a name in default_storage); the task is queued on
    the slow lane once the transaction commits."""
    run = import_run_create(
        kind=kind, file_name=file_name, options=options, user=user, upload_path=upload_path
    )
    transaction.on_commit(partial(enqueue_import, run.pk))
    return run


def enqueue_import(run_id: int) -> None:
    from .tasks import run_import_task

    task = run_import_task
    if task.get_backend().supports_priority:
        from masthead.core.lanes import ARCHIVE_PRIORITY

        task = task.using(priority=ARCHIVE_PRIORITY)
    task.enqueue(run_id)


def _save_progress(run: ImportRun | None, done: int, total: int, report: ImportReport) -> None:
    if run is None:
        return
    run.progress_done, run.progress_total = done, total
    run.counts, run.heartbeat_at = dict(report.counts), timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        progress_done=done, progress_total=total, counts=run.counts, heartbeat_at=run.heartbeat_at
    )


def run_import(
    source: ImportSource,
    *,
    options: ImportOptions,
    run: ImportRun | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check `source`, then import it; returns the report (also stored on `run`).
    Raises ImportFileError (nothing written; the run marked failed) for a bad file."""
    report = ImportReport()
    if run is not None:
        now = timezone.now()
        import_run_transition(run, Status.RUNNING, started_at=now, heartbeat_at=now, error="")
    try:
        source.check()
        total = source.count_posts()
        _save_progress(run, 0, total, report)
        with publishing_quietly(), indexing_per_batch():
            if options.dry_run:
                try:
                    with transaction.atomic():
                        _write(source, options, report, run, total, progress)
                        raise DryRunRollback
                except DryRunRollback:
                    pass
            else:
                _write(source, options, report, run, total, progress)
    except ImportFileError as error:
        _fail(run, report, str(error))
        raise
    except BaseException as error:
        from masthead.core.lanes import WorkerStopping

        if isinstance(error, WorkerStopping) and run is not None:
            import_run_transition(run, Status.QUEUED, report=report.as_dict())
        else:
            _fail(run, report, f"{type(error).__name__}: {error}")
        raise
    if run is not None:
        import_run_transition(
            run,
            Status.FINISHED,
            finished_at=timezone.now(),
            counts=dict(report.counts),
            report=report.as_dict(),
        )
    return report


def _write(source, options, report, run, total, progress) -> None:
    writer = ImportWriter(
        source=source.kind, options=options, report=report, site_url=getattr(source, "site_url", "")
    )
    writer.default_section()  # a missing --section is said before any post is written
    with batch():  # authors and terms: one commit, each its own savepoint
        for author in source.authors():
            writer.author(author)
        for term in source.terms():
            writer.term(term)
    done = 0
    posts = iter(source.posts())
    while True:
        with batch():  # one commit per POSTS_PER_COMMIT posts, a savepoint per post
            for post in posts:
                writer.post(post)
                done += 1
                if progress is not None:
                    progress(done, total)
                if done % PROGRESS_EVERY == 0:
                    _save_progress(run, done, total, report)
                if done % POSTS_PER_COMMIT == 0:
                    break
            else:
                posts = None
        if posts is None:
            break
    with batch():
        writer.finish()
    _save_progress(run, done, max(total, done), report)


def _fail(run: ImportRun | None, report: ImportReport, message: str) -> None:
    if run is None:
        return
    run.refresh_from_db(fields=["status"])
    if Status.FAILED in TRANSITIONS[run.status]:
        import_run_transition(
            run,
            Status.FAILED,
            finished_at=timezone.now(),
            error=message,
            counts=dict(report.counts),
            report=report.as_dict(),
        )
