"""Targeted invalidation (core/invalidation.py): a change makes stale what shows it, and
nothing else; compressed variants of cached pages (core/compression.py)."""

import gzip

import brotli
import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory

from masthead.core import invalidation
from masthead.core.page_cache import cache_key, page_cache
from masthead.news.models import SectionPage

BROWSER = "gzip, deflate, br"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0  # re-read at once in tests


@pytest.fixture
def newsroom(home, section, make_article, django_capture_on_commit_callbacks):
    """Two sections, an article in each; every page of interest requested once (cached)."""
    with django_capture_on_commit_callbacks(execute=True):
        sport = home.add_child(instance=SectionPage(title="Sport", slug="sport"))
        sport.save_revision().publish()
        news_article = make_article(title="Quay fire", tags=["Harbour"])
        sport_article = make_article(title="Cup final", parent=sport, authors=[])
    return {"sport": sport, "news_article": news_article, "sport_article": sport_article}


LISTINGS = ["/", "/news/", "/tags/harbour/", "/authors/mara-okafor/", "/feeds/rss.xml",
            "/feeds/sections/news/atom.xml", "/sitemap.xml", "/news-sitemap.xml"]  # fmt: skip


def states(client, paths) -> dict[str, str]:
    return {path: client.get(path)["X-Cache"] for path in paths}


def test_a_new_article_refreshes_its_listings_and_leaves_another_sections_page_a_hit(
    client, newsroom, make_article, django_capture_on_commit_callbacks
):
    others = ["/sport/", newsroom["sport_article"].url]
    states(client, LISTINGS + others)  # cached
    assert set(states(client, LISTINGS + others).values()) == {"HIT"}
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Bridge closed at dawn", tags=["Harbour"])
    after = states(client, LISTINGS + others)
    assert {p: after[p] for p in others} == {p: "HIT" for p in others}
    assert {p: after[p] for p in LISTINGS} == {p: "MISS" for p in LISTINGS}
    for path in ("/", "/news/", "/tags/harbour/", "/authors/mara-okafor/", "/feeds/rss.xml"):
        assert "Bridge closed at dawn" in client.get(path).content.decode(), path


def test_an_edited_article_refreshes_the_pages_that_show_its_card(
    client, newsroom, django_capture_on_commit_callbacks
):
    article = newsroom["news_article"]
    assert client.get("/tags/harbour/")["X-Cache"] == "MISS"
    assert client.get("/sport/")["X-Cache"] == "MISS"
    article.title = "Quay fire: the cause"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    page = client.get(article.url)
    assert page["X-Cache"] == "MISS" and "Quay fire: the cause" in page.content.decode()
    assert "Quay fire: the cause" in client.get("/tags/harbour/").content.decode()
    assert client.get("/sport/")["X-Cache"] == "HIT"


def test_a_change_of_a_section_makes_every_page_stale(
    client, newsroom, django_capture_on_commit_callbacks
):
    sport = newsroom["sport"]
    states(client, ["/news/", newsroom["news_article"].url])
    sport.title = "Sports"
    with django_capture_on_commit_callbacks(execute=True):
        sport.save_revision().publish()  # in every page's navigation
    assert set(states(client, ["/news/", newsroom["news_article"].url]).values()) == {"MISS"}


def test_a_change_another_process_made_is_seen_at_its_next_check(client, newsroom):
    path = newsroom["sport_article"].url
    states(client, [path, "/news/"])
    assert client.get(path)["X-Cache"] == "HIT"
    shared = page_cache()  # another process's publish of that article: a line in the log
    sequence = shared.get(invalidation.SEQUENCE_KEY) + 1
    shared.set(invalidation.LINE_KEY.format(sequence), [f"page-{newsroom['sport_article'].pk}"])
    shared.incr(invalidation.SEQUENCE_KEY)
    assert client.get(path)["X-Cache"] == "MISS"
    assert client.get("/news/")["X-Cache"] == "HIT"  # it does not show that article


