"""Bounces and complaints reported back by the provider (django-anymail tracking webhooks:
`/newsletters/anymail/<provider>/tracking/`, docs/newsletters.md). A hard bounce, a
complaint or a provider-side unsubscribe unsubscribes the address from every newsletter:
sending again to it hurts the newsroom's reputation with every mailbox provider."""

import logging
import re

from django.db import transaction
from django.db.models import F

from . import services
from .addresses import normalise_email
from .models import DeliveryEvent, Send, Subscriber

logger = logging.getLogger("masthead.newsletters")
KINDS = {
    "bounced": DeliveryEvent.Kind.HARD_BOUNCE,
    "deferred": DeliveryEvent.Kind.SOFT_BOUNCE,
    "complained": DeliveryEvent.Kind.COMPLAINT,
    "rejected": DeliveryEvent.Kind.REJECTED,
    "unsubscribed": DeliveryEvent.Kind.UNSUBSCRIBED,
}
UNSUBSCRIBING = {"bounced", "complained", "rejected", "unsubscribed"}
MESSAGE_ID = re.compile(r"<?send(\d+)\.r(\d+)@")


def _send_id(event) -> int | None:
    for value in (
        getattr(event, "message_id", None) or "",
        (getattr(event, "esp_event", None) or {}).get("Message-ID", "")
        if isinstance(getattr(event, "esp_event", None), dict)
        else "",
    ):
        match = MESSAGE_ID.search(str(value))
        if match:
            return int(match.group(1))
    return None


def record_event(
    *, email: str, event_type: str, provider: str, description: str = "", send_id: int | None = None
) -> bool:
    """Store one event about a known address; True when stored. Unknown addresses and
    event types (delivered, opened...) are ignored: nothing is kept about them."""
    kind = KINDS.get(event_type)
    address = normalise_email(email)
    if kind is None or address is None:
        return False
    with transaction.atomic():
        subscriber = Subscriber.objects.filter(email=address).first()
        if subscriber is None:
            return False
        if send_id is not None and not Send.objects.filter(pk=send_id).exists():
            send_id = None
        DeliveryEvent.objects.create(
            subscriber=subscriber,
            send_id=send_id,
            kind=kind,
            provider=provider[:40],
            description=description[:300],
        )
        if send_id is not None and event_type == "bounced":
            Send.objects.filter(pk=send_id).update(bounce_count=F("bounce_count") + 1)
        if send_id is not None and event_type == "complained":
            Send.objects.filter(pk=send_id).update(complaint_count=F("complaint_count") + 1)
        if event_type in UNSUBSCRIBING:
            services.unsubscribe_all(subscriber_id=subscriber.pk, reason=event_type)
    return True


def tracking_received(sender, event, esp_name, **kwargs) -> None:
    try:
        record_event(
            email=event.recipient or "",
            event_type=event.event_type or "",
            provider=esp_name or "",
            description=event.description or "",
            send_id=_send_id(event),
        )
    except Exception:  # a webhook must answer 200, or the provider retries for days
        logger.exception("Could not record the %s event from %s", event.event_type, esp_name)
