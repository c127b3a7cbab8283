"""Composing issues: an article send, a digest of chosen or automatic stories (the day's
most read, audience/selectors.most_popular), the preview and the test send to oneself.
Scheduled digests (a newsletter's daily or weekly time) are made by `digests_due`."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.news.models import ArticlePage
from masthead.news.visibility import visible_to_readers

from . import issue_mail, sending
from .models import Newsletter, Send


class NotSendable(ValueError):
    pass


def digest_size() -> int:
    return int(getattr(settings, "MASTHEAD_NEWSLETTER_DIGEST_SIZE", 5))


def visible_article_ids(ids: list[int]) -> list[int]:
    found = set(
        visible_to_readers(ArticlePage.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )
    return [pk for pk in ids if pk in found]


def create_send(
    *,
    newsletter_id: int,
    article_ids: list[int],
    subject: str = "",
    intro: str = "",
    kind: str = Send.Kind.ARTICLE,
    user=None,
) -> Send:
    """A draft issue of published articles readers may see (an unpublished or restricted
    article is never sent)."""
    newsletter = Newsletter.objects.filter(pk=newsletter_id, active=True).first()
    if newsletter is None:
        raise NotSendable("That newsletter does not exist or is switched off.")
    ids = visible_article_ids([int(pk) for pk in article_ids])
    if not ids:
        raise NotSendable("Choose at least one published article readers can see.")
    if not subject:
        first = ArticlePage.objects.get(pk=ids[0]).title
        subject = first if kind == Send.Kind.ARTICLE else f"{newsletter.name}: {first}"
    return Send.objects.create(newsletter=newsletter, kind=kind, article_ids=ids,
                               subject=subject[:200], intro=intro, created_by=user)  # fmt: skip


def top_story_ids(*, newsletter: Newsletter, since: datetime, limit: int) -> list[int]:
    """The most read stories since `since` (filled with the newest), in the newsletter's
    section when it has one."""
    from masthead.audience.selectors import most_popular_ids

    ranking = [pk for pk, _ in most_popular_ids(since=since, limit=limit * 4)]
    if newsletter.section_id:
        section = newsletter.section
        inside = set(
            ArticlePage.objects.filter(pk__in=ranking, path__startswith=section.path).values_list(
                "pk", flat=True
            )
        )
        ranking = [pk for pk in ranking if pk in inside]
        if len(ranking) < limit:
            newest = visible_to_readers(
                ArticlePage.objects.filter(path__startswith=section.path)
            ).order_by("-published_at")
            newest_ids = newest.values_list("pk", flat=True)[:limit]
            ranking += [pk for pk in newest_ids if pk not in ranking]
    return visible_article_ids(ranking[:limit])


def create_digest(
    *, newsletter_id: int, article_ids: list[int] | None = None, subject: str = "", user=None
) -> Send:
    """A digest of the chosen stories, or of the last day's top stories (by views)."""
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    if not article_ids:
        since = timezone.now() - timedelta(days=7 if newsletter.schedule == "weekly" else 1)
        article_ids = top_story_ids(newsletter=newsletter, since=since, limit=digest_size())
    day = timezone.localdate().strftime("%B %-d")
    return create_send(newsletter_id=newsletter_id, article_ids=article_ids, kind=Send.Kind.DIGEST,
                       subject=subject or f"{newsletter.name}, {day}", user=user)  # fmt: skip


def preview(send: Send) -> str:
    """The issue's HTML as a recipient sees it (links point nowhere personal)."""
    html, _ = issue_mail.render_issue(send)
    return html


def send_test(*, send_id: int, to: str) -> None:
    """The issue to one address (an editor's own), now, outside the send's records."""
    from django.core.mail import get_connection

    send = Send.objects.select_related("newsletter").get(pk=send_id)
    html, text = issue_mail.render_issue(send)
    send.html, send.text = html, text  # not saved: the real send renders at its start
    message = issue_mail.IssueTemplate(send).message(subscriber_id=0, address=to,
                                                     connection=get_connection())  # fmt: skip
    message.subject = f"[Test] {message.subject}"
    message.send()


def _due_at(newsletter: Newsletter, now: datetime) -> datetime | None:
    """When today's scheduled digest is due (None: not today)."""
    if newsletter.schedule == Newsletter.Schedule.ON_DEMAND or newsletter.send_time is None:
        return None
    local = timezone.localtime(now)
    if newsletter.schedule == Newsletter.Schedule.WEEKLY and local.weekday() != (
        newsletter.send_weekday or 0
    ):
        return None
    return local.replace(hour=newsletter.send_time.hour, minute=newsletter.send_time.minute,
                         second=0, microsecond=0)  # fmt: skip


def digests_due(now: datetime | None = None) -> int:
    """Make and start today's scheduled digests that are due and not made yet (every
    worker runs this at each heartbeat: a reconciler, core/lanes.py)."""
    now = now or timezone.now()
    made = 0
    for newsletter in Newsletter.objects.filter(active=True).exclude(schedule="on_demand"):
        due = _due_at(newsletter, now)
        if due is None or now < due:
            continue
        with transaction.atomic():
            locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
            if Send.objects.filter(newsletter=locked, kind=Send.Kind.DIGEST,
                                   scheduled_at=due).exists():  # fmt: skip
                continue
            try:
                send = create_digest(newsletter_id=locked.pk)
            except NotSendable:
                continue
            send.scheduled_at = due
            send.save(update_fields=["scheduled_at"])
            sending.schedule(send_id=send.pk)
            made += 1
    return made
