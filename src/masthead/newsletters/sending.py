"""Sending an issue: queue, claim, deliver in batches, resume after a crash. Every status
change of a Send goes through `_transition` and its TRANSITIONS table.

**One copy per recipient, at most.** When a send starts, one SendRecord per confirmed
subscriber is created (queued); the unique (send, subscriber) pair means a second start
adds nobody twice. Each message is then *claimed* (queued → claimed, committed) before
it is handed to the SMTP server and *marked* (claimed → sent, committed) once the server
accepted it. A record found claimed by a later run belongs to a run that died between
those two commits: the server may or may not have the message, and it is **not** sent
again but counted as "interrupted" (unknown). So a crash costs at most one message per
dying worker (the one in flight), and never a second copy: at-most-once, chosen because
a newsroom sending two copies of an issue to thousands is worse than one reader missing
one. The message is fully built before the claim, so the window is the SMTP exchange of
that one message. A refused recipient (an SMTP error reply) is certainly not delivered:
failed. A worker told to stop (SIGTERM) hands the claimed record back to queued when the
message had not been handed to the server yet.

**Batches, rate, lease.** Recipients go out MASTHEAD_NEWSLETTER_BATCH at a time through
one SMTP connection per batch, paced to the send's rate (MASTHEAD_NEWSLETTER_RATE
messages a second; 0: as fast as the server takes them). The running send holds a lease
renewed every batch; `sends_reconcile` (every worker, core/lanes.py) queues a send whose
lease went stale (its worker died) and starts scheduled sends that are due.
"""

import logging
import smtplib
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from masthead.core.lanes import WorkerStopping

from . import issue_mail
from .models import Send, SendRecord, Subscription

logger = logging.getLogger("masthead.newsletters")
Status = Send.Status
Record = SendRecord.Status
TRANSITIONS = {
    Status.DRAFT: {Status.SCHEDULED, Status.SENDING, Status.CANCELLED},
    Status.SCHEDULED: {Status.SCHEDULED, Status.SENDING, Status.CANCELLED, Status.DRAFT},
    # → SENDING: a stale lease reclaimed, a hand-back; → FAILED: the SMTP server is gone.
    Status.SENDING: {Status.SENDING, Status.SENT, Status.FAILED, Status.CANCELLED},
    Status.FAILED: {Status.SENDING, Status.CANCELLED},  # "Resume": only the queued rest
    Status.SENT: set(),
    Status.CANCELLED: set(),
}


class InvalidTransition(Exception):
    pass


def _setting(name: str, default):
    return getattr(settings, f"MASTHEAD_NEWSLETTER_{name}", default)


def batch_size() -> int:
    return max(1, int(_setting("BATCH", 100)))


def default_rate() -> float:
    return float(_setting("RATE", 50))


def lease_seconds() -> float:
    return float(_setting("LEASE", 60))


def _transition(send: Send, status: str, **fields) -> None:
    if status not in TRANSITIONS[send.status]:
        raise InvalidTransition(f"{send.status} → {status}")
    send.status = status
    for name, value in fields.items():
        setattr(send, name, value)
    send.save(update_fields=["status", *fields])


def schedule(*, send_id: int, at=None) -> Send:
    """Send now (`at` None or past) or at `at`; the worker takes it from there."""
    from .tasks import enqueue_delivery

    with transaction.atomic():
        send = Send.objects.select_for_update().get(pk=send_id)
        now = timezone.now()
        if at is not None and at > now:
            _transition(send, Status.SCHEDULED, scheduled_at=at)
            return send
        _transition(
            send,
            Status.SENDING,
            scheduled_at=send.scheduled_at or now,
            lease_token="",
            lease_renewed_at=now,
            error="",
        )
        transaction.on_commit(lambda: enqueue_delivery(send_id))
    return send


def cancel(*, send_id: int) -> Send:
    with transaction.atomic():
        send = Send.objects.select_for_update().get(pk=send_id)
        _transition(send, Status.CANCELLED, lease_token="", finished_at=timezone.now())
    return send


def _claim_send(send_id: int) -> tuple[Send, str] | None:
    """Take the send's lease: only from a send queued for delivery (no token) or whose
    holder stopped renewing it."""
    with transaction.atomic():
        send = Send.objects.select_for_update().filter(pk=send_id).first()
        if send is None or send.status != Status.SENDING:
            return None
        now = timezone.now()
        stale = send.lease_renewed_at is None or now - send.lease_renewed_at > timedelta(
            seconds=lease_seconds()
        )
        if send.lease_token and not stale:
            return None  # another run holds it
        token = uuid.uuid4().hex
        _transition(
            send,
            Status.SENDING,
            lease_token=token,
            lease_renewed_at=now,
            started_at=send.started_at or now,
        )
        return send, token


def _renew(send: Send, token: str) -> bool:
    renewed = Send.objects.filter(pk=send.pk, status=Status.SENDING, lease_token=token).update(
        lease_renewed_at=timezone.now()
    )
    return bool(renewed)


def _prepare(send: Send) -> None:
    """First run: freeze the message and the recipients. Later runs: interrupted records
    become unknown (never sent again)."""
    if not send.html:
        send.html, send.text = issue_mail.render_issue(send)
        send.save(update_fields=["html", "text"])
    if not send.records.exists():
        confirmed = Subscription.objects.filter(
            newsletter_id=send.newsletter_id, status=Subscription.Status.CONFIRMED
        ).values_list("subscriber_id", flat=True)
        ids = list(confirmed.order_by("subscriber_id"))
        for start in range(0, len(ids), 2000):
            SendRecord.objects.bulk_create(
                [SendRecord(send=send, subscriber_id=pk) for pk in ids[start : start + 2000]],
                ignore_conflicts=True,
            )
    send.records.filter(status=Record.CLAIMED).update(
        status=Record.UNKNOWN, error="Interrupted while sending: not sent again."
    )
    _recount(send)


