"""Background narration, on the slow lane (core/lanes.py). Tasks take primary keys.

Fresh work (a publish, an edit, "Regenerate") is enqueued at FRESH_PRIORITY, archive work
(a lexicon change) at ARCHIVE_PRIORITY, where the backend orders by priority. A task is
safe to run twice: it only proceeds if it can claim the narration (services.py).
"""

import logging
from datetime import datetime

from django_tasks import task

from masthead.core.lanes import ARCHIVE_PRIORITY, SLOW_LANE

from .models import Narration

logger = logging.getLogger("masthead.narration")


@task(queue_name=SLOW_LANE)
def generate_narration(article_id: int, text_hash: str = "") -> str:
    from . import services

    try:
        narration = services.narration_generate(
            article_id=article_id, text_hash=text_hash, yields=True
        )
    except Exception as error:
        _retry_later(article_id, error)
        raise
    if narration is None:
        status = Narration.objects.filter(article_id=article_id).values_list("status", flat=True)
        return f"skipped ({status.first() or 'no narration'})"
    return narration.status


def _retry_later(article_id: int, error: Exception) -> None:
    from . import repair, services

    try:
        repair.narration_schedule_retry(article_id=article_id)
    except Exception:  # the original error, re-raised by the task, is the one to see
        logger.exception("Could not schedule a retry of the narration of %s after: %s",
                         services.article_label(article_id), error)  # fmt: skip


def narration_task(*, priority: int, run_after: datetime | None = None):
    """`generate_narration` on the slow lane at `priority`, where the backend supports it."""
    options = {"queue_name": SLOW_LANE, "run_after": run_after}
    if generate_narration.get_backend().supports_priority:
        options["priority"] = priority
    return generate_narration.using(**options)


@task(queue_name=SLOW_LANE)
def refresh_narrations() -> int:
    """After a lexicon change: queue the narrations whose spoken text it changes (archive
    work: after every fresh narration)."""
    from masthead.news.models import ArticlePage

    from . import services

    ids = ArticlePage.objects.live().filter(narrate=True).values_list("pk", flat=True)
    return sum(
        1
        for pk in ids.iterator()
        if services.narration_request(article_id=pk, priority=ARCHIVE_PRIORITY)
    )


def refresh_narrations_task():
    if refresh_narrations.get_backend().supports_priority:
        return refresh_narrations.using(priority=ARCHIVE_PRIORITY)
    return refresh_narrations
