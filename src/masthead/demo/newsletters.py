"""The demo's newsletters: three of them, a few confirmed demo subscribers, and one issue
already sent (to var/mail/, the demo's file-based e-mail backend) for the admin to show."""

from datetime import time

from django.utils import timezone

from masthead.news.models import ArticlePage, SectionPage

NEWSLETTERS = [
    (
        "morning",
        "Morning briefing",
        "The day’s essential stories, every morning at seven.",
        "daily",
        time(7, 0),
        None,
        "",
    ),
    (
        "breaking",
        "Breaking news alerts",
        "Only when something big happens.",
        "on_demand",
        None,
        None,
        "",
    ),
    (
        "weekend",
        "The weekend read",
        "Culture and long reads for Saturday morning.",
        "weekly",
        time(9, 0),
        5,
        "culture",
    ),
]
SUBSCRIBERS = [
    ("ana.reader@example.org", ["morning", "breaking"]),
    ("bo.reader@example.org", ["morning"]),
    ("cy.reader@example.org", ["morning", "weekend"]),
    ("dee.reader@example.org", ["breaking", "weekend"]),
    ("eli.reader@example.org", ["morning", "breaking", "weekend"]),
]


def ensure_demo_newsletters(progress=print) -> dict[str, int]:
    from masthead.newsletters.models import Newsletter, Send, Subscriber, Subscription
    from masthead.newsletters.services import _count_day

    made = {}
    for position, (slug, name, description, schedule, at, weekday, section) in enumerate(
        NEWSLETTERS
    ):
        made[slug], _ = Newsletter.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "schedule": schedule,
                "send_time": at,
                "send_weekday": weekday,
                "position": position,
                "section": SectionPage.objects.filter(slug=section).first() if section else None,
            },
        )
    joined = 0
    for email, slugs in SUBSCRIBERS:
        subscriber, _ = Subscriber.objects.get_or_create(email=email)
        for slug in slugs:
            _, created = Subscription.objects.get_or_create(
                subscriber=subscriber,
                newsletter=made[slug],
                defaults={"status": "confirmed", "consent_at": timezone.now(), "source": "demo"},
            )
            if created:
                _count_day(made[slug].pk, joined=1)
                joined += 1
    sent = 0 if Send.objects.exists() else _send_first_issue(made["morning"])
    note = f", a first issue sent to {sent} (files in var/mail/)" if sent else ""
    progress(f"  {len(made)} newsletters, {joined} demo subscriptions{note}")
    return {"newsletters": len(made), "subscriptions": joined, "messages": sent}


def _send_first_issue(newsletter) -> int:
    """A digest of the newest stories, sent now in this process (no worker needed)."""
    from masthead.newsletters import issues, sending

    newest = ArticlePage.objects.live().order_by("-published_at").values_list("pk", flat=True)
    send = issues.create_digest(
        newsletter_id=newsletter.pk,
        article_ids=list(newest[:4]),
        subject="Morning briefing: welcome to the demo",
    )
    sending.schedule(send_id=send.pk)
    sending.deliver(send_id=send.pk)
    send.refresh_from_db()
    return send.sent_count
