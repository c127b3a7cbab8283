from django.core.management.base import BaseCommand

from masthead.core.switches import (
    requeue_held_deliveries,
    set_webhooks_paused,
    webhooks_pause_note,
    webhooks_paused,
)


class Command(BaseCommand):
    help = (
        "Pause or resume every webhook delivery, or show whether they are paused "
        "(`masthead manage restore` pauses them). Resuming queues every delivery still "
        "waiting to be sent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["status", "pause", "resume"])
        parser.add_argument("--note", default="", help="why (shown by `status`)")

    def handle(self, *args, action: str, note: str, **options) -> None:
        if action != "status":
            set_webhooks_paused(paused=action == "pause", note=note or f"{action}d by hand")
        if action == "resume" and not webhooks_paused():
            self.stdout.write(f"Queued {requeue_held_deliveries()} waiting delivery(ies).")
        if webhooks_paused():
            reason = webhooks_pause_note()
            self.stdout.write("Webhook deliveries are paused" + (f": {reason}" if reason else "."))
        else:
            self.stdout.write("Webhook deliveries are running.")
