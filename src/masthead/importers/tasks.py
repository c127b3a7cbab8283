"""Imports as background work, on the slow lane at archive priority (core/lanes.py).

`run_import_task(run_id)` runs the ImportRun `run_id` (a rehearsal or an import, as the
admin's Import screen queued it) from the file it names. Safe to run twice: a run that is
no longer queued (finished, failed, or taken by another worker) is left alone; a run
handed back by a stopping worker is queued again and goes on where it was (imports are
idempotent).
"""

from __future__ import annotations

import logging

from django_tasks import task

from masthead.core.lanes import SLOW_LANE

logger = logging.getLogger("masthead.importers")


# Options one importer alone takes, kept in ImportRun.options beside ImportOptions' own.
SOURCE_OPTIONS = {"members_public"}


def make_source(kind: str, path: str, options, extra: dict | None = None):
    extra = extra or {}
    if kind == "ghost":
        from .ghost import GhostSource

        return GhostSource(path, members_posts="public" if extra.get("members_public") else "draft")
    if kind == "wordpress":
        from .wordpress import WordPressSource

        return WordPressSource(path, recover=options.recover)
    raise ValueError(f"No importer for {kind!r}")


@task(queue_name=SLOW_LANE)
def run_import_task(run_id: int) -> str:
    from .models import ImportRun
    from .records import ImportFileError
    from .report import ImportOptions
    from .services import run_import

    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).first()
    if run is None:
        return "skipped (not queued)"
    options = ImportOptions.from_dict(run.options)
    try:
        source = make_source(run.kind, run.upload_path, options, run.options)
        run_import(source, options=options, run=run)
    except ImportFileError as error:
        return f"failed: {error}"  # said on the run's page; nothing was written
    except ValueError as error:  # no such section, no home page: said on the run's page
        logger.warning("Import run %s stopped: %s", run_id, error)
        return f"failed: {error}"
    return "finished"
