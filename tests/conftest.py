"""Shared fixtures: a real site tree (home → section → articles) on the test database."""

import io
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from masthead.news.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    # Each test writes images and audio to its own folder, so file assertions are exact.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from masthead.core import invalidation
    from masthead.core.memo import memo
    from masthead.news.selectors import card_store

    cache.clear()
    card_store.clear()  # kept in this process (tests reuse ids after a rollback)
    memo.clear()
    invalidation.state.reset()  # the cleared cache's invalidation log is read again
    yield
    cache.clear()
    card_store.clear()
    memo.clear()
    invalidation.state.reset()


@pytest.fixture
def process_caches_on(settings):
    """The per-process card store and memo on, as in production (the test settings turn
    them off); changes that must be seen then commit inside
    `django_capture_on_commit_callbacks(execute=True)`."""
    settings.MASTHEAD_CARD_CACHE_SIZE = 500
    settings.MASTHEAD_MEMO_SECONDS = 60


def make_image_file(name: str = "test.jpg", size=(1200, 675), colour=(120, 80, 40)) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG")
    return ImageFile(buffer, name=name)


@pytest.fixture
def image(db):
    return get_image_model().objects.create(title="Test image", file=make_image_file())


@pytest.fixture
def home(db) -> HomePage:
    root = Page.get_first_root_node()
    for page in root.get_children():
        page.delete()
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    return home


@pytest.fixture
def section(home) -> SectionPage:
    section = home.add_child(instance=SectionPage(title="News", slug="news"))
    section.save_revision().publish()
    return section


@pytest.fixture
def author(db) -> Author:
    return Author.objects.create(name="Mara Okafor", slug="mara-okafor", role="Reporter")


@pytest.fixture
def make_article(section, image, author) -> Callable[..., ArticlePage]:
    counter = {"n": 0}

    def make(
        *,
        title: str | None = None,
        body: list | None = None,
        tags: list[str] = (),
        authors: list[Author] | None = None,
        parent: SectionPage | None = None,
        publish: bool = True,
        **fields,
    ) -> ArticlePage:
        counter["n"] += 1
        n = counter["n"]
        page = ArticlePage(
            title=title or f"Article number {n}",
            slug=fields.pop("slug", f"article-{n}"),
            dek=fields.pop("dek", f"The standfirst of article {n}."),
            hero_image=fields.pop("hero_image", image),
            hero_alt=fields.pop("hero_alt", "A test picture"),
            body=body or [{"type": "paragraph", "value": f"<p>Body of article {n}.</p>"}],
            live=False,
            **fields,
        )
        for order, a in enumerate(authors if authors is not None else [author]):
            page.article_authors.add(ArticleAuthor(author=a, sort_order=order))
        if tags:
            page.tags.add(*tags)
        (parent or section).add_child(instance=page)
        if publish:
            page.save_revision().publish()
            page.refresh_from_db()
        return page

    return make


def as_loaded(page) -> dict[str, str]:
    """The fields Wagtail's edit form carries to say which version the editor loaded
    (the server refuses a save built from an older one: news/concurrency.py)."""
    latest = page.get_latest_revision()
    if latest is None:
        return {}
    return {
        "loaded_revision_id": str(latest.pk),
        "loaded_revision_created_at": latest.created_at.isoformat(),
    }


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (tests/mail_server.py) receiving this test's e-mail:
    the settings MASTHEAD_EMAIL_URL gives for it, with a user name and password."""
    from masthead.core.email_url import email_settings
    from tests.mail_server import Mailbox, running_server

    mailbox = Mailbox()
    with running_server(mailbox, auth=True) as port:
        for name, value in email_settings(f"smtp://mailer:pa%24%24@127.0.0.1:{port}").items():
            setattr(settings, name, value)
        settings.DEFAULT_FROM_EMAIL = "The Calder Ledger <desk@calder.example>"
        settings.MASTHEAD_EMAIL_FROM = settings.DEFAULT_FROM_EMAIL
        yield mailbox
