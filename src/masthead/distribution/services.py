"""Writes: record webhook deliveries when something happens, attempt them in the worker.

A delivery moves pending → sending → succeeded | retrying → sending → ... | failed.
The publishing request only inserts delivery rows; the HTTP requests happen in the
worker, after the commit, so a slow or dead endpoint never touches publishing.

Deliveries are at least once: a "sending" delivery holds a lease of
`MASTHEAD_WEBHOOK_LEASE` seconds; if its worker dies mid-send, the reconciler (or the
re-run task) sends it again with the same `X-Masthead-Delivery` id, which receivers use
to drop duplicates. An endpoint that fails rests (`Webhook.backoff_until`): its other
deliveries wait instead of each holding the fast lane for a timeout.
"""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from masthead.core.lanes import WorkerStopping
from masthead.news.models import ArticlePage

from . import selectors, webhooks
from .models import Webhook, WebhookAttempt, WebhookDelivery

logger = logging.getLogger("masthead.distribution")
Status = WebhookDelivery.Status
SUBSCRIBED_EVENTS_KEY = "masthead:webhook-events"


def subscribed_events() -> frozenset[str]:
    """Events some active webhook wants; cached, so publishing with no webhooks costs
    no query."""
    events = cache.get(SUBSCRIBED_EVENTS_KEY)
    if events is None:
        events = frozenset(
            event
            for hook in Webhook.objects.filter(is_active=True).only("events")
            for event in hook.events or []
        )
        cache.set(SUBSCRIBED_EVENTS_KEY, events, 3600)
    return events


def forget_subscribed_events() -> None:
    cache.delete(SUBSCRIBED_EVENTS_KEY)


def webhook_event_record(
    *, event: str, article: ArticlePage, extra: dict[str, Any] | None = None
) -> list[int]:
    """One delivery per webhook that wants `event`, sent after the current transaction
    commits (nothing is sent for a publish that is rolled back)."""
    if event not in subscribed_events():
        return []
    hooks = selectors.webhooks_for(event=event)
    if not hooks:
        return []
    data = {"article": webhooks.article_payload(article), **(extra or {})}
    deliveries = []
    for hook in hooks:
        delivery = WebhookDelivery(
            webhook=hook, event=event, article_id=article.pk, title=article.title[:255]
        )
        delivery.body = webhooks.envelope(delivery_id=delivery.uuid, event=event, data=data)
        deliveries.append(delivery)
    ids = [d.pk for d in WebhookDelivery.objects.bulk_create(deliveries)]
    transaction.on_commit(partial(_enqueue, ids))
    return ids


# Deliveries take seconds at most; narrations take minutes. Ahead of them in the queue,
# a delivery is not stuck behind a batch of narrations.
DELIVERY_PRIORITY = 50


def delivery_task(**options):
    from .tasks import deliver_webhook

    if deliver_webhook.get_backend().supports_priority:
        options["priority"] = DELIVERY_PRIORITY
    return deliver_webhook.using(**options)


def _enqueue(delivery_ids: list[int]) -> None:
    task = delivery_task()
    for delivery_id in delivery_ids:
        task.enqueue(delivery_id)


