"""Writes about subscribers: sign-up (double opt-in), confirmation, preferences,
unsubscribing, change of address, erasure. Sending lives in sending.py.

Readers' answers never depend on whether an address is known (no enumeration): sign-up
always says "check your inbox", and the e-mail it sends (or not) is the only difference,
which only the address's owner sees. E-mails go out from a task (fast lane), so the
response time does not tell either.
"""

from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .addresses import normalise_email
from .models import Newsletter, Subscriber, Subscription, SubscriptionDay
from .tokens import new_nonce

Status = Subscription.Status


class InvalidAddress(ValueError):
    pass


def confirmations_per_day() -> int:
    return int(getattr(settings, "MASTHEAD_NEWSLETTER_CONFIRMATIONS_PER_DAY", 3))


def _subscriber(address: str) -> Subscriber:
    try:
        with transaction.atomic():
            return Subscriber.objects.get_or_create(email=address)[0]
    except IntegrityError:  # two sign-ups of the same address at once
        return Subscriber.objects.get(email=address)


def _count_day(newsletter_id: int, *, joined: int = 0, left: int = 0) -> None:
    day = timezone.localdate()
    updated = SubscriptionDay.objects.filter(newsletter_id=newsletter_id, day=day).update(
        joined=F("joined") + joined, left=F("left") + left
    )
    if not updated:
        try:
            with transaction.atomic():
                SubscriptionDay.objects.create(
                    newsletter_id=newsletter_id, day=day, joined=joined, left=left
                )
        except IntegrityError:
            _count_day(newsletter_id, joined=joined, left=left)


def _set_status(
    subscription: Subscription, status: str, *, source: str = "", reason: str = ""
) -> bool:
    """Move one subscription to `status`; True when it changed. Keeps the chart's counts."""
    if subscription.status == status:
        return False
    was_confirmed = subscription.status == Status.CONFIRMED
    now = timezone.now()
    subscription.status = status
    if status == Status.CONFIRMED:
        subscription.consent_at = now
        subscription.unsubscribed_at = None
        subscription.unsubscribe_reason = ""
    elif status == Status.UNSUBSCRIBED:
        subscription.unsubscribed_at = now
        subscription.unsubscribe_reason = reason[:40]
    if source:
        subscription.source = source[:60]
    subscription.save()
    if status == Status.CONFIRMED:
        _count_day(subscription.newsletter_id, joined=1)
    elif was_confirmed:
        _count_day(subscription.newsletter_id, left=1)
    return True


def _active_ids(newsletter_ids: Iterable[int]) -> set[int]:
    wanted = {int(pk) for pk in newsletter_ids}
    return set(Newsletter.objects.filter(active=True, pk__in=wanted).values_list("pk", flat=True))


def subscribe(*, email: str, newsletter_ids: Iterable[int], source: str) -> None:
    """A reader's sign-up: pending subscriptions and a confirmation e-mail (double opt-in).
    Already confirmed newsletters stay as they are; nothing is ever duplicated."""
    address = normalise_email(email)
    if address is None:
        raise InvalidAddress(email)
    ids = _active_ids(newsletter_ids)
    if not ids:
        return
    with transaction.atomic():
        subscriber = _subscriber(address)
        pending = False
        for newsletter_id in ids:
            subscription, _ = Subscription.objects.get_or_create(
                subscriber=subscriber, newsletter_id=newsletter_id, defaults={"source": source[:60]}
            )
            if subscription.status != Status.CONFIRMED:
                _set_status(subscription, Status.PENDING, source=source)
                pending = True
        if pending:
            request_confirmation(subscriber)


def request_confirmation(subscriber: Subscriber) -> bool:
    """Send (from a task, after commit) the confirmation e-mail, at most
    MASTHEAD_NEWSLETTER_CONFIRMATIONS_PER_DAY times a day per address; repeated sign-ups
    reuse the nonce, so every link sent stays valid until one is used."""
    from .tasks import send_confirmation

    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    now = timezone.now()
    if subscriber.confirm_sent_at is None or now - subscriber.confirm_sent_at > timedelta(days=1):
        subscriber.confirm_sent_count = 0
    if subscriber.confirm_sent_count >= confirmations_per_day():
        return False
    if subscriber.confirm_sent_count == 0:
        subscriber.confirm_sent_at = now
    subscriber.confirm_nonce = subscriber.confirm_nonce or new_nonce()
    subscriber.confirm_sent_count += 1
    subscriber.save(update_fields=["confirm_nonce", "confirm_sent_at", "confirm_sent_count"])
    transaction.on_commit(partial(send_confirmation.enqueue, subscriber.pk))
    return True


