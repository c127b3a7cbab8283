"""A small newsroom (two sections, two authors, tags, a draft, an unpublished story, an
old story) and a real HTTP receiver on 127.0.0.1 for webhooks."""

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree
from wagtail.images import get_image_model

from masthead.news.models import Author, Correction, SectionPage
from tests.conftest import make_image_file

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture
def big_image(db):
    # Large enough that every outgoing size is made at exactly its nominal dimensions.
    file = make_image_file("harbour.jpg", size=(2400, 1600), colour=(30, 90, 140))
    return get_image_model().objects.create(title="Harbour at dawn", file=file)


@dataclass
class Newsroom:
    news: SectionPage
    business: SectionPage
    mara: Author
    theo: Author
    bridge: object  # news, Mara, tags transport + city-hall, a correction, big image
    budget: object  # business, Mara and Theo, tag city-hall, updated
    market: object  # business, Theo, no tags
    archive: object  # news, Mara, published five days ago
    draft: object  # never published
    withdrawn: object  # published, then unpublished

    @property
    def live(self) -> list:
        """Live articles, newest first (as feeds list them)."""
        return [self.market, self.budget, self.bridge, self.archive]


@pytest.fixture
def newsroom(home, section, author, make_article, big_image) -> Newsroom:
    business = home.add_child(instance=SectionPage(title="Business", slug="business"))
    business.save_revision().publish()
    theo = Author.objects.create(
        name="Theo Brandt", slug="theo-brandt", role="Business Editor", bio="Covers money."
    )
    now = timezone.now()
    archive = make_article(
        title="Old harbour survey", display_date=now - timedelta(days=5), tags=["Harbour"]
    )
    bridge = make_article(
        title="Tarn bridge reopens",
        dek="Traffic returns after two years.",
        tags=["Transport", "City Hall"],
        hero_image=big_image,
        hero_alt="The bridge at dawn",
        hero_credit="Ledger staff",
        display_date=now - timedelta(hours=3),
    )
    bridge.corrections.add(
        Correction(date=now - timedelta(hours=1), text="An earlier version misdated the closure.")
    )
    bridge.save_revision().publish()
    bridge.refresh_from_db()
    budget = make_article(
        title="Council passes budget",
        parent=business,
        authors=[author, theo],
        tags=["City Hall"],
        display_date=now - timedelta(hours=2),
        last_updated_at=now - timedelta(minutes=30),
    )
    market = make_article(
        title="Market hall sold",
        parent=business,
        authors=[theo],
        display_date=now - timedelta(hours=1),
    )
    draft = make_article(title="Secret scoop", tags=["Scoop"], publish=False)
    withdrawn = make_article(title="Withdrawn story", tags=["Retracted"])
    withdrawn.unpublish()
    return Newsroom(
        section, business, author, theo, bridge, budget, market, archive, draft, withdrawn
    )


def parse_xml(content: bytes):
    return etree.fromstring(content)


def validator(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


# --- a webhook receiver on loopback -------------------------------------------------------


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(settings):
    # Webhooks refuse loopback addresses by default (egress.py); the receivers of these
    # tests listen on 127.0.0.1. tests/distribution/test_webhook_ssrf.py sets its own.
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@dataclass
class Receiver:
    url: str
    requests: list = field(default_factory=list)
    statuses: list = field(default_factory=list)  # answered in turn; then 200
    hang_seconds: float = 0.0

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if state.hang_seconds:
                threading.Event().wait(state.hang_seconds)
            status = state.next_status()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(f"status {status}".encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/masthead"
    yield state
    server.shutdown()
    server.server_close()
