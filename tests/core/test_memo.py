"""The per-process memo (core/memo.py) and what is kept in it: the request's site and
home page (core/sites.py), whether any view restriction exists (news.models) and the
editors' picks (curation/selectors.py); with the one-query article routing.

The test settings turn the memo off (a test's transaction is never committed, so the
on-commit invalidation never runs): here it is on, and every change that must be seen
runs inside `django_capture_on_commit_callbacks(execute=True)`.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from masthead.core import invalidation, page_cache
from masthead.core import memo as memo_module
from masthead.core.memo import GenerationMemo, current_generation, memo
from masthead.core.sites import SiteMiddleware, site_for_request
from masthead.curation import selectors as curation_selectors
from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.curation.selectors import editors_pick_ids, editors_picks
from masthead.news.models import ArticlePage, HomePage, SectionPage
from masthead.news.selectors import nav_sections

pytestmark = pytest.mark.usefixtures("process_caches_on")


class Counter:
    """A compute function that counts its calls and returns what it is told to."""

    def __init__(self, *values) -> None:
        self.values, self.calls = list(values), 0

    def __call__(self):
        self.calls += 1
        return self.values[min(self.calls, len(self.values)) - 1]


def queries(function, *args, **kwargs) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = function(*args, **kwargs)
    return result, [q["sql"] for q in captured.captured_queries]


def touching(sql: list[str], table: str) -> list[str]:
    return [q for q in sql if f'"{table}"' in q]


# --- GenerationMemo -------------------------------------------------------------------------


def test_a_value_is_kept_within_a_generation(db):
    kept = GenerationMemo()
    compute = Counter("first", "second")
    assert kept.get(("k",), compute) == "first"
    assert kept.get(("k",), compute) == "first"
    assert compute.calls == 1


def test_a_value_is_computed_again_after_invalidate_all(db):
    kept = GenerationMemo()
    compute = Counter("first", "second", "third")
    assert kept.get(("k",), compute) == "first"
    page_cache.invalidate_all()
    assert kept.get(("k",), compute) == "second"
    assert kept.get(("k",), compute) == "second"
    page_cache.invalidate_all()
    assert kept.get(("k",), compute) == "third"
    assert compute.calls == 3


def test_a_generation_moved_on_by_another_process_is_seen_at_the_next_check(db, settings):
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0
    page_cache.invalidate_all()  # a generation in the shared cache
    kept = GenerationMemo()
    compute = Counter("first", "second")
    assert kept.get(("k",), compute) == "first"
    shared = page_cache.page_cache()  # a change made by another process: a line in the log
    sequence = shared.get(invalidation.SEQUENCE_KEY) + 1
    shared.set(invalidation.LINE_KEY.format(sequence), [invalidation.ANY])
    shared.incr(invalidation.SEQUENCE_KEY)
    assert kept.get(("k",), compute) == "second"


def test_a_value_computed_while_the_generation_moved_on_is_not_reused(db):
    kept = GenerationMemo()
    calls = []

    def compute_during_a_publish():
        calls.append(1)
        if len(calls) == 1:
            page_cache.invalidate_all()  # committed while this value was being read
        return len(calls)

    assert kept.get(("k",), compute_during_a_publish) == 1
    assert kept.get(("k",), compute_during_a_publish) == 2
    assert kept.get(("k",), compute_during_a_publish) == 2


def test_a_value_expires_after_the_memo_seconds(db, settings, monkeypatch):
    settings.MASTHEAD_MEMO_SECONDS = 60
    clock = [5000.0]
    monkeypatch.setattr(memo_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    kept = GenerationMemo()
    compute = Counter("first", "second")
    assert kept.get(("k",), compute) == "first"
    clock[0] = 5059.0
    assert kept.get(("k",), compute) == "first"
    clock[0] = 5060.5
    assert kept.get(("k",), compute) == "second"
    assert compute.calls == 2


def test_none_is_not_kept(db):
    kept = GenerationMemo()
    compute = Counter(None, None, "found")
    assert kept.get(("k",), compute) is None
    assert kept.get(("k",), compute) is None
    assert kept.get(("k",), compute) == "found"
    assert kept.get(("k",), compute) == "found"
    assert compute.calls == 3


@pytest.mark.parametrize("falsy", [False, [], 0, ""])
def test_false_and_empty_values_are_kept(db, falsy):
    kept = GenerationMemo()
    compute = Counter(falsy, "other")
    assert kept.get(("k",), compute) == falsy
    assert kept.get(("k",), compute) == falsy
    assert compute.calls == 1


def test_memo_seconds_zero_computes_every_time(db, settings):
    settings.MASTHEAD_MEMO_SECONDS = 0
    kept = GenerationMemo()
    compute = Counter("first", "second", "third")
    assert [kept.get(("k",), compute) for _ in range(3)] == ["first", "second", "third"]
    assert kept.values == {}


def test_keys_are_kept_apart_and_clear_forgets_them(db):
    kept = GenerationMemo()
    a, b = Counter("a1", "a2"), Counter("b1", "b2")
    assert (kept.get(("a",), a), kept.get(("b",), b)) == ("a1", "b1")
    assert (kept.get(("a",), a), kept.get(("b",), b)) == ("a1", "b1")
    kept.clear()
    assert (kept.get(("a",), a), kept.get(("b",), b)) == ("a2", "b2")


# --- the request's site (SiteMiddleware) -----------------------------------------------------


@pytest.fixture
def article(make_article):
    return make_article(title="Harbour bridge closes", slug="harbour-bridge")


def test_a_second_request_finds_its_site_without_a_query(client, article, settings):
    def second_request() -> tuple[bytes, list[str]]:
        client.get(article.url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(article.url)
        assert response.status_code == 200
        return response.content, [q["sql"] for q in captured.captured_queries]

    with CaptureQueriesContext(connection) as captured:
        first = client.get(article.url)
    assert first.status_code == 200
    on_html, on_sql = second_request()
    settings.MASTHEAD_MEMO_SECONDS = 0
    off_html, off_sql = second_request()

    assert on_html == off_html == first.content
    assert len(on_sql) < len(captured.captured_queries)
    assert len(on_sql) < len(off_sql)
    for table in ("wagtailcore_site", "wagtailcore_pageviewrestriction", "curation_editorspick"):
        assert touching(off_sql, table), table  # read on every request without the memo
        assert not touching(on_sql, table), table


def test_the_middleware_hands_wagtail_the_kept_site_and_its_specific_home_page(
    rf, home, django_assert_num_queries
):
    site = Site.objects.get()
    seen = SiteMiddleware(lambda request: Site.find_for_request(request))(rf.get("/"))
    assert seen.pk == site.pk
    assert type(seen.root_page) is HomePage
    with django_assert_num_queries(0):
        again = SiteMiddleware(lambda request: Site.find_for_request(request))(rf.get("/x/"))
        assert again is seen
        assert again.root_page.specific is again.root_page


def test_a_site_already_found_for_the_request_is_left_alone(rf, home):
    request = rf.get("/")
    request._wagtail_site = "found before"
    assert SiteMiddleware(lambda r: r._wagtail_site)(request) == "found before"


def test_saving_a_site_starts_a_new_generation(rf, home, django_capture_on_commit_callbacks):
    site = Site.objects.get()
    assert site_for_request(rf.get("/")).site_name == ""
    before = current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        site.site_name = "The Harbour Times"
        site.save()
    assert current_generation() != before
    assert site_for_request(rf.get("/")).site_name == "The Harbour Times"


def test_a_site_saved_without_its_commit_stays_as_it_was_kept(rf, home):
    # The memo is per generation: only the committed change (on_commit) moves it on.
    site = Site.objects.get()
    assert site_for_request(rf.get("/")).site_name == ""
    site.site_name = "The Harbour Times"
    site.save()
    assert site_for_request(rf.get("/")).site_name == ""


def test_a_new_root_page_is_routed_from_at_once(
    client, article, section, django_capture_on_commit_callbacks
):
    assert client.get("/news/harbour-bridge/").status_code == 200
    assert client.get("/harbour-bridge/").status_code == 404
    site = Site.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        site.root_page = section
        site.save()
    assert client.get("/harbour-bridge/").status_code == 200
    assert client.get("/news/harbour-bridge/").status_code == 404


def test_a_deleted_site_is_not_served(client, article, django_capture_on_commit_callbacks):
    assert client.get(article.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.all().delete()
    assert client.get("/news/harbour-bridge/").status_code == 404


def test_an_unknown_host_gets_wagtails_default_site(client, rf, article):
    site = Site.objects.get()
    for _ in range(2):  # found, then kept
        response = client.get("/news/harbour-bridge/", HTTP_HOST="localhost")
        assert response.status_code == 200
        assert b"Harbour bridge closes" in response.content
    kept = site_for_request(rf.get("/", HTTP_HOST="localhost"))
    wagtails = Site._find_for_request(rf.get("/", HTTP_HOST="localhost"))
    assert kept.pk == wagtails.pk == site.pk


def test_an_unknown_host_without_a_default_site_gets_a_404_until_there_is_one(
    client, rf, article, django_capture_on_commit_callbacks
):
    site = Site.objects.get()
    Site.objects.filter(pk=site.pk).update(is_default_site=False)
    assert Site._find_for_request(rf.get("/", HTTP_HOST="localhost")) is None  # Wagtail's
    for _ in range(2):
        assert site_for_request(rf.get("/", HTTP_HOST="localhost")) is None
        assert client.get("/news/harbour-bridge/", HTTP_HOST="localhost").status_code == 404
    assert client.get("/news/harbour-bridge/").status_code == 200  # its own host
    with django_capture_on_commit_callbacks(execute=True):
        site.is_default_site = True
        site.save()
    assert client.get("/news/harbour-bridge/", HTTP_HOST="localhost").status_code == 200


def test_each_host_and_port_keeps_its_own_site(client, article, section):
    Site.objects.create(hostname="127.0.0.1", port=80, root_page=section)
    Site.objects.create(hostname="testserver", port=8080, root_page=section)
    expected = [
        ("testserver", "80", "/news/harbour-bridge/", 200),
        ("127.0.0.1", "80", "/harbour-bridge/", 200),
        ("testserver", "8080", "/harbour-bridge/", 200),
        ("127.0.0.1", "80", "/news/harbour-bridge/", 404),
        ("testserver", "80", "/harbour-bridge/", 404),
        ("testserver", "8080", "/news/harbour-bridge/", 404),
    ]
    for _ in range(2):  # found, then kept
        seen = [
            (host, port, url, client.get(url, HTTP_HOST=host, SERVER_PORT=port).status_code)
            for host, port, url, _status in expected
        ]
        assert seen == expected


# --- routing -------------------------------------------------------------------------------


def outcome(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code, ""
    headline = BeautifulSoup(response.content, "html.parser").select_one("h1")
    return response.status_code, headline.get_text(strip=True)


@pytest.fixture
def tree(home, section, make_article):
    """News (live) and Sport (live) share an article slug; Archive is a draft section
    with a live article in it."""
    sport = home.add_child(instance=SectionPage(title="Sport", slug="sport"))
    sport.save_revision().publish()
    archive = home.add_child(instance=SectionPage(title="Archive", slug="archive", live=False))
    return SimpleNamespace(
        live=make_article(title="Live story", slug="live-story"),
        draft=make_article(title="Draft story", slug="draft-story", publish=False),
        news_shared=make_article(title="News result", slug="result"),
        sport_shared=make_article(title="Sport result", slug="result", parent=sport),
        archived=make_article(title="Archived story", slug="archived-story", parent=archive),
        archive=archive,
    )


EXPECTED_ROUTES = {
    "/news/live-story/": (200, "Live story"),
    "/news/draft-story/": (404, ""),
    "/sport/live-story/": (404, ""),  # the wrong section
    "/nowhere/live-story/": (404, ""),
    "/news/nothing-here/": (404, ""),
    "/news/live-story/extra/": (404, ""),
    "/news/result/": (200, "News result"),
    "/sport/result/": (200, "Sport result"),
    # Wagtail serves a live page under a draft parent: only the page itself must be live.
    "/archive/archived-story/": (200, "Archived story"),
    "/archive/": (404, ""),
}


def test_articles_are_routed_as_wagtail_routes_them(client, tree, monkeypatch):
    assert tree.archived.live and not tree.archive.live
    assert "archive" not in [s["slug"] for s in nav_sections()]
    ours = {url: outcome(client, url) for url in EXPECTED_ROUTES}
    assert ours == EXPECTED_ROUTES
    assert {url: outcome(client, url) for url in EXPECTED_ROUTES} == ours  # with all kept
    # Wagtail's own routing, a page at a time.
    monkeypatch.setattr(HomePage, "route", Page.route)
    monkeypatch.setattr(SectionPage, "route", Page.route)
    assert {url: outcome(client, url) for url in EXPECTED_ROUTES} == ours


def test_an_article_is_routed_in_one_query(rf, tree, django_assert_num_queries):
    home = HomePage.objects.get()
    nav_sections()  # cached, as after the first request
    request = rf.get("/news/live-story/")
    with django_assert_num_queries(1):
        page = home.route(request, ["news", "live-story"]).page
    assert type(page) is ArticlePage
    assert page.pk == tree.live.pk
    with django_assert_num_queries(1):
        assert home.route(request, ["sport", "result"]).page.pk == tree.sport_shared.pk


def test_a_moved_article_is_routed_at_its_new_place(
    client, tree, django_capture_on_commit_callbacks
):
    sport = SectionPage.objects.get(slug="sport")
    assert outcome(client, "/news/live-story/") == (200, "Live story")
    with django_capture_on_commit_callbacks(execute=True):
        tree.live.move(sport, pos="last-child")
    assert outcome(client, "/sport/live-story/") == (200, "Live story")
    # Not found at its old place: Wagtail's redirect (made on move) answers the 404.
    response = client.get("/news/live-story/")
    assert (response.status_code, response["Location"]) == (301, "/sport/live-story/")


def test_a_renamed_section_is_routed_by_its_new_slug(
    client, tree, section, django_capture_on_commit_callbacks
):
    assert outcome(client, "/news/live-story/") == (200, "Live story")
    section.slug = "latest"
    with django_capture_on_commit_callbacks(execute=True):
        section.save_revision().publish()
    assert outcome(client, "/latest/live-story/") == (200, "Live story")
    # Not found at its old place: Wagtail's redirect (made on commit) answers the 404.
    response = client.get("/news/live-story/")
    assert (response.status_code, response["Location"]) == (301, "/latest/live-story/")


def test_articles_of_an_unpublished_section_are_routed_as_wagtail_routes_them(
    client, tree, section, monkeypatch, django_capture_on_commit_callbacks
):
    urls = ["/news/", "/news/live-story/", "/news/draft-story/", "/news/result/"]
    assert [outcome(client, url)[0] for url in urls] == [200, 200, 404, 200]
    with django_capture_on_commit_callbacks(execute=True):
        section.unpublish()  # the section only: its articles stay live
    assert "news" not in [s["slug"] for s in nav_sections()]
    ours = {url: outcome(client, url) for url in urls}
    assert ours == {
        "/news/": (404, ""),
        "/news/live-story/": (200, "Live story"),
        "/news/draft-story/": (404, ""),
        "/news/result/": (200, "News result"),
    }
    monkeypatch.setattr(HomePage, "route", Page.route)
    monkeypatch.setattr(SectionPage, "route", Page.route)
    assert {url: outcome(client, url) for url in urls} == ours


# --- view restrictions ----------------------------------------------------------------------


def restrict(django_capture_on_commit_callbacks, page, **fields) -> PageViewRestriction:
    fields.setdefault("restriction_type", PageViewRestriction.PASSWORD)
    if fields["restriction_type"] == PageViewRestriction.PASSWORD:
        fields.setdefault("password", "s3cret")
    with django_capture_on_commit_callbacks(execute=True):
        return PageViewRestriction.objects.create(page=page, **fields)


def is_password_form(response) -> bool:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one('form input[name="password"]') is not None


@pytest.mark.parametrize("memo_seconds", [60, 0])
def test_a_password_on_the_section_hides_its_articles_at_once(
    client, article, section, settings, memo_seconds, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_MEMO_SECONDS = memo_seconds
    for _ in range(2):  # the second time with "no restrictions" kept, when the memo is on
        response = client.get(article.url)
        assert response.status_code == 200
        assert not is_password_form(response)
        assert b"Harbour bridge closes" in response.content
    restrict(django_capture_on_commit_callbacks, section)
    for _ in range(2):
        response = client.get(article.url)
        assert is_password_form(response)
        assert b"Harbour bridge closes" not in response.content
        assert b"Body of article" not in response.content


@pytest.mark.parametrize("memo_seconds", [60, 0])
def test_a_password_on_the_article_itself_hides_it(
    client, article, settings, memo_seconds, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_MEMO_SECONDS = memo_seconds
    assert b"Harbour bridge closes" in client.get(article.url).content
    restrict(django_capture_on_commit_callbacks, article)
    response = client.get(article.url)
    assert is_password_form(response)
    assert b"Harbour bridge closes" not in response.content


def test_a_password_on_the_section_hides_the_section_page(
    client, article, section, django_capture_on_commit_callbacks
):
    assert b"Harbour bridge closes" in client.get("/news/").content
    restrict(django_capture_on_commit_callbacks, section)
    response = client.get("/news/")
    assert is_password_form(response)
    assert b"Harbour bridge closes" not in response.content


def test_a_login_restriction_on_the_home_page_sends_readers_to_sign_in(
    client, article, home, django_capture_on_commit_callbacks
):
    assert client.get(article.url).status_code == 200
    restrict(django_capture_on_commit_callbacks, home, restriction_type=PageViewRestriction.LOGIN)
    for url in (article.url, "/news/", "/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"]


def test_removing_the_restriction_shows_the_article_again(
    client, article, section, django_capture_on_commit_callbacks
):
    restriction = restrict(django_capture_on_commit_callbacks, section)
    assert is_password_form(client.get(article.url))
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    response = client.get(article.url)
    assert response.status_code == 200
    assert b"Harbour bridge closes" in response.content


def test_a_restriction_elsewhere_leaves_other_articles_public(
    client, article, home, make_article, django_capture_on_commit_callbacks
):
    private = home.add_child(instance=SectionPage(title="Members", slug="members"))
    private.save_revision().publish()
    secret = make_article(title="Members only", slug="members-only", parent=private)
    restrict(django_capture_on_commit_callbacks, private)
    assert is_password_form(client.get(secret.url))
    response = client.get(article.url)
    assert response.status_code == 200
    assert b"Harbour bridge closes" in response.content


# --- editors' picks -------------------------------------------------------------------------


@pytest.fixture
def picks(make_article):
    """Five picked articles, in the editors' order."""
    articles = [make_article(title=f"Pick {n}") for n in range(5)]
    collection = EditorsPicks.load()
    for order, article in enumerate(articles):
        EditorsPick.objects.create(collection=collection, article=article, sort_order=order)
    return articles


