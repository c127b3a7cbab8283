"""Uploading an image that is already in the library, then choosing "Use existing and
delete new": every background task the two uploads queued finishes, none fails."""

import signal

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from wagtail.images import get_image_model

from masthead.news.object_tasks import GONE
from tests.conftest import make_image_file

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "slow"]}}  # fmt: skip
    settings.MASTHEAD_PREPARE_RENDITIONS = True


@pytest.fixture(autouse=True)
def _restore_signal_handlers():
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def upload(client, content: bytes):
    file = SimpleUploadedFile("harbour.jpg", content, "image/jpeg")
    response = client.post("/admin/images/multiple/add/", {"files[]": file})
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_use_existing_and_delete_new_leaves_no_failed_task(client, db):
    reporter = User.objects.create_user("reporter", "r@example.org", "pw")
    reporter.groups.add(Group.objects.get(name="Reporter"))
    client.force_login(reporter)
    content = make_image_file("harbour.jpg").file.getvalue()
    first = upload(client, content)
    second = upload(client, content)
    assert second.get("duplicate"), second
    response = client.post(f"/admin/images/multiple/{second['image_id']}/delete/")
    assert response.status_code == 200
    assert list(get_image_model().objects.values_list("pk", flat=True)) == [first["image_id"]]

    call_command("run_worker", "--batch", "--no-startup-delay", "--queue-name", "default",
                 verbosity=0)  # fmt: skip

    results = list(DBTaskResult.objects.values_list("task_path", "status"))
    assert results, "the uploads queued background work"
    assert [r for r in results if r[1] != "SUCCESSFUL"] == []
    gone = DBTaskResult.objects.filter(return_value=GONE)
    assert {r.task_path.rsplit(".", 1)[1] for r in gone} == {
        "update_search_index",
        "update_reference_index",
    }
