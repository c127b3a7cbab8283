"""`masthead manage send_newsletter SLUG (--article ID | --digest [--article ID ...])
[--subject TEXT] [--at WHEN] [--here]`: prepare an issue and send it (the worker does, in
the background, unless --here), or schedule it; `--resume SEND_ID` resumes a failed one."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from masthead.newsletters import issues, sending
from masthead.newsletters.models import Newsletter, Send


class Command(BaseCommand):
    help = (
        "Send an article or a digest to a newsletter's confirmed subscribers. --digest "
        "without --article takes the day's most read stories. --at schedules it "
        "(ISO date-time, newsroom time zone); --here sends in this process, with progress."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("newsletter", nargs="?", help="the newsletter's slug")
        parser.add_argument("--article", type=int, action="append", default=[], help="page id")
        parser.add_argument("--digest", action="store_true", help="a digest of several stories")
        parser.add_argument("--subject", default="")
        parser.add_argument("--at", default="", help="when, e.g. 2026-05-01T07:00")
        parser.add_argument("--here", action="store_true", help="send in this process")
        parser.add_argument("--resume", type=int, help="resume this send (its id)")

    def handle(self, *args, **options) -> None:
        if options["resume"]:
            send = self._resume(options["resume"])
        else:
            send = self._prepare(options)
            at = _when(options["at"]) if options["at"] else None
            sending.schedule(send_id=send.pk, at=at)
            send.refresh_from_db()
            if send.status == Send.Status.SCHEDULED:
                when = timezone.localtime(send.scheduled_at)
                self.stdout.write(f"Issue {send.pk} “{send.subject}” scheduled for {when:%c}.")
                return
        if options["here"]:
            result = sending.deliver(send_id=send.pk)
            send.refresh_from_db()
            self.stdout.write(
                f"Issue {send.pk}: {result}; {send.sent_count} sent, "
                f"{send.failed_count} failed, {send.recipients} recipients."
            )
        else:
            self.stdout.write(f"Issue {send.pk} “{send.subject}” queued: the worker sends it.")

    def _prepare(self, options) -> Send:
        newsletter = Newsletter.objects.filter(slug=options["newsletter"] or "").first()
        if newsletter is None:
            slugs = ", ".join(Newsletter.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"Name a newsletter by its slug ({slugs}).")
        try:
            if options["digest"]:
                return issues.create_digest(
                    newsletter_id=newsletter.pk,
                    article_ids=options["article"],
                    subject=options["subject"],
                )
            if len(options["article"]) != 1:
                raise CommandError("Give one --article PAGE_ID, or --digest.")
            return issues.create_send(
                newsletter_id=newsletter.pk,
                article_ids=options["article"],
                subject=options["subject"],
            )
        except issues.NotSendable as error:
            raise CommandError(str(error)) from error

    def _resume(self, send_id: int) -> Send:
        send = Send.objects.filter(pk=send_id).first()
        if send is None:
            raise CommandError(f"No send {send_id}.")
        try:
            sending.schedule(send_id=send.pk)
        except sending.InvalidTransition as error:
            raise CommandError(f"Send {send_id} cannot be resumed ({error}).") from error
        return send


def _when(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--at {value!r}: use an ISO date-time, e.g. 2026-05-01T07:00"
        ) from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