def test_the_picks_are_read_once(picks, django_assert_num_queries):
    ids, sql = queries(editors_pick_ids, limit=4)
    assert ids == [p.pk for p in picks[:4]]
    assert touching(sql, "curation_editorspick")
    with django_assert_num_queries(0):
        assert editors_pick_ids(limit=4) == ids
        assert editors_pick_ids(limit=4, exclude_id=picks[0].pk) == [p.pk for p in picks[1:5]]


@pytest.mark.parametrize("memo_seconds", [60, 0])
def test_the_current_article_is_left_out_and_the_picks_still_fill_the_limit(
    picks, make_article, settings, memo_seconds
):
    settings.MASTHEAD_MEMO_SECONDS = memo_seconds
    pk = [p.pk for p in picks]
    other = make_article()
    assert editors_pick_ids(limit=4) == pk[:4]
    assert editors_pick_ids(limit=4, exclude_id=pk[1]) == [pk[0], pk[2], pk[3], pk[4]]
    assert editors_pick_ids(limit=4, exclude_id=pk[0]) == pk[1:5]
    assert editors_pick_ids(limit=4, exclude_id=pk[4]) == pk[:4]
    assert editors_pick_ids(limit=4, exclude_id=other.pk) == pk[:4]
    assert editors_pick_ids(limit=2, exclude_id=pk[0]) == pk[1:3]
    assert editors_pick_ids(limit=5, exclude_id=pk[2]) == [pk[0], pk[1], pk[3], pk[4]]
    assert [a.pk for a in editors_picks(limit=4, exclude_id=pk[1])] == [pk[0], *pk[2:5]]


