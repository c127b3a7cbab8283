import os
import secrets
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from masthead.demo.loader import load_demo
from masthead.demo.renditions import prepare_demo_renditions


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (The Calder Ledger): 5 sections, 8 authors, 60 articles, "
        "generated images, editors' picks, 30 days of made-up reader views and the users 'editor' "
        "(Editor group), 'reporter' (Reporter group) and 'admin' (superuser), then every image "
        "size the public pages use. Safe to run again: nothing is duplicated. The password "
        "(the same for all three) comes from MASTHEAD_DEMO_PASSWORD, or is generated and printed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-renditions",
            action="store_true",
            help="leave the image sizes to the worker (the first page views are then slow)",
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
        if settings.MASTHEAD_PREPARE_RENDITIONS and not options["no_renditions"]:
            # Before the server starts, so the first reader does not wait for resizes.
            started = time.monotonic()
            self.stdout.write("Making the image sizes the public pages use ...")
            sizes = prepare_demo_renditions(progress=self.stdout.write)
            self.stdout.write(f"  {sizes} image sizes ready in {time.monotonic() - started:.1f} s")
        if generated:
            self.stdout.write(f"Password of 'editor', 'reporter' and 'admin': {password}")
