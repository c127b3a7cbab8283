"""Background narration. Tasks take primary keys; retries back off exponentially."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import Narration

logger = logging.getLogger("masthead.narration")


@task()
def generate_narration(article_id: int, text_hash: str = "") -> str:
    from . import services

    narration = Narration.objects.filter(article_id=article_id).first()
    if narration is None or (text_hash and narration.requested_hash != text_hash):
        return "superseded"  # a newer request for this article has its own task
    if narration.status not in (Narration.Status.QUEUED,):
        return f"skipped ({narration.status})"
    try:
        services.narration_generate(article_id=article_id)
    except Exception:
        _retry_later(article_id, text_hash)
        raise
    return "ready"


def _retry_later(article_id: int, text_hash: str) -> None:
    narration = Narration.objects.get(article_id=article_id)
    max_attempts = getattr(settings, "MASTHEAD_NARRATION_MAX_ATTEMPTS", 3)
    if narration.attempts >= max_attempts or not generate_narration.get_backend().supports_defer:
        return
    delay = timedelta(seconds=30 * 2 ** (narration.attempts - 1))
    Narration.objects.filter(pk=narration.pk).update(status=Narration.Status.QUEUED)
    generate_narration.using(run_after=timezone.now() + delay).enqueue(article_id, text_hash)
    logger.info("Narration of %s will be retried in %s", article_id, delay)


@task()
def refresh_narrations() -> int:
    """After a lexicon change: queue the narrations whose spoken text it changes."""
    from masthead.news.models import ArticlePage

    from . import services

    ids = ArticlePage.objects.live().filter(narrate=True).values_list("pk", flat=True)
    return sum(1 for pk in ids.iterator() if services.narration_request(article_id=pk))