def test_a_new_pick_is_seen_at_once(picks, make_article, django_capture_on_commit_callbacks):
    assert editors_pick_ids(limit=4) == [p.pk for p in picks[:4]]
    newcomer = make_article(title="Breaking")
    with django_capture_on_commit_callbacks(execute=True):
        EditorsPick.objects.create(collection=EditorsPicks.load(), article=newcomer, sort_order=-1)
    assert editors_pick_ids(limit=4) == [newcomer.pk] + [p.pk for p in picks[:3]]


def test_a_reordered_or_removed_pick_is_seen_at_once(picks, django_capture_on_commit_callbacks):
    assert editors_pick_ids(limit=3) == [p.pk for p in picks[:3]]
    last = EditorsPick.objects.get(article=picks[4])
    with django_capture_on_commit_callbacks(execute=True):
        last.sort_order = -1
        last.save()
    assert editors_pick_ids(limit=3) == [picks[4].pk, picks[0].pk, picks[1].pk]
    with django_capture_on_commit_callbacks(execute=True):
        EditorsPick.objects.get(article=picks[0]).delete()
    assert editors_pick_ids(limit=3) == [picks[4].pk, picks[1].pk, picks[2].pk]


def test_an_unpublished_pick_drops_out_at_once(picks, django_capture_on_commit_callbacks):
    assert editors_pick_ids(limit=4) == [p.pk for p in picks[:4]]
    with django_capture_on_commit_callbacks(execute=True):
        picks[1].unpublish()
    assert editors_pick_ids(limit=4) == [picks[0].pk, picks[2].pk, picks[3].pk, picks[4].pk]


