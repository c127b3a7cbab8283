"""Front-cache purging: which PURGE and BAN requests a change sends, after its commit.

A real HTTP server on loopback stands in for Varnish and records the requests it gets;
tests/core/test_varnish.py runs the same purges against varnishd itself.
"""

import logging
import runpy
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.db import transaction

from masthead.core import front_cache
from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.narration.models import Narration
from masthead.narration.signals import narration_ready
from masthead.news.models import Author, SectionPage


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.requests: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def sent(self, method: str) -> set[str]:
        return {path for m, path, _ in self.requests if m == method}

    def banned_tags(self) -> set[str]:
        """The cache tags of the BAN requests (X-Purge-Tags, core/invalidation.py)."""
        return {t for header in self.tags for t in header.split()}


class RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Varnish

    def record(self) -> None:
        if self.headers["X-Purge-Tags"]:
            self.server.tags.append(self.headers["X-Purge-Tags"])
        else:
            self.server.requests.append((self.command, self.path, self.headers["Host"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PURGE = do_BAN = record

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as one committed transaction (its on-commit callbacks run at the end)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def varnish(settings):
    """The recording server, configured as the front cache. Ask for it after the fixtures
    that make pages: the tests look at what a change in the test body sends."""
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "masthead.core.front_cache.VarnishBackend", "LOCATION": server.url}
    }
    yield server
    front_cache.wait_for_repeats()
    server.shutdown()
    server.server_close()


EVERYTHING = {("BAN", "/", "testserver")}
# What a new article tagged "Harbour" and "City Hall" by Mara Okafor in News shows on.
LISTINGS = {
    "/",
    "/news/",
    "/search/",
    "/news-sitemap.xml",
    "/feeds/rss.xml",
    "/feeds/atom.xml",
    "/feeds/sections/news/rss.xml",
    "/feeds/sections/news/atom.xml",
    "/topics/",
    "/tags/harbour/",
    "/feeds/tags/harbour/rss.xml",
    "/feeds/tags/harbour/atom.xml",
    "/tags/city-hall/",
    "/feeds/tags/city-hall/rss.xml",
    "/feeds/tags/city-hall/atom.xml",
    "/authors/mara-okafor/",
    "/feeds/authors/mara-okafor/rss.xml",
    "/feeds/authors/mara-okafor/atom.xml",
}


def test_a_new_article_bans_the_tags_of_its_page_and_every_listing_of_it_after_the_commit(
    make_article, section, author, varnish, django_capture_on_commit_callbacks
):
    from taggit.models import Tag

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = make_article(title="Fire at the quay", tags=["Harbour", "City Hall"])
    assert varnish.requests == varnish.tags == []  # nothing before the commit
    for callback in callbacks:
        callback()
    tag_ids = Tag.objects.filter(name__in=["Harbour", "City Hall"]).values_list("pk", flat=True)
    assert varnish.banned_tags() == {
        f"page-{article.pk}", "home", f"section-{section.get_parent().pk}",
        f"section-{section.pk}", *(f"tag-{pk}" for pk in tag_ids), "topics",
        f"author-{author.pk}", "feed", "sitemap", "search", "any",
    }  # fmt: skip
    assert varnish.requests == []  # no URL purges: Varnish bans by tag


def test_the_article_of_a_section_under_a_section_bans_both(
    make_article, section, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inner = section.add_child(instance=SectionPage(title="Courts", slug="courts"))
        inner.save_revision().publish()
    varnish.tags.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(parent=inner, tags=[])
    assert article.url == "/news/courts/article-1/"
    assert {"home", f"section-{section.pk}", f"section-{inner.pk}"} <= varnish.banned_tags()


@pytest.mark.parametrize("change", ["edit", "unpublish", "move"])
def test_an_edited_unpublished_or_moved_article_bans_its_tags_only(
    change, make_article, section, varnish, committed
):
    """Pages that show its card carry its page-<id> tag; its listings carry theirs."""
    with committed():
        article = make_article(title="Original headline")
        other = section.get_parent().add_child(instance=SectionPage(title="Sport", slug="sport"))
    varnish.requests.clear()
    varnish.tags.clear()
    with committed():
        if change == "edit":
            article.title = "Corrected headline"
            article.save_revision().publish()
        elif change == "unpublish":
            article.unpublish()
        else:
            article.move(other, pos="last-child")
    assert {f"page-{article.pk}", "home", f"section-{section.pk}"} <= varnish.banned_tags()
    if change == "move":
        assert f"section-{other.pk}" in varnish.banned_tags()
    assert varnish.sent("BAN") == set()


@pytest.mark.parametrize(
    "change",
    ["delete", "section", "pick", "author", "unpick"],
)
def test_any_other_change_bans_every_page(
    change, make_article, section, author, varnish, committed
):
    """A section's title and Editors' Picks show on every page, an author's byline on many
    (a deleted article here: its pick goes with it)."""
    with committed():
        article = make_article(title="Original headline")
        section.get_parent().add_child(instance=SectionPage(title="Sport", slug="sport"))
        pick = EditorsPick.objects.create(collection=EditorsPicks.load(), article=article)
    varnish.requests.clear()
    with committed():
        if change == "delete":
            article.delete()
        elif change == "section":
            section.title = "World news"
            section.save_revision().publish()
        elif change == "pick":
            EditorsPick.objects.create(collection=EditorsPicks.load(), article=article)
        elif change == "unpick":
            pick.delete()
        elif change == "author":
            author.role = "Senior reporter"
            author.save()
    # Once, however many signals the change sent.
    assert [r for r in varnish.requests if r[0] == "BAN"] == list(EVERYTHING)
    assert varnish.sent("PURGE") == set()


@pytest.mark.parametrize("chosen_in", ["editors picks", "read also"])
def test_a_new_article_already_picked_for_other_pages_bans_the_pages_showing_it(
    chosen_in, make_article, varnish, committed
):
    from masthead.audience.models import ReadAlsoPick

    with committed():
        draft = make_article(publish=False)
        if chosen_in == "editors picks":
            EditorsPick.objects.create(collection=EditorsPicks.load(), article=draft)
        else:
            picker = make_article(read_also_picks=[ReadAlsoPick(article=draft)])
    varnish.tags.clear()
    with committed():
        draft.save_revision().publish()
    # Every page with the picks rail carries "picks"; the picking article its page tag.
    shown_on = "picks" if chosen_in == "editors picks" else f"page-{picker.pk}"
    assert {f"page-{draft.pk}", shown_on} <= varnish.banned_tags()


def test_deleting_a_section_with_its_articles_bans_once(
    make_article, section, varnish, django_capture_on_commit_callbacks
):
    for _ in range(3):
        make_article()
    varnish.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        section.delete()
    assert varnish.requests == list(EVERYTHING)


def test_a_ready_narration_purges_the_article_and_the_podcast_feed(
    make_article, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article()
    varnish.tags.clear()
    with django_capture_on_commit_callbacks(execute=True):
        narration_ready.send(sender=Narration, narration=SimpleNamespace(article_id=article.pk))
    assert varnish.banned_tags() == {f"page-{article.pk}", "podcast", "any"}
    assert varnish.requests == []


def test_scheduling_a_new_article_for_later_purges_nothing(
    make_article, varnish, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    draft = make_article(publish=False)
    draft.go_live_at = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    assert varnish.requests == varnish.tags == []


def test_a_rolled_back_change_purges_nothing(make_article, varnish):
    article = make_article()
    varnish.requests.clear()
    varnish.tags.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Never published"
        article.save_revision().publish()
        raise RuntimeError("rolled back")
    assert varnish.requests == varnish.tags == []


def test_without_a_front_cache_nothing_is_sent_and_nothing_waits_for_the_commit(
    make_article, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {}
    with django_capture_on_commit_callbacks() as callbacks:
        make_article()
    assert callbacks  # the app cache's
    assert not any("purge_on_commit" in getattr(c, "__qualname__", "") for c in callbacks)


def test_a_front_cache_that_is_down_is_logged_and_the_publish_goes_through(
    make_article, settings, caplog, django_capture_on_commit_callbacks
):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "masthead.core.front_cache.VarnishBackend",
            "LOCATION": f"http://127.0.0.1:{port}",
        }
    }
    with caplog.at_level(logging.ERROR, "masthead.front_cache"):
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(title="Published anyway")
    article.refresh_from_db()
    assert article.live
    assert "unreachable" in caplog.text


def test_with_the_app_page_cache_the_purge_is_sent_again_after_the_generation_check(
    make_article, varnish, settings, django_capture_on_commit_callbacks
):
    """Until every app process has re-read the generation, one of them may answer a
    Varnish miss with the old page: a second purge removes it."""
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0.2
    author = Author.objects.get(slug="mara-okafor")
    with django_capture_on_commit_callbacks(execute=True):
        author.save()
    assert varnish.requests == list(EVERYTHING)
    front_cache.wait_for_repeats()
    assert varnish.requests == list(EVERYTHING) * 2


def base_settings() -> dict:
    """masthead/settings/base.py run afresh (the environment as it is now)."""
    import masthead.settings.base

    return runpy.run_path(masthead.settings.base.__file__)


def test_the_setting_lists_one_backend_per_varnish(monkeypatch):
    monkeypatch.setenv("MASTHEAD_VARNISH_URL", "http://10.0.0.5:6081, http://10.0.0.6:6081")
    config = base_settings()["WAGTAILFRONTENDCACHE"]
    assert [c["LOCATION"] for c in config.values()] == [
        "http://10.0.0.5:6081",
        "http://10.0.0.6:6081",
    ]
    monkeypatch.setenv("MASTHEAD_VARNISH_URL", "")
    assert base_settings()["WAGTAILFRONTENDCACHE"] == {}
