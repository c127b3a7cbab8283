"""The anonymous full-page cache: hits, bypasses, and invalidation on publish."""

import pytest
from django.contrib.auth.models import User

from masthead.curation.models import EditorsPick, EditorsPicks


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0  # re-read at once in tests


@pytest.fixture
def article(make_article):
    return make_article(title="Original headline")


def test_a_second_anonymous_request_is_served_from_the_cache(client, article):
    first = client.get(article.url)
    second = client.get(article.url)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.content == second.content
    assert second["ETag"] == first["ETag"]
    assert "Set-Cookie" not in second
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_an_unchanged_page_revalidates_with_304(client, article):
    etag = client.get(article.url)["ETag"]
    response = client.get(article.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_signed_in_staff_bypass_the_cache_and_cached_html_has_no_staff_ui(client, article):
    client.get(article.url)  # cached for anonymous readers
    editor = User.objects.create_superuser("ed", "ed@example.invalid", "pw")
    client.force_login(editor)
    staff = client.get(article.url)
    assert "X-Cache" not in staff
    assert "Edit post" in staff.content.decode()
    client.logout()
    client.cookies.clear()
    anonymous = client.get(article.url)
    assert anonymous["X-Cache"] == "HIT"
    assert "Edit post" not in anonymous.content.decode()


def test_publishing_a_change_is_visible_at_once(
    client, article, django_capture_on_commit_callbacks
):
    client.get(article.url)
    home_before = client.get("/").content.decode()
    assert "Original headline" in home_before
    article.title = "Corrected headline"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert "Corrected headline" in client.get(article.url).content.decode()
    assert "Corrected headline" in client.get("/").content.decode()
    assert "Corrected headline" in client.get("/news/").content.decode()


def test_unpublishing_removes_the_page_and_its_listings_at_once(
    client, article, django_capture_on_commit_callbacks
):
    url = article.url
    assert client.get(url).status_code == 200
    assert "Original headline" in client.get("/news/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert client.get(url).status_code == 404
    assert "Original headline" not in client.get("/news/").content.decode()


def test_changing_editors_picks_refreshes_cached_pages(
    client, make_article, django_capture_on_commit_callbacks
):
    picked = make_article(title="A picked story")
    assert "A picked story" not in _picks_html(client)
    with django_capture_on_commit_callbacks(execute=True):
        EditorsPick.objects.create(collection=EditorsPicks.load(), article=picked, sort_order=0)
    assert "A picked story" in _picks_html(client)


def _picks_html(client) -> str:
    from bs4 import BeautifulSoup

    box = BeautifulSoup(client.get("/").content, "html.parser").select_one(".editors-picks")
    return box.get_text() if box else ""


def test_posts_and_excluded_paths_are_never_cached(client, article):
    assert "X-Cache" not in client.post(article.url)
    assert "X-Cache" not in client.get("/admin/login/")


def test_only_known_query_parameters_make_a_new_cache_entry(client, make_article, settings):
    for _ in range(3):
        make_article()
    settings.MASTHEAD_PAGE_SIZE = 1
    assert client.get("/news/?page=2")["X-Cache"] == "MISS"
    assert client.get("/news/?page=2&utm_source=x")["X-Cache"] == "HIT"
    assert client.get("/news/?page=3")["X-Cache"] == "MISS"


# The in-process layer in front of Django (masthead/wsgi.py wraps Django in PageCacheApp).


class CountingDjango:
    """Django's own WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler, self.calls = WSGIHandler(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


def wsgi_get(app, path: str, method: str = "GET", **headers) -> tuple[str, dict, bytes]:
    from django.test.client import RequestFactory

    path, _, query = path.partition("?")
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method, **headers
    )
    response: dict = {}

    def start_response(status, header_list, exc_info=None):
        response.update(status=status, headers=dict(header_list))

    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return response["status"], response["headers"], body


@pytest.fixture
def fast_app(settings):
    from masthead.core.page_cache import PageCacheApp

    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0
    django_app = CountingDjango()
    return PageCacheApp(django_app), django_app


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_repeat_hit_is_answered_without_entering_django(fast_app, article):
    app, django_app = fast_app
    first = wsgi_get(app, article.url)
    second = wsgi_get(app, article.url)
    third = wsgi_get(app, article.url)
    assert django_app.calls == 1
    assert first[0] == second[0] == third[0] == "200 OK"
    assert first[2] == second[2] == third[2]
    assert b"Original headline" in third[2]
    assert (first[1]["X-Cache"], third[1]["X-Cache"]) == ("MISS", "HIT")
    # The same headers Django gave, security headers included.
    assert third[1]["ETag"] == first[1]["ETag"]
    assert third[1]["Referrer-Policy"] == first[1]["Referrer-Policy"]
    assert "Set-Cookie" not in third[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publish_makes_the_local_copies_stale_at_once(fast_app, article, make_article):
    app, django_app = fast_app
    section_url = article.get_parent().url
    wsgi_get(app, article.url), wsgi_get(app, section_url)
    article.title = "Corrected headline"
    article.save_revision().publish()
    make_article(title="A brand new story")
    calls = django_app.calls
    body = wsgi_get(app, article.url)[2]
    listing = wsgi_get(app, section_url)[2]
    assert django_app.calls == calls + 2
    assert b"Corrected headline" in body and b"Original headline" not in body
    assert b"A brand new story" in listing


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signed_in_posts_and_other_paths_pass_straight_through(fast_app, article):
    app, django_app = fast_app
    wsgi_get(app, article.url)
    calls = django_app.calls
    wsgi_get(app, article.url, HTTP_COOKIE="sessionid=abc")
    wsgi_get(app, article.url, method="POST")
    wsgi_get(app, "/admin/login/"), wsgi_get(app, "/admin/login/")
    assert django_app.calls == calls + 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_local_hits_answer_304_and_head_without_a_body(fast_app, article):
    app, django_app = fast_app
    etag = wsgi_get(app, article.url)[1]["ETag"]
    status, headers, body = wsgi_get(app, article.url, HTTP_IF_NONE_MATCH=etag)
    assert (status, body, headers["ETag"]) == ("304 Not Modified", b"", etag)
    status, headers, body = wsgi_get(app, article.url, method="HEAD")
    assert (status, body, headers["X-Cache"]) == ("200 OK", b"", "HIT")
    assert django_app.calls == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_errors_are_not_kept_and_query_parameters_key_the_copies(
    fast_app, article, make_article, settings
):
    settings.MASTHEAD_PAGE_SIZE = 1
    make_article(title="Second story")
    app, django_app = fast_app
    assert wsgi_get(app, "/no-such-page/")[0].startswith("404")
    assert wsgi_get(app, "/no-such-page/")[0].startswith("404")
    assert django_app.calls == 2
    section_url = article.get_parent().url
    page_one = wsgi_get(app, section_url)[2]
    page_two = wsgi_get(app, f"{section_url}?page=2")[2]
    tracked = wsgi_get(app, f"{section_url}?utm_source=x")[2]
    assert page_one != page_two
    assert tracked == page_one
    assert django_app.calls == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_local_copies_expire_and_memory_stays_within_its_bound(fast_app, article, settings):
    app, django_app = fast_app
    settings.MASTHEAD_PAGE_CACHE_LOCAL_SECONDS = 0
    wsgi_get(app, article.url), wsgi_get(app, article.url)
    assert django_app.calls == 2  # expired at once: back to Django (a shared-cache hit)
    settings.MASTHEAD_PAGE_CACHE_LOCAL_SECONDS = 10
    size = len(wsgi_get(app, article.url)[2])
    settings.MASTHEAD_PAGE_CACHE_LOCAL_MAX_BYTES = size * 5
    for n in range(8):
        wsgi_get(app, f"{article.url}?page={n}")
    assert app.store.size <= size * 5
    assert len(app.store.entries) < 8


def test_expired_local_copies_are_dropped_before_the_byte_bound_is_reached():
    from masthead.core.page_cache_app import Copy, LocalStore

    def entry(expires: float, body: bytes) -> Copy:
        return Copy(expires, 7, ("page-1",), "200 OK", [], '"etag"', body)

    store, far = LocalStore(), 1e12
    store.put("/a/", entry(0.0, b"a" * 100), max_bytes=10_000)  # expired
    store.put("/b/", entry(far, b"b" * 100), max_bytes=10_000)
    store.put("/c/", entry(far, b"c" * 100), max_bytes=10_000)
    # /a/ could answer no request: it is gone although far from the byte bound.
    assert list(store.entries) == ["/b/", "/c/"]
    assert store.size == 200
    store.put("/b/", entry(far, b"B" * 50), max_bytes=10_000)  # replaced
    assert list(store.entries) == ["/c/", "/b/"] and store.size == 150
    store.put("/d/", entry(far, b"d" * 40), max_bytes=160)  # over: oldest out
    assert list(store.entries) == ["/b/", "/d/"] and store.size == 90
