"""Newsletters, who subscribed to them, what was sent, and what the provider reported back.

Personal data lives in `Subscriber` (the address) and in the rows that point at it
(`Subscription`, `SendRecord`, `DeliveryEvent`): erasing a subscriber deletes all of them
(services.erase_email). What survives an erasure is anonymous: a send's counts and the
per-day joined/left counts of `SubscriptionDay` (the subscriber chart).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index


class Newsletter(index.Indexed, models.Model):
    class Schedule(models.TextChoices):
        ON_DEMAND = "on_demand", "On demand (editors send articles or digests)"
        DAILY = "daily", "Daily digest"
        WEEKLY = "weekly", "Weekly digest"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    name = models.CharField(max_length=120, help_text="As readers see it, e.g. Morning briefing.")
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(
        max_length=300, blank=True, help_text="One sentence on the sign-up form."
    )
    sender_name = models.CharField(
        max_length=120, blank=True, help_text="The From name; the newsletter's name if empty."
    )
    sender_address = models.EmailField(
        blank=True, help_text="The From address; MASTHEAD_EMAIL_FROM's address if empty."
    )
    schedule = models.CharField(max_length=12, choices=Schedule.choices, default=Schedule.ON_DEMAND)
    send_time = models.TimeField(
        null=True, blank=True, help_text="Digests: the time of day (newsroom time zone)."
    )
    send_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, null=True, blank=True, help_text="Weekly digests: the day."
    )
    section = models.ForeignKey(
        "news.SectionPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional: digests take their stories from this section only.",
    )
    active = models.BooleanField(default=True, help_text="Offered to readers and sendable.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the sign-up form.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("sender_name"), FieldPanel("sender_address")]),
        MultiFieldPanel(
            [FieldPanel("schedule"), FieldPanel("send_time"), FieldPanel("send_weekday")],
            heading="Schedule",
        ),
        FieldPanel("section"),
        FieldRowPanel([FieldPanel("active"), FieldPanel("position")]),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """One e-mail address (normalised: services.normalise_email), whatever it signed up for."""

    email = models.EmailField(max_length=254, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Double opt-in: the nonce of the confirmation link now out (blank once confirmed), and
    # how many confirmation e-mails went out in the current window (a rate limit).
    confirm_nonce = models.CharField(max_length=32, blank=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    confirm_sent_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(
        max_length=60, blank=True, help_text="e.g. form:article, import, member."
    )
    created_at = models.DateTimeField(default=timezone.now)
    consent_at = models.DateTimeField(null=True, blank=True, help_text="When it was confirmed.")
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter"], name="one_subscription")
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self) -> str:
        return f"{self.subscriber_id} → {self.newsletter_id} ({self.status})"


class SubscriptionDay(models.Model):
    """Anonymous per-day counts behind the subscriber chart: confirmations and departures."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    joined = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "day"], name="one_subscription_day")
        ]

    def __str__(self) -> str:
        return f"{self.newsletter_id} on {self.day}: +{self.joined} -{self.left}"


class Send(models.Model):
    """One issue of a newsletter: an article or a digest, to every confirmed subscriber."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        DIGEST = "digest", "Digest"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="sends")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ARTICLE)
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Optional words above the stories.")
    article_ids = models.JSONField(default=list, help_text="The stories, in order (page ids).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    rate = models.FloatField(null=True, blank=True, help_text="Messages a second; empty: default.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The message as rendered when sending started (every recipient gets the same issue,
    # even after a restart); per-recipient links are filled in at send time.
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    # Anonymous counts: they outlive the per-recipient records (erasure, pruning).
    recipients = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    unknown_count = models.PositiveIntegerField(
        default=0, help_text="Interrupted mid-message by a crash: not sent again (at most once)."
    )
    bounce_count = models.PositiveIntegerField(default=0)
    complaint_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_renewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.newsletter})"

    @property
    def done_count(self) -> int:
        return self.sent_count + self.failed_count + self.unknown_count

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.recipients) if self.recipients else 0


class SendRecord(models.Model):
    """One recipient of one send. The unique (send, subscriber) pair is what keeps a restart
    from sending anyone a second copy (sending.py explains the boundary)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CLAIMED = "claimed", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Interrupted (not sent again)"
        SKIPPED = "skipped", "Skipped (unsubscribed meanwhile)"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="records")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="records")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "subscriber"], name="one_copy_per_recipient")
        ]
        indexes = [models.Index(fields=["send", "status"])]

    def __str__(self) -> str:
        return f"{self.send_id} → {self.subscriber_id} ({self.status})"


class DeliveryEvent(models.Model):
    """A bounce or complaint the provider reported (anymail tracking webhook)."""

    class Kind(models.TextChoices):
        HARD_BOUNCE = "bounced", "Hard bounce"
        SOFT_BOUNCE = "deferred", "Soft bounce"
        COMPLAINT = "complained", "Complaint (marked as spam)"
        REJECTED = "rejected", "Rejected by the provider"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed at the provider"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="events")
    send = models.ForeignKey(
        Send, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    provider = models.CharField(max_length=40, blank=True)
    description = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.subscriber_id}"
