"""Outgoing webhooks: endpoints an admin configures, and the log of every delivery."""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    PUBLISHED = "article.published", _("Article published")
    UPDATED = "article.updated", _("Article updated (published again)")
    UNPUBLISHED = "article.unpublished", _("Article unpublished or deleted")
    NARRATION_READY = "narration.ready", _("Narration ready")


def new_secret() -> str:
    return secrets.token_hex(32)


def all_events() -> list[str]:
    return list(Event.values)


class Webhook(models.Model):
    name = models.CharField(max_length=120, help_text=_("Who receives this, e.g. Partner app."))
    url = models.URLField(
        "URL",
        max_length=500,
        help_text=_("Masthead POSTs a JSON payload here. Redirects are not followed."),
    )
    secret = models.CharField(
        max_length=128,
        default=new_secret,
        help_text=_(
            "Shared with the receiver, who checks the X-Masthead-Signature header "
            "(HMAC-SHA256 of the body with this secret)."
        ),
    )
    events = models.JSONField(default=all_events, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Per-endpoint back-off: after an endpoint fails (no answer, 5xx), its deliveries wait
    # until `backoff_until` instead of each holding the worker for a timeout of its own.
    failures_in_a_row = models.PositiveIntegerField(default=0, editable=False)
    backoff_until = models.DateTimeField(
        _("resting until"), null=True, blank=True, editable=False,
        help_text=_("After failed attempts, deliveries to this endpoint wait until then."),
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        from .egress import url_problem  # resolves the host name: only when a form is saved

        if self.url and (problem := url_problem(self.url)):
            raise ValidationError({"url": problem})

    def wants(self, event: str) -> bool:
        return self.is_active and event in (self.events or [])

    def events_display(self) -> str:
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(e, e)) for e in self.events or []) or "—"

    events_display.short_description = _("events")

    def resting_display(self) -> str:
        """ "Resting until 14:05 after 3 failures", or "—" for an endpoint that answers."""
        from django.utils import timezone
        from django.utils.formats import date_format

        if not self.backoff_until or self.backoff_until <= timezone.now():
            return "—"
        when = date_format(timezone.localtime(self.backoff_until), "DATETIME_FORMAT")
        return f"Resting until {when} after {self.failures_in_a_row} failure(s)"

    resting_display.short_description = _("deliveries")


class WebhookDelivery(models.Model):
    """One event sent to one endpoint; retried until it succeeds or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Waiting to retry")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=Event.choices, db_index=True)
    article_id = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=255, blank=True, help_text=_("Article headline."))
    # The exact bytes that are signed and sent, so every retry carries the same signature.
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.status})"

    def attempt_history(self) -> str:
        return ", ".join(str(a.status_code or a.error[:40]) for a in self.attempt_log.all())

    attempt_history.short_description = _("attempts")


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: what the endpoint answered, and how fast."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"Attempt {self.number}: {self.status_code or self.error}"
