"""Newsroom-wide switches kept in the database (core.Switch)."""

from django.conf import settings

from .models import Switch

WEBHOOKS_PAUSED = "webhooks-paused"


def webhooks_paused() -> bool:
    """True while webhook deliveries must wait: after `masthead manage restore` (a restored
    copy must not send its old deliveries again) until `masthead manage webhooks resume`,
    or always with MASTHEAD_WEBHOOKS_PAUSED=1."""
    if getattr(settings, "MASTHEAD_WEBHOOKS_PAUSED", False):
        return True
    return Switch.objects.filter(name=WEBHOOKS_PAUSED, on=True).exists()


def set_webhooks_paused(*, paused: bool, note: str = "") -> None:
    Switch.objects.update_or_create(
        name=WEBHOOKS_PAUSED, defaults={"on": paused, "note": note[:255]}
    )


def webhooks_pause_note() -> str:
    switch = Switch.objects.filter(name=WEBHOOKS_PAUSED, on=True).first()
    return switch.note if switch else ""


def requeue_held_deliveries() -> int:
    """Queue every delivery still waiting to be sent (after a pause, or a restore that
    emptied the queue). Sending the same delivery twice is safe: the first attempt claims
    it, a second task finds it taken and does nothing."""
    from masthead.distribution.models import WebhookDelivery
    from masthead.distribution.services import delivery_task

    Status = WebhookDelivery.Status
    held = list(
        WebhookDelivery.objects.filter(status__in=[Status.PENDING, Status.RETRYING])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    task = delivery_task()
    for delivery_id in held:
        task.enqueue(delivery_id)
    return len(held)
