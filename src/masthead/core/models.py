"""Operations records: worker heartbeats, switches (webhooks paused) and media files
waiting out their grace period before deletion."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running worker process, refreshed every MASTHEAD_HEARTBEAT_INTERVAL s.

    A row whose `seen_at` is old belongs to a worker that died without saying so (killed,
    out of memory, machine gone); `masthead manage doctor` and /healthz report it.
    """

    worker_id = models.CharField(max_length=200, unique=True)
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=255)
    lane = models.CharField(max_length=200, blank=True, help_text="Queues it works on.")
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, pid {self.pid})"


class Switch(models.Model):
    """A newsroom-wide on/off switch kept in the database, e.g. `webhooks-paused` (set by
    `masthead manage restore`, so a restored copy does not send old deliveries)."""

    name = models.CharField(max_length=100, primary_key=True)
    on = models.BooleanField(default=False)
    note = models.CharField(max_length=255, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {'on' if self.on else 'off'}"


class PendingFileDeletion(models.Model):
    """A media file no row points at any more, deleted once `delete_after` has passed: a
    backup taken from an older snapshot of the database still finds it."""

    name = models.CharField(max_length=500)
    delete_after = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name
