"""Scheduled publishing that several workers can run at once: each due page is published
(and each expired one unpublished) exactly once.

Wagtail's `publish_scheduled` lists the due revisions and publishes each: two workers
running it at the same moment both list the same revisions and both publish them, so a
page got two publishes (two log entries, two `page_published` signals, its caches purged
twice). Here each one is claimed first, in its own transaction: the row is read again
with `SELECT ... FOR UPDATE` and only while it is still due. A second worker waits on the
lock (PostgreSQL) or on the write transaction (SQLite, whose transactions here are
IMMEDIATE: settings/base.py), then reads the row as the first left it (no longer due)
and skips it. The publish and its claim commit together: a publish that fails leaves the
page due for the next run. Signals fire once, inside the winner's transaction; what they
queue (narration, purges) runs on its commit.
"""

import logging
from datetime import datetime

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision

logger = logging.getLogger("masthead.worker")


def publish_due(*, now: datetime | None = None) -> tuple[int, int]:
    """Unpublish what has expired and publish what is due; (unpublished, published) by
    this call (pages another worker claimed first are not counted)."""
    now = now or timezone.now()
    unpublished = sum(_unpublish_claimed(model, pk, now) for model, pk in _expired(now))
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at", "pk")
    published = sum(_publish_claimed(pk, now) for pk in list(due.values_list("pk", flat=True)))
    return unpublished, published


def _draft_state_models() -> list[type]:
    return [Page] + [
        m for m in apps.get_models() if issubclass(m, DraftStateMixin) and not issubclass(m, Page)
    ]


def _expired(now: datetime) -> list[tuple[type, int]]:
    found = []
    for model in _draft_state_models():
        expired = model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at", "pk")
        found += [(model, pk) for pk in expired.values_list("pk", flat=True)]
    return found


def _publish_claimed(pk: int, now: datetime) -> bool:
    try:
        with transaction.atomic():
            revision = (
                Revision.objects.select_for_update()
                .filter(pk=pk, approved_go_live_at__lt=now)
                .first()
            )
            if revision is None:
                return False  # another worker has published it
            revision.publish(log_action="wagtail.publish.scheduled")
    except Exception:
        # One page that cannot be published must not hold up the others.
        logger.exception("Scheduled publishing of revision %s failed; retrying later", pk)
        return False
    return True


def _unpublish_claimed(model: type, pk: int, now: datetime) -> bool:
    try:
        with transaction.atomic():
            obj = model.objects.select_for_update().filter(
                pk=pk, live=True, expire_at__lt=now
            ).first()  # fmt: skip
            if obj is None:
                return False
            obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    except Exception:
        logger.exception("Unpublishing expired %s %s failed; retrying later", model.__name__, pk)
        return False
    return True
