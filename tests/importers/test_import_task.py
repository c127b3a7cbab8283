"""The import as background work: queued from a stored upload, progress into the run."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from masthead.importers.models import ImportRun
from masthead.importers.report import ImportOptions
from masthead.importers.services import import_run_queue
from masthead.importers.tasks import run_import_task
from masthead.news.models import ArticlePage

from .conftest import NEWSROOM

pytestmark = pytest.mark.django_db


def test_a_queued_import_runs_from_the_stored_upload_and_reports_into_its_run(
    section, django_capture_on_commit_callbacks
):
    name = default_storage.save("imports/export.xml", ContentFile(NEWSROOM.read_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_queue(
            kind="wordpress",
            file_name="export.xml",
            upload_path=name,
            options=ImportOptions(as_drafts=True),
        )
    run.refresh_from_db()
    assert run.status == "finished"
    assert (run.progress_done, run.progress_total, run.percent) == (7, 7, 100)
    assert run.counts["articles_created"] == 6
    assert any(w["source_id"] == "12" for w in run.report["warnings"])
    assert ArticlePage.objects.count() == 6 and not ArticlePage.objects.live().exists()
    # Safe to run twice: a finished run is not taken again.
    assert run_import_task.call(run.pk).startswith("skipped")


def test_a_queued_file_that_is_not_an_export_fails_its_run_with_the_reason(
    section, django_capture_on_commit_callbacks
):
    name = default_storage.save("imports/notes.xml", ContentFile(b"<notes><n>1</n></notes>"))
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_queue(
            kind="wordpress", file_name="notes.xml", upload_path=name, options=ImportOptions()
        )
    run = ImportRun.objects.get(pk=run.pk)
    assert run.status == "failed" and "root element is <notes>" in run.error
