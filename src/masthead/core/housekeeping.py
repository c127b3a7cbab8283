"""Media files that nothing points at any more are deleted after a grace period, not at
once: a backup copies the database first and the media folder after it, and must still
find every file that snapshot of the database names (docs/operations.md)."""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .models import PendingFileDeletion


def grace_seconds() -> float:
    return float(getattr(settings, "MASTHEAD_MEDIA_DELETE_GRACE", 86400))


def schedule_file_deletion(*, names: list[str]) -> None:
    """Delete these storage files once the grace period has passed (at once when it is 0)."""
    names = [n for n in names if n]
    if not names:
        return
    grace = grace_seconds()
    if grace <= 0:
        for name in names:
            default_storage.delete(name)
        return
    after = timezone.now() + timedelta(seconds=grace)
    PendingFileDeletion.objects.bulk_create(
        [PendingFileDeletion(name=name, delete_after=after) for name in names]
    )


def delete_due_files(*, now=None) -> int:
    """Delete the files whose grace period has passed; returns how many rows were done."""
    now = now or timezone.now()
    done = 0
    due = PendingFileDeletion.objects.filter(delete_after__lte=now).order_by("pk")
    for pending in list(due[:1000]):
        with transaction.atomic():
            default_storage.delete(pending.name)
            pending.delete()
        done += 1
    return done
