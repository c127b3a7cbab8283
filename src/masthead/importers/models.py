"""What imports remember: which Masthead object each source object became, and a log of
every run.

`ImportedObject` is the memory that makes an import idempotent: one row per (source
system, source site, kind, source id), pointing at the object it became and carrying
a hash of the source record, so that a second run updates what changed, skips what did
not, and never creates a duplicate. `ImportRun` is the log an editor reads (and the
admin's progress bar): its status changes only through services.import_run_transition.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedObject(models.Model):
    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        IMAGE = "image", "Image"

    source = models.CharField(max_length=20, help_text="wordpress or ghost")
    source_site = models.CharField(
        max_length=255, blank=True, help_text="The old site's address, when the export says it."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    content_hash = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_site", "kind", "source_id"], name="imported_once"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} → {self.object_id}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, help_text="wordpress or ghost")
    file_name = models.CharField(max_length=255)
    # Where the uploaded file is kept for the background task (a storage name or path).
    upload_path = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    counts = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # {"warnings": [{"source_id", "message"}], "failures": [...], "lines": [...]}
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Renewed with every progress write: a running import whose heartbeat stopped for
    # MASTHEAD_IMPORT_LEASE seconds lost its worker, and is queued again (tasks.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.file_name} ({self.status})"

    def get_kind_display(self) -> str:
        return {"wordpress": "WordPress", "ghost": "Ghost"}.get(self.kind, self.kind)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.FINISHED else 0
        return min(100, round(100 * self.progress_done / self.progress_total))