def _recount(send: Send) -> None:
    counts = dict(send.records.values_list("status").annotate(n=Count("pk")))
    send.recipients = sum(counts.values())
    send.sent_count = counts.get(Record.SENT, 0)
    send.failed_count = counts.get(Record.FAILED, 0)
    send.unknown_count = counts.get(Record.UNKNOWN, 0)
    send.save(update_fields=["recipients", "sent_count", "failed_count", "unknown_count"])


def _next_batch(send: Send) -> list[tuple[int, int, str]]:
    """[(record id, subscriber id, address)] still queued; unsubscribed meanwhile: skipped."""
    rows = list(
        send.records.filter(status=Record.QUEUED)
        .order_by("pk")
        .values_list("pk", "subscriber_id", "subscriber__email")[: batch_size()]
    )
    if not rows:
        return rows
    still = set(
        Subscription.objects.filter(
            newsletter_id=send.newsletter_id,
            status=Subscription.Status.CONFIRMED,
            subscriber_id__in=[row[1] for row in rows],
        ).values_list("subscriber_id", flat=True)
    )
    gone = [row[0] for row in rows if row[1] not in still]
    if gone:
        SendRecord.objects.filter(pk__in=gone).update(status=Record.SKIPPED)
    return [row for row in rows if row[1] in still]


def deliver(*, send_id: int) -> str:
    """Run (or resume) a send to its end; safe to call twice (the lease decides)."""
    claimed = _claim_send(send_id)
    if claimed is None:
        return "skipped"
    send, token = claimed
    try:
        _prepare(send)
    except issue_mail.NothingToSend as error:
        _transition(send, Status.FAILED, lease_token="", error=f"Not sent: {error}.")
        return "failed"
    template = issue_mail.IssueTemplate(send)
    rate = send.rate if send.rate is not None else default_rate()
    pacer = Pacer(rate)
    try:
        while batch := _next_batch(send):
            if not _renew(send, token):
                return "lease lost"
            _deliver_batch(send, template, batch, pacer)
    except WorkerStopping:
        Send.objects.filter(pk=send.pk, lease_token=token).update(
            lease_token="", lease_renewed_at=None
        )
        raise
    except (smtplib.SMTPException, OSError) as error:
        _recount(send)
        logger.warning("Send %s stopped: the mail server failed: %s", send.pk, error)
        _transition(send, Status.FAILED, lease_token="", error=f"Mail server: {error}"[:500])
        return "failed"
    with transaction.atomic():
        send = Send.objects.select_for_update().get(pk=send.pk)
        if send.status != Status.SENDING or send.lease_token != token:
            return "lease lost"
        _recount(send)
        _transition(send, Status.SENT, lease_token="", finished_at=timezone.now())
    logger.info("Send %s done: %s sent, %s failed", send.pk, send.sent_count, send.failed_count)
    return "sent"


def _deliver_batch(send: Send, template, batch, pacer) -> None:
    sent = failed = 0
    with get_connection() as connection:
        for record_id, subscriber_id, address in batch:
            message = template.message(
                subscriber_id=subscriber_id, address=address, connection=connection
            )
            if not SendRecord.objects.filter(pk=record_id, status=Record.QUEUED).update(
                status=Record.CLAIMED
            ):
                continue  # taken by another run meanwhile
            outcome = _send_one(message, record_id)
            sent += outcome == Record.SENT
            failed += outcome == Record.FAILED
            pacer.wait()
    _count(send, sent=sent, failed=failed)


def _send_one(message, record_id: int) -> str:
    in_flight = False
    try:
        in_flight = True
        message.send()
        in_flight = False
    except WorkerStopping:
        status = Record.UNKNOWN if in_flight else Record.QUEUED
        SendRecord.objects.filter(pk=record_id).update(status=status)
        raise
    except smtplib.SMTPResponseException as error:  # the server answered no: not delivered
        return _fail(record_id, f"{error.smtp_code} {error.smtp_error!r}")
    except smtplib.SMTPRecipientsRefused as error:
        return _fail(record_id, f"Refused: {list(error.recipients.values())[0]!r}")
    except (smtplib.SMTPException, OSError):
        SendRecord.objects.filter(pk=record_id).update(
            status=Record.UNKNOWN, error="The connection broke mid-message: not sent again."
        )
        raise
    SendRecord.objects.filter(pk=record_id).update(status=Record.SENT, sent_at=timezone.now())
    return Record.SENT


def _fail(record_id: int, error: str) -> str:
    SendRecord.objects.filter(pk=record_id).update(status=Record.FAILED, error=error[:300])
    return Record.FAILED


def _count(send: Send, *, sent: int, failed: int) -> None:
    from django.db.models import F

    Send.objects.filter(pk=send.pk).update(
        sent_count=F("sent_count") + sent, failed_count=F("failed_count") + failed
    )


class Pacer:
    """Keeps a loop at `rate` iterations a second on average (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate if rate > 0 else 0.0
        self.next = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        self.next += self.interval
        delay = self.next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            self.next = time.monotonic()


def sends_reconcile() -> int:
    """Queue sends whose lease went stale (their worker died) and scheduled sends now due."""
    from .tasks import enqueue_delivery

    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    repaired = 0
    for send_id in Send.objects.filter(
        status=Status.SENDING, lease_renewed_at__lt=stale
    ).values_list("pk", flat=True):
        Send.objects.filter(pk=send_id).update(lease_renewed_at=now, lease_token="")
        enqueue_delivery(send_id)
        repaired += 1
    for send_id in Send.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=now).values_list(
        "pk", flat=True
    ):
        schedule(send_id=send_id)
        repaired += 1
    return repaired
