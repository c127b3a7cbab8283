"""Scheduled publishing: the worker publishes articles whose time has come, and no others."""

import datetime as dt
import signal

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision

from masthead.news.models import ArticlePage

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker closes and reopens database connections between runs, as it does in
# production: that needs real transactions (autocommit), not a test wrapped in one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _database_task_queue(settings):
    # run_worker drains the database queue; the test settings run tasks immediately.
    settings.TASKS = DB_TASKS


@pytest.fixture(autouse=True)
def _restore_signal_handlers():
    # The worker installs its own SIGINT/SIGTERM handlers; put pytest's back.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def schedule(page: ArticlePage, go_live_at: dt.datetime) -> Revision:
    """Approve a revision for publication at `go_live_at`, as the admin's Publish does."""
    page.go_live_at = go_live_at
    revision = page.save_revision()
    revision.publish()
    revision.refresh_from_db()
    return revision


def move_schedule(revision: Revision, when: dt.datetime) -> None:
    """Move a scheduled publication time, as if the clock had reached it."""
    revision.content["go_live_at"] = when.isoformat()
    revision.approved_go_live_at = when
    revision.save(update_fields=["content", "approved_go_live_at"])
    ArticlePage.objects.filter(pk=revision.object_id).update(go_live_at=when)


def run_worker() -> None:
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)


def section_titles(client) -> list[str]:
    soup = BeautifulSoup(client.get("/news/").content, "html.parser")
    return [t.get_text(strip=True) for t in soup.select("main .card-title")]


def test_publishing_with_a_future_go_live_time_schedules_instead_of_publishing(
    client, make_article
):
    page = make_article(title="Budget embargo lifts", publish=False)
    revision = schedule(page, timezone.now() + dt.timedelta(hours=1))
    assert revision.approved_go_live_at is not None
    assert ArticlePage.objects.get(pk=page.pk).live is False
    assert client.get(page.url).status_code == 404


def test_the_worker_publishes_an_article_whose_time_has_come(client, make_article):
    page = make_article(title="Budget embargo lifts", publish=False)
    revision = schedule(page, timezone.now() + dt.timedelta(hours=1))
    move_schedule(revision, timezone.now() - dt.timedelta(minutes=1))

    run_worker()

    page = ArticlePage.objects.get(pk=page.pk)
    assert page.live is True
    assert page.published_at is not None
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None
    response = client.get(page.url)
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").h1.get_text() == "Budget embargo lifts"
    assert section_titles(client) == ["Budget embargo lifts"]


def test_the_worker_leaves_an_article_scheduled_for_later_unpublished(client, make_article):
    page = make_article(title="Tomorrow's budget", publish=False)
    revision = schedule(page, timezone.now() + dt.timedelta(hours=1))

    run_worker()

    assert ArticlePage.objects.get(pk=page.pk).live is False
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is not None
    assert client.get(page.url).status_code == 404
    assert section_titles(client) == []


def test_the_worker_publishes_only_the_articles_that_are_due(client, make_article):
    due = make_article(title="Due now", publish=False)
    later = make_article(title="Due later", publish=False)
    move_schedule(schedule(due, timezone.now() + dt.timedelta(hours=1)), timezone.now())
    schedule(later, timezone.now() + dt.timedelta(days=1))

    run_worker()

    assert section_titles(client) == ["Due now"]
