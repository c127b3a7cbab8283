"""The import as background work, on the slow lane (core/lanes.py), at archive priority.

`run_import_task(run_id)` takes the ImportRun's primary key; the run says which file
(`upload_path`: a local path, or a name in default_storage, copied to a local temporary
file first since the parser streams from disk), which importer and which options. It
is safe to run twice: only a queued run is taken. A run left running by a worker that
died (no heartbeat for MASTHEAD_IMPORT_LEASE seconds) is queued again by
`import_reconcile`, which every worker runs; the import then goes on where it was
(imports are idempotent).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from masthead.core.lanes import SLOW_LANE

from .models import ImportRun
from .records import ImportFileError, ImportSource
from .report import ImportOptions

logger = logging.getLogger("masthead.importers")
# kind → "module.path.factory", a callable (path, options: ImportOptions) -> ImportSource.
SOURCE_FACTORIES = {
    "wordpress": "masthead.importers.wordpress.source_for",
    "ghost": "masthead.importers.ghost.source_for",
}


def make_source(kind: str, path: Path, options: ImportOptions) -> ImportSource:
    if kind not in SOURCE_FACTORIES:
        raise ImportFileError(f"There is no importer for “{kind}” exports.")
    return import_string(SOURCE_FACTORIES[kind])(path, options)


def lease_seconds() -> float:
    return float(getattr(settings, "MASTHEAD_IMPORT_LEASE", 600))


@contextmanager
def local_copy(upload_path: str):
    path = Path(upload_path)
    if path.is_absolute() and path.is_file():
        yield path
        return
    from django.core.files.storage import default_storage

    suffix = Path(upload_path).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with default_storage.open(upload_path, "rb") as stored:
            shutil.copyfileobj(stored, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)


@task(queue_name=SLOW_LANE)
def run_import_task(run_id: int) -> str:
    from .services import Status, import_run_transition, run_import

    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != Status.QUEUED:
            return f"skipped ({run.status if run else 'no such run'})"
    options = ImportOptions.from_dict(run.options)
    try:
        with local_copy(run.upload_path) as path:
            run_import(make_source(run.kind, path, options), options=options, run=run)
    except ImportFileError as error:
        if run.status == Status.QUEUED:  # refused before it started: say why on the run
            import_run_transition(run, Status.FAILED, error=str(error), finished_at=timezone.now())
        return "refused"
    except OSError as error:
        run.refresh_from_db()
        if run.status == Status.QUEUED:
            import_run_transition(
                run,
                Status.FAILED,
                finished_at=timezone.now(),
                error=f"The uploaded file cannot be read: {error}",
            )
        return "failed"
    return run.status


def import_reconcile() -> int:
    """Queue again the runs a stopped worker left running; returns how many."""
    from .services import Status, enqueue_import, import_run_transition

    cutoff = timezone.now() - timedelta(seconds=lease_seconds())
    repaired = 0
    for run_id in list(
        ImportRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:20]
    ):
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
            if run is None or run.status != Status.RUNNING or run.heartbeat_at >= cutoff:
                continue
            import_run_transition(run, Status.QUEUED)
            transaction.on_commit(lambda pk=run.pk: enqueue_import(pk))
            repaired += 1
        logger.warning(
            "Import run %s was left running by a worker that stopped: queued "
            "again (it goes on where it was)",
            run_id,
        )
    return repaired
