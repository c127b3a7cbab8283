"""Two workers publishing scheduled pages at the same moment, as two real processes on the
test's own database (PostgreSQL, or a copy of the SQLite one in a file): each due page is
published once (one publish logged, one `page_published` signal, one narration queued)."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import PageLogEntry

import masthead
from masthead.news.models import ArticlePage

from .test_scheduled_publishing import move_schedule, schedule

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
RUNNER = """
import os, sys, time
import django
from django.test import override_settings
django.setup()
override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                       "QUEUES": ["default", "slow"]}},
    MASTHEAD_NARRATION_ENABLED=True,
).enable()
from wagtail.signals import page_published
from masthead.core.management.commands.run_worker import publish_due_pages
signals = []
page_published.connect(lambda sender, instance, **kw: signals.append(instance.pk), weak=False)
ready, go = sys.argv[1:3]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
publish_due_pages()
print(len(signals))
"""


class WorkerDatabase:
    """What a subprocess connects to: the test database itself on PostgreSQL; on SQLite
    (in memory, which no other process can open) a file copy, read back afterwards."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "workers.sqlite3" if connection.vendor == "sqlite" else None

    def url(self) -> str:
        if self.file is None:
            s = connection.settings_dict
            host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            return f"postgres://{s['USER']}@{host}/{s['NAME']}"
        connection.ensure_connection()
        with sqlite3.connect(self.file) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{self.file}"

    def read_back(self) -> None:
        if self.file is not None:
            with sqlite3.connect(self.file) as copy:
                copy.backup(connection.connection)


def run_two_workers_at_once(folder: Path, database_url: str) -> list[int]:
    """Two worker processes released together; the `page_published` signals each sent."""
    src = str(Path(masthead.__file__).resolve().parents[1])
    env = {**os.environ, "DATABASE_URL": database_url,
           "DJANGO_SETTINGS_MODULE": "masthead.settings.test",
           "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    go = folder / "go"
    ready = [folder / f"ready-{n}" for n in range(2)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(r), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for r in ready
    ]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        if any(w.poll() is not None for w in workers):
            break
        time.sleep(0.01)
    go.touch()
    outputs = [w.communicate(timeout=120) for w in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    return [int(out.strip().splitlines()[-1]) for out, _ in outputs]


def test_two_workers_at_once_publish_each_due_page_exactly_once(make_article, tmp_path):
    now = timezone.now()
    pages, revisions = [], []
    for n in range(3):
        page = make_article(title=f"Embargo {n} lifts", publish=False)
        revision = schedule(page, now + dt.timedelta(hours=1))
        move_schedule(revision, now - dt.timedelta(minutes=1))
        pages.append(page)
        revisions.append(revision)
    later = make_article(title="Tomorrow's embargo", publish=False)
    schedule(later, now + dt.timedelta(days=1))
    database = WorkerDatabase(tmp_path)

    signals = run_two_workers_at_once(tmp_path, database.url())
    database.read_back()

    assert sum(signals) == 3, signals
    for page, revision in zip(pages, revisions, strict=True):
        page = ArticlePage.objects.get(pk=page.pk)
        assert (page.live, page.live_revision_id) == (True, revision.pk)
        published = PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled")
        assert published.count() == 1
        assert page.revisions.count() == 1
    assert ArticlePage.objects.get(pk=later.pk).live is False
    narrations = DBTaskResult.objects.filter(task_path__endswith="generate_narration")
    assert sorted(r.args_kwargs["args"][0] for r in narrations) == sorted(p.pk for p in pages)