def test_an_expired_pick_drops_out_within_the_memo_seconds(picks, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(memo_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    now = timezone.now()
    EditorsPick.objects.filter(article=picks[0]).update(until=now + dt.timedelta(minutes=30))
    assert editors_pick_ids(limit=4)[0] == picks[0].pk
    later = now + dt.timedelta(hours=1)
    monkeypatch.setattr(curation_selectors.timezone, "now", lambda: later)
    clock[0] = 161.0  # past MASTHEAD_MEMO_SECONDS
    assert editors_pick_ids(limit=4) == [p.pk for p in picks[1:5]]


def test_a_new_pick_shows_on_the_next_render_of_an_article(
    client, article, make_article, django_capture_on_commit_callbacks
):
    def picks_shown() -> list[str]:
        soup = BeautifulSoup(client.get(article.url).content, "html.parser")
        return [t.get_text(strip=True) for t in soup.select(".editors-picks .card-title")]

    assert picks_shown() == []
    chosen = make_article(title="Ferry timetable changes")
    with django_capture_on_commit_callbacks(execute=True):
        EditorsPick.objects.create(collection=EditorsPicks.load(), article=chosen, sort_order=0)
    assert picks_shown() == ["Ferry timetable changes"]
    assert memo.values  # kept: the picks, the site, the restriction check
