import os
import secrets
import time

from django.core.management.base import BaseCommand

from masthead.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (The Calder Ledger): 5 sections, 8 authors, 60 articles, "
        "generated images, editors' picks and the users 'editor' and 'reporter'. Safe to run "
        "again: nothing is duplicated. The password comes from MASTHEAD_DEMO_PASSWORD, or is "
        "generated and printed."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        password = os.environ.get("MASTHEAD_DEMO_PASSWORD")
        generated = not password
        password = password or secrets.token_urlsafe(12)
        self.stdout.write("Loading the demo newsroom ...")
        result = load_demo(password=password, progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {time.monotonic() - started:.1f} s: "
                f"{result['articles_created']} new articles."
            )
        )
        if generated:
            self.stdout.write(f"User 'editor' password: {password}")