def confirm(*, subscriber_id: int, nonce: str) -> Subscriber | None:
    """Confirm every pending subscription of the subscriber; None when the link was
    already used (or replaced by an erasure)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or not nonce or subscriber.confirm_nonce != nonce:
            return None
        for subscription in subscriber.subscriptions.filter(status=Status.PENDING):
            _set_status(subscription, Status.CONFIRMED)
        subscriber.confirm_nonce = ""
        subscriber.save(update_fields=["confirm_nonce"])
    return subscriber


def set_subscriptions(
    *, email: str, newsletter_ids: Iterable[int], confirmed: bool, source: str
) -> None:
    """Make `email` subscribed to exactly these newsletters (the active ones among them).

    `confirmed=True` when the caller verified the address (a signed-in member, the
    preferences page's signed link): they are confirmed at once. Otherwise the new ones
    wait for the double opt-in e-mail this sends. Others are unsubscribed.
    """
    address = normalise_email(email)
    if address is None:
        raise InvalidAddress(email)
    wanted = _active_ids(newsletter_ids)
    with transaction.atomic():
        subscriber = _subscriber(address)
        existing = {s.newsletter_id: s for s in subscriber.subscriptions.all()}
        pending = False
        for newsletter_id in wanted:
            subscription = existing.get(newsletter_id) or Subscription.objects.create(
                subscriber=subscriber,
                newsletter_id=newsletter_id,
                source=source[:60],
                status=Status.UNSUBSCRIBED,
            )
            if subscription.status == Status.CONFIRMED:
                continue
            _set_status(
                subscription, Status.CONFIRMED if confirmed else Status.PENDING, source=source
            )
            pending = pending or not confirmed
        for newsletter_id, subscription in existing.items():
            if newsletter_id not in wanted and subscription.status != Status.UNSUBSCRIBED:
                _set_status(subscription, Status.UNSUBSCRIBED, reason="preferences")
        if pending:
            request_confirmation(subscriber)


def unsubscribe(*, subscriber_id: int, newsletter_id: int, reason: str) -> bool:
    """True when it was subscribed (or pending) and no longer is."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(subscriber_id=subscriber_id, newsletter_id=newsletter_id)
            .first()
        )
        if subscription is None:
            return False
        return _set_status(subscription, Status.UNSUBSCRIBED, reason=reason)


def unsubscribe_all(*, subscriber_id: int, reason: str) -> int:
    with transaction.atomic():
        changed = 0
        live = Subscription.objects.select_for_update().filter(subscriber_id=subscriber_id)
        for subscription in live.exclude(status=Status.UNSUBSCRIBED):
            changed += _set_status(subscription, Status.UNSUBSCRIBED, reason=reason)
        return changed


def change_email(*, old: str, new: str) -> None:
    """Move everything of `old` to `new` (already verified by the caller). When `new` has
    subscriptions of its own the two are merged, a confirmed one winning."""
    old_address, new_address = normalise_email(old), normalise_email(new)
    if new_address is None:
        raise InvalidAddress(new)
    if old_address is None or old_address == new_address:
        return
    with transaction.atomic():
        source = Subscriber.objects.select_for_update().filter(email=old_address).first()
        if source is None:
            return
        target = Subscriber.objects.select_for_update().filter(email=new_address).first()
        if target is None:
            source.email = new_address
            source.save(update_fields=["email"])
            return
        _merge(source, target)


def _merge(source: Subscriber, target: Subscriber) -> None:
    theirs = {s.newsletter_id: s for s in target.subscriptions.all()}
    rank = {Status.UNSUBSCRIBED: 0, Status.PENDING: 1, Status.CONFIRMED: 2}
    for subscription in source.subscriptions.all():
        other = theirs.get(subscription.newsletter_id)
        if other is None:
            subscription.subscriber = target
            subscription.save(update_fields=["subscriber"])
        elif subscription.status == other.status == Status.CONFIRMED:
            _count_day(subscription.newsletter_id, left=1)  # two counted rows become one
        elif rank[subscription.status] > rank[other.status]:
            # Taken over as it is: the chart counted the source row, the target row
            # replaces it.
            other.status, other.consent_at = subscription.status, subscription.consent_at
            other.source, other.unsubscribed_at = subscription.source, None
            other.save()
    source.records.exclude(send__in=target.records.values("send")).update(subscriber=target)
    source.events.update(subscriber=target)
    source.delete()


def erase_email(*, email: str) -> int:
    """Erase every subscription, send record and delivery event of `email`; the number of
    rows deleted (0 when nothing was stored). Sends keep their anonymous counts."""
    address = normalise_email(email)
    if address is None:
        return 0
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=address).first()
        if subscriber is None:
            return 0
        for newsletter_id in subscriber.subscriptions.filter(status=Status.CONFIRMED).values_list(
            "newsletter_id", flat=True
        ):
            _count_day(newsletter_id, left=1)
        deleted, _ = subscriber.delete()
    return deleted


def send_preferences_link(*, email: str) -> bool:
    """E-mail a fresh preferences link to `email` when it is a subscriber (at most
    MASTHEAD_NEWSLETTER_CONFIRMATIONS_PER_DAY a day); nothing otherwise."""
    import hashlib

    from masthead.audience.guards import count

    from .tasks import send_preferences_link as task

    address = normalise_email(email)
    subscriber = Subscriber.objects.filter(email=address).first() if address else None
    if subscriber is None:
        return False
    key = "newsletters:link:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    if count(key, timeout=86400) > confirmations_per_day():
        return False
    transaction.on_commit(partial(task.enqueue, subscriber.pk))
    return True
