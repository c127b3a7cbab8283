"""Putting narrations back in the queue: a retry after a failed run, and the reconciler
that repairs runs a stopped worker left behind (core/lanes.py runs it in every worker)."""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .live import without_parts
from .models import Narration
from .services import (
    Status,
    _transition,
    article_label,
    enqueue_generation,
    fail_stale_run,
    lease_is_stale,
    lease_seconds,
    max_attempts,
)

logger = logging.getLogger("masthead.narration")


def narration_schedule_retry(*, article_id: int) -> timedelta | None:
    """After a failed run: queue it again in 30 s, 60 s, ... while attempts are left."""
    from .tasks import narration_task

    with transaction.atomic():
        narration = Narration.objects.select_for_update().filter(article_id=article_id).first()
        if narration is None or narration.status != Status.FAILED:
            return None
        task = narration_task(priority=narration.priority)
        if narration.attempts >= max_attempts() or not task.get_backend().supports_defer:
            return None
        delay = timedelta(seconds=30 * 2 ** max(narration.attempts - 1, 0))
        _transition(narration, Status.QUEUED)
        run_after = timezone.now() + delay
        retry = partial(enqueue_generation, article_id, narration.requested_hash,
                        narration.priority, run_after)  # fmt: skip
        transaction.on_commit(retry)
    logger.info("Narration of %s will be retried in %s", article_label(article_id), delay)
    return delay


def narration_reconcile() -> int:
    """Repair narrations a stopped worker left running (killed, out of memory, a failure
    it could not record): queue them again, or fail them once out of attempts. Returns
    how many. Safe in several workers at once: each row is checked again under a lock."""
    cutoff = timezone.now() - timedelta(seconds=lease_seconds())
    stale = Q(lease_renewed_at__lt=cutoff) | Q(lease_renewed_at__isnull=True)
    ids = Narration.objects.filter(stale, status=Status.RUNNING).values_list("pk", flat=True)
    return sum(_requeue_stale(pk) for pk in list(ids[:100]))


def _requeue_stale(narration_id: int) -> bool:
    now = timezone.now()
    with transaction.atomic():
        narration = Narration.objects.select_for_update().filter(pk=narration_id).first()
        if narration is None or not lease_is_stale(narration, now):
            return False  # another worker repaired it, or its run renewed the lease
        if narration.attempts >= max_attempts():
            fail_stale_run(narration, now)
            return True
        _transition(narration, Status.QUEUED, progress=0.0, lease_token="", lease_renewed_at=None,
                    **without_parts(narration))  # fmt: skip
        again = partial(enqueue_generation, narration.article_id, narration.requested_hash,
                        narration.priority)  # fmt: skip
        transaction.on_commit(again)
    logger.warning("Narration of %s was left running by a worker that stopped: queued again "
                   "(%d of %d attempts used)", article_label(narration.article_id),
                   narration.attempts, max_attempts())  # fmt: skip
    return True
