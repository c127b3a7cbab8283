"""The demo newsroom, loaded once per test module (loading draws ~150 pictures).

It is loaded in a transaction of its own, rolled back after the module's tests (each of
which runs in a savepoint inside it). Tasks go to the dummy backend, so the narration
requests the loader makes are recorded in order and nothing is synthesised.
"""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django_tasks import default_task_backend

PASSWORD = "calder-demo-password"


@dataclass
class LoadedDemo:
    media_root: Path
    output: str
    narration_requests: list[int]  # article ids, in the order the tasks were enqueued


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("demo-media")
    dummy = {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
             "QUEUES": django_settings.TASK_QUEUES}  # fmt: skip
    with (
        override_settings(
            MEDIA_ROOT=media_root, MASTHEAD_NARRATION_ENABLED=True, TASKS={"default": dummy}
        ),  # fmt: skip
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        patch.setenv("MASTHEAD_DEMO_PASSWORD", PASSWORD)
        default_task_backend.clear()
        # Publishing requests narrations after the commit: run those callbacks here.
        with TestCase.captureOnCommitCallbacks(execute=True):
            output = load()
        requests = [
            r.args[0] for r in default_task_backend.results
            if r.task.name == "generate_narration"
        ]  # fmt: skip
        yield LoadedDemo(media_root=media_root, output=output, narration_requests=requests)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_media(request, settings):
    # The demo's pictures live in its own media folder (conftest gives each test an empty one).
    if "demo" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("demo").media_root