def test_a_lost_line_of_the_log_makes_everything_stale(client, newsroom):
    client.get("/news/")
    shared = page_cache()
    shared.incr(invalidation.SEQUENCE_KEY)  # its line never written (or evicted)
    assert client.get("/news/")["X-Cache"] == "MISS"


def test_cached_pages_name_what_they_show(client, newsroom):
    article, sport_article = newsroom["news_article"], newsroom["sport_article"]
    home_tags = client.get("/")["X-Cache-Tags"].split()
    assert {"home", f"page-{article.pk}", f"page-{sport_article.pk}"} <= set(home_tags)
    section_tags = set(client.get("/news/")["X-Cache-Tags"].split())
    assert {f"section-{article.get_parent().pk}", f"page-{article.pk}"} <= section_tags
    assert f"page-{sport_article.pk}" not in section_tags
    assert "feed" in client.get("/feeds/rss.xml")["X-Cache-Tags"].split()
    assert "sitemap" in client.get("/sitemap.xml")["X-Cache-Tags"].split()


@pytest.mark.parametrize("accept, encoding", [("gzip", "gzip"), (BROWSER, "br"),
                                              ("br;q=0, gzip", "gzip"), ("", None),
                                              ("identity", None)])  # fmt: skip
def test_pages_are_served_in_the_encoding_asked_for(client, newsroom, accept, encoding):
    path = newsroom["news_article"].url
    plain = client.get(path).content
    for state in ("HIT", "HIT"):
        response = client.get(path, HTTP_ACCEPT_ENCODING=accept)
        assert response["X-Cache"] == state
        assert response.get("Content-Encoding") == encoding
        assert response["Vary"] == "Accept-Encoding"
        assert int(response["Content-Length"]) == len(response.content)
        body = {"gzip": gzip.decompress, "br": brotli.decompress, None: bytes}[encoding]
        assert body(response.content) == plain
    if encoding:
        assert len(response.content) < len(plain) / 2


def test_each_encoding_has_its_own_etag_and_revalidates(client, newsroom):
    path = newsroom["news_article"].url
    etags = {enc: client.get(path, HTTP_ACCEPT_ENCODING=enc)["ETag"] for enc in ("br", "gzip", "")}
    assert len(set(etags.values())) == 3
    assert (
        client.get(path, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etags["br"]).status_code
        == 304
    )
    # A gzip ETag does not validate the brotli body.
    stale = client.get(path, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etags["gzip"])
    assert stale.status_code == 200 and stale["Content-Encoding"] == "br"
    head = client.head(path, HTTP_ACCEPT_ENCODING="gzip")
    assert head.status_code == 200 and head["ETag"] == etags["gzip"]
    assert head["Content-Encoding"] == "gzip"


def test_cached_entries_hold_no_staff_data(client, newsroom):
    path = newsroom["news_article"].url
    editor = User.objects.create_superuser("ed", "ed@example.invalid", "pw")
    client.force_login(editor)
    assert "Edit post" in client.get(path).content.decode()
    client.logout()
    client.cookies.clear()
    client.get(path)  # an anonymous reader: cached now
    entry = page_cache().get(cache_key(RequestFactory().get(path)))
    for body in (entry["bodies"]["identity"], gzip.decompress(entry["bodies"]["gzip"])):
        text = body.decode()
        assert "Edit post" not in text and "csrfmiddlewaretoken" not in text
        assert "ed@example.invalid" not in text


def test_pages_with_the_editors_picks_rail_are_refreshed_when_a_picked_draft_goes_live(
    client, newsroom, make_article, django_capture_on_commit_callbacks
):
    from masthead.curation.models import EditorsPick, EditorsPicks

    page = newsroom["sport_article"].url
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_article(title="Picked while a draft", publish=False)
        EditorsPick.objects.create(collection=EditorsPicks.load(), article=draft)
    client.get(page)
    assert "picks" in client.get(page)["X-Cache-Tags"].split()
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    assert "Picked while a draft" in client.get(page).content.decode()
