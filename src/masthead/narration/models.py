"""Narrations (one per article) and the newsroom's pronunciation lexicon."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Narration(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Generating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    article = models.OneToOneField(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="narration"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.FloatField(default=0, help_text="Share of sentences done, 0 to 1.")
    # The audio readers hear: kept until a new version is complete, even if that fails.
    audio = models.FileField(upload_to="narration/", blank=True, max_length=255)
    timings = models.FileField(upload_to="narration/", blank=True, max_length=255)
    # The parts manifest of the latest run (parts.py): while it runs, readers with no
    # complete audio yet play its first parts; once ready, it points players at `audio`.
    manifest = models.FileField(upload_to="narration/", blank=True, max_length=255)
    # Rewritten and removed while a run speaks: a backup does not miss it (core/backup.py);
    # a restored run is repaired like any other whose worker stopped.
    transient_file_fields = ("manifest",)
    audio_size = models.PositiveIntegerField(default=0)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    voice = models.CharField(max_length=200, blank=True)
    text_hash = models.CharField(max_length=64, blank=True, help_text="Spoken text of the audio.")
    requested_hash = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Where the request stands in the slow lane (core/lanes.py): a retry or a re-run after
    # a crash goes back in at the same place.
    priority = models.SmallIntegerField(default=0)
    # The lease of the run generating it (services.py): a run renews it as it speaks; one
    # not renewed for MASTHEAD_NARRATION_LEASE seconds belongs to a worker that stopped.
    lease_token = models.CharField(max_length=32, blank=True)
    lease_renewed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    audio_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Narration of {self.article_id} ({self.status})"

    @property
    def has_audio(self) -> bool:
        return bool(self.audio)

    @property
    def is_live(self) -> bool:
        """No complete audio yet, but the run in progress has made its first part."""
        return not self.audio and self.status == self.Status.RUNNING and bool(self.manifest)

    @property
    def first_part_url(self) -> str:
        from django.core.files.storage import default_storage

        from .parts import part_name

        return default_storage.url(part_name(self.manifest.name, 1))

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


class PronunciationEntry(index.Indexed, models.Model):
    phrase = models.CharField(
        max_length=120, unique=True, help_text="A word or phrase as written, e.g. Calder."
    )
    spoken = models.CharField(
        max_length=200, help_text="How to say it, spelt as it sounds, e.g. Call-der."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Optional: why, or a source.")

    panels = [FieldPanel("phrase"), FieldPanel("spoken"), FieldPanel("note")]
    search_fields = [index.SearchField("phrase"), index.AutocompleteField("phrase")]

    class Meta:
        ordering = ["phrase"]
        verbose_name = "pronunciation"
        verbose_name_plural = "pronunciation lexicon"

    def __str__(self) -> str:
        return f"{self.phrase} → {self.spoken}"
