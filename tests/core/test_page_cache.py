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
