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