def max_attempts() -> int:
    return int(getattr(settings, "MASTHEAD_WEBHOOK_MAX_ATTEMPTS", 6))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base, ... after the 1st, 2nd, 3rd attempt."""
    base = float(getattr(settings, "MASTHEAD_WEBHOOK_RETRY_DELAY", 60))
    return timedelta(seconds=base * 2 ** (attempts - 1))


def lease() -> timedelta:
    """How long a delivery may stay "sending" before it counts as abandoned: well past
    the longest attempt (every address of the host timing out)."""
    default = max(60.0, 6 * float(getattr(settings, "MASTHEAD_WEBHOOK_TIMEOUT", 5)))
    return timedelta(seconds=float(getattr(settings, "MASTHEAD_WEBHOOK_LEASE", default)))


def _claimable(now):
    abandoned = Q(status=Status.SENDING, last_attempt_at__lt=now - lease())
    return Q(status__in=[Status.PENDING, Status.RETRYING]) | abandoned


def webhook_deliver(*, delivery_id: int) -> str:
    """Make one attempt at a delivery and decide what happens next; returns the status."""
    from masthead.core.switches import webhooks_paused

    if webhooks_paused():
        return "held"  # `masthead manage webhooks resume` queues it again
    now = timezone.now()
    waiting = WebhookDelivery.objects.filter(pk=delivery_id).filter(_claimable(now))
    resting = waiting.filter(webhook__backoff_until__gt=now).select_related("webhook").first()
    if resting is not None:
        return _wait_for_endpoint(resting)
    claimed = waiting.update(status=Status.SENDING, attempts=F("attempts") + 1,
                             last_attempt_at=now)  # fmt: skip
    if not claimed:
        return "skipped"  # delivered, given up, or being sent by another worker
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    if not hook.is_active:
        _finish(delivery, Status.FAILED, None, "The webhook was switched off.")
        return Status.FAILED
    try:
        result = webhooks.post(url=hook.url, secret=hook.secret, body=delivery.body,
                               event=delivery.event, delivery_id=delivery.uuid)  # fmt: skip
    except WorkerStopping:
        _hand_back(delivery)
        raise
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        status_code=result.status_code,
        error=result.error[:500],
        response_excerpt=result.excerpt[:500],
        duration_ms=result.duration_ms,
    )
    _note_endpoint(hook, result)
    status = _next_status(delivery, result)
    prune_delivery_log()
    return status


def _hand_back(delivery: WebhookDelivery) -> None:
    """The worker is stopping mid-send: the delivery waits for the next worker (it may
    have arrived; the receiver drops the copy by its delivery id)."""
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        status=Status.RETRYING, attempts=F("attempts") - 1, next_attempt_at=timezone.now()
    )


def _wait_for_endpoint(delivery: WebhookDelivery) -> str:
    """The endpoint is resting after failures: try this delivery when it is due, without
    counting an attempt."""
    until = delivery.webhook.backoff_until
    if not delivery_task().get_backend().supports_defer:
        return "skipped"
    updated = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=Status.SENDING)
    updated.update(status=Status.RETRYING, next_attempt_at=until)
    delivery_task(run_after=until).enqueue(delivery.pk)
    return Status.RETRYING


def _note_endpoint(hook: Webhook, result: webhooks.AttemptResult) -> None:
    """Success clears the endpoint's back-off; a failure worth retrying makes it rest for
    as long as the next retry of a delivery would wait (capped at an hour)."""
    if result.ok or not result.retryable:
        Webhook.objects.filter(pk=hook.pk, failures_in_a_row__gt=0).update(
            failures_in_a_row=0, backoff_until=None
        )
        return
    failures = hook.failures_in_a_row + 1
    rest = min(retry_delay(failures), timedelta(hours=1))
    Webhook.objects.filter(pk=hook.pk).update(
        failures_in_a_row=F("failures_in_a_row") + 1, backoff_until=timezone.now() + rest
    )


def webhook_reconcile() -> int:
    """Deliveries left "sending" by a worker that died: queued again (at least once)."""
    now = timezone.now()
    stuck = WebhookDelivery.objects.filter(status=Status.SENDING,
                                           last_attempt_at__lt=now - lease())  # fmt: skip
    ids = list(stuck.values_list("pk", flat=True)[:500])
    if not ids:
        return 0
    WebhookDelivery.objects.filter(pk__in=ids, status=Status.SENDING).update(
        status=Status.RETRYING, next_attempt_at=now
    )
    _enqueue(ids)
    logger.warning("Queued again %d webhook delivery(ies) whose worker stopped mid-send", len(ids))
    return len(ids)


def _next_status(delivery: WebhookDelivery, result: webhooks.AttemptResult) -> str:
    if result.ok:
        _finish(delivery, Status.SUCCEEDED, result.status_code, "")
        return Status.SUCCEEDED
    task = delivery_task()
    if not result.retryable or delivery.attempts >= max_attempts():
        _finish(delivery, Status.FAILED, result.status_code, result.error)
        return Status.FAILED
    if not task.get_backend().supports_defer:
        message = f"{result.error} (not retried: the task backend cannot schedule retries)"
        _finish(delivery, Status.FAILED, result.status_code, message)
        return Status.FAILED
    run_after = timezone.now() + retry_delay(delivery.attempts)
    _finish(delivery, Status.RETRYING, result.status_code, result.error, next_attempt_at=run_after)
    delivery_task(run_after=run_after).enqueue(delivery.pk)
    logger.info(
        "Webhook delivery %s failed (%s); retry at %s", delivery.pk, result.error, run_after
    )
    return Status.RETRYING


def _finish(
    delivery: WebhookDelivery, status: str, code: int | None, error: str, next_attempt_at=None
) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        status=status, response_status=code, error=error, next_attempt_at=next_attempt_at
    )


def prune_delivery_log() -> int:
    days = int(getattr(settings, "MASTHEAD_WEBHOOK_LOG_DAYS", 30))
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = WebhookDelivery.objects.filter(created_at__lt=cutoff).delete()
    return deleted
