"""Subscriber lists as CSV: export, and import with each address's consent date.

Columns: email, newsletter (its slug), status, consent_at (ISO 8601 date or date-time),
source, created_at. An import adds confirmed subscriptions for rows that carry a consent
date; it never re-subscribes an address that unsubscribed, never duplicates, and reports
every row it refused with its line number. Only Admins may use either (core/roles.py).
"""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .addresses import normalise_email
from .models import Newsletter, Subscriber, Subscription, SubscriptionDay

COLUMNS = ["email", "newsletter", "status", "consent_at", "source", "created_at"]


def max_rows() -> int:
    return int(getattr(settings, "MASTHEAD_NEWSLETTER_IMPORT_MAX_ROWS", 100_000))


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_rows(*, newsletter_id: int | None = None) -> Iterator[str]:
    """CSV lines (header first) of every subscription, streamed in pages."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    rows = Subscription.objects.select_related("subscriber", "newsletter").order_by("pk")
    if newsletter_id:
        rows = rows.filter(newsletter_id=newsletter_id)
    for s in rows.iterator(chunk_size=2000):
        email, source = _safe(s.subscriber.email), _safe(s.source)
        yield writer.writerow(
            [email, s.newsletter.slug, s.status, _iso(s.consent_at), source, _iso(s.created_at)]
        )


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _safe(value: str) -> str:
    # A cell starting with = + - @ is a formula in spreadsheet programs (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@dataclass
class ImportReport:
    added: int = 0
    kept: int = 0  # already there (subscribed, or unsubscribed: their choice stays)
    errors: list[str] = field(default_factory=list)


def _consent(value: str) -> datetime | None:
    value = (value or "").strip()
    moment = parse_datetime(value) if "T" in value or " " in value else None
    if moment is None:
        day = parse_date(value) if value else None
        moment = datetime.combine(day, time(12)) if day else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment is not None and moment > timezone.now():
        return None
    return moment


def _parse(text: str, report: ImportReport) -> list[tuple[str, int, datetime, str]]:
    slugs = dict(Newsletter.objects.values_list("slug", "pk"))
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"email", "newsletter", "consent_at"} <= set(reader.fieldnames):
        report.errors.append("The first line must name the columns: email, newsletter, "
                             "consent_at (and optionally source).")  # fmt: skip
        return []
    rows, seen = [], set()
    for line, row in enumerate(reader, start=2):
        if line - 1 > max_rows():
            report.errors.append(f"More than {max_rows()} rows: the rest was not read.")
            break
        problem, parsed = _row(row, slugs)
        if problem:
            report.errors.append(f"Line {line}: {problem}")
        elif parsed[:2] in seen:
            report.kept += 1
        else:
            seen.add(parsed[:2])
            rows.append(parsed)
    return rows


def _row(row: dict, slugs: dict[str, int]):
    address = normalise_email(row.get("email"))
    if address is None:
        return "not a valid e-mail address.", None
    newsletter_id = slugs.get((row.get("newsletter") or "").strip())
    if newsletter_id is None:
        return f"no newsletter “{(row.get('newsletter') or '')[:60]}”.", None
    consent = _consent(row.get("consent_at") or "")
    if consent is None:
        return "no consent date (or one in the future): not imported.", None
    source = ((row.get("source") or "").strip() or "import")[:60]
    return None, (address, newsletter_id, consent, source)


def import_csv(text: str) -> ImportReport:
    report = ImportReport()
    rows = _parse(text, report)
    if not rows:
        return report
    with transaction.atomic():
        ids = _subscriber_ids({address for address, *_ in rows})
        existing = set(
            Subscription.objects.filter(subscriber_id__in=ids.values()).values_list(
                "subscriber_id", "newsletter_id"
            )
        )
        new = []
        for address, newsletter_id, consent, source in rows:
            key = (ids[address], newsletter_id)
            if key in existing:
                report.kept += 1
                continue
            existing.add(key)
            new.append(Subscription(subscriber_id=key[0], newsletter_id=newsletter_id,
                                    status=Subscription.Status.CONFIRMED, consent_at=consent,
                                    source=source))  # fmt: skip
        Subscription.objects.bulk_create(new, batch_size=1000)
        _count_joined(new)
        report.added = len(new)
    return report


def _subscriber_ids(addresses: set[str]) -> dict[str, int]:
    ordered = sorted(addresses)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        Subscriber.objects.bulk_create([Subscriber(email=a) for a in chunk], ignore_conflicts=True)
    ids = {}
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        ids.update(Subscriber.objects.filter(email__in=chunk).values_list("email", "pk"))
    return ids


def _count_joined(subscriptions: list[Subscription]) -> None:
    per_day = Counter((s.newsletter_id, timezone.localdate(s.consent_at)) for s in subscriptions)
    for (newsletter_id, day), joined in per_day.items():
        row, _ = SubscriptionDay.objects.get_or_create(newsletter_id=newsletter_id, day=day)
        SubscriptionDay.objects.filter(pk=row.pk).update(joined=F("joined") + joined)
