"""Reads: newsletters offered to readers, an address's subscriptions and stored data,
subscriber counts over time."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from .addresses import normalise_email
from .models import DeliveryEvent, Newsletter, SendRecord, Subscriber, Subscription, SubscriptionDay

Status = Subscription.Status


def active_newsletters() -> list[Newsletter]:
    return list(Newsletter.objects.filter(active=True))


def newsletters_for_email(email: str) -> list[tuple[Newsletter, bool]]:
    """Every active newsletter and whether `email` is a confirmed subscriber of it."""
    address = normalise_email(email)
    confirmed = set()
    if address:
        confirmed = set(
            Subscription.objects.filter(
                subscriber__email=address, status=Status.CONFIRMED
            ).values_list("newsletter_id", flat=True)
        )
    return [(newsletter, newsletter.pk in confirmed) for newsletter in active_newsletters()]


def subscriber_for_email(email: str) -> Subscriber | None:
    address = normalise_email(email)
    return Subscriber.objects.filter(email=address).first() if address else None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(*, email: str) -> dict:
    """Everything stored about `email`, JSON-serialisable ({} when nothing is)."""
    subscriber = subscriber_for_email(email)
    if subscriber is None:
        return {}
    subscriptions = subscriber.subscriptions.select_related("newsletter").order_by("pk")
    records = SendRecord.objects.filter(subscriber=subscriber).select_related("send")
    events = DeliveryEvent.objects.filter(subscriber=subscriber)
    return {
        "email": subscriber.email,
        "created_at": _iso(subscriber.created_at),
        "subscriptions": [
            {
                "newsletter": s.newsletter.name,
                "status": s.status,
                "source": s.source,
                "created_at": _iso(s.created_at),
                "consent_at": _iso(s.consent_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
            }
            for s in subscriptions
        ],
        "messages": [
            {"subject": r.send.subject, "status": r.status, "sent_at": _iso(r.sent_at)}
            for r in records.order_by("pk")
        ],
        "delivery_events": [
            {
                "kind": e.kind,
                "provider": e.provider,
                "description": e.description,
                "occurred_at": _iso(e.occurred_at),
            }
            for e in events
        ],
    }


def confirmed_counts() -> dict[int, int]:
    """{newsletter id: confirmed subscribers} for every newsletter."""
    rows = Newsletter.objects.annotate(
        confirmed=Count("subscriptions", filter=Q(subscriptions__status=Status.CONFIRMED))
    ).values_list("pk", "confirmed")
    return dict(rows)


def subscriber_history(*, newsletter_id: int, days: int, today: date) -> list[tuple[date, int]]:
    """[(day, confirmed subscribers at the end of that day)] for the last `days` days, from
    the anonymous per-day counts (they survive erasures)."""
    first = today - timedelta(days=days - 1)
    rows = SubscriptionDay.objects.filter(newsletter_id=newsletter_id)
    before = rows.filter(day__lt=first).aggregate(j=Sum("joined"), l=Sum("left"))
    total = (before["j"] or 0) - (before["l"] or 0)
    by_day = {r.day: r.joined - r.left for r in rows.filter(day__gte=first, day__lte=today)}
    history = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        total += by_day.get(day, 0)
        history.append((day, max(total, 0)))
    return history
