"""The view beacon endpoint: counts readers, drops bots, refuses bad input, stores nothing
personal."""

import json
import pickle
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from masthead.audience.models import DailyArticleViews
from masthead.audience.services import newsroom_day

from .conftest import BROWSER_UA, beacon_body, total_views

pytestmark = pytest.mark.django_db
JAVASCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")


@pytest.fixture
def article(make_article):
    return make_article(title="Harbour bridge reopens")


def test_a_beacon_counts_one_view_of_the_article_today(send_beacon, article):
    response = send_beacon(article.pk)
    assert response.status_code == 204
    row = DailyArticleViews.objects.get()
    assert (row.article_id, row.day, row.views) == (article.pk, newsroom_day(), 1)


def test_beacons_add_up_on_the_same_row(send_beacon, article):
    for n in range(5):
        send_beacon(article.pk, address=f"203.0.113.{n}")
    assert DailyArticleViews.objects.count() == 1
    assert total_views(article.pk) == 5


def test_the_response_sets_no_cookie_and_is_not_cached(send_beacon, article):
    response = send_beacon(article.pk)
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Wget/1.21.4",
        "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/109.0 Mobile Safari/537.36 Chrome-Lighthouse",
        "",
    ],
)
def test_bots_are_dropped_without_counting(send_beacon, article, user_agent):
    assert send_beacon(article.pk, user_agent=user_agent).status_code == 204
    assert total_views() == 0


def test_a_request_from_a_prerendered_page_is_not_counted(send_beacon, article):
    send_beacon(article.pk, HTTP_SEC_PURPOSE="prefetch;prerender")
    assert total_views() == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        BROWSER_UA,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36",
    ],
)
def test_ordinary_browsers_are_counted(send_beacon, article, user_agent):
    send_beacon(article.pk, user_agent=user_agent)
    assert total_views() == 1


def test_a_request_without_the_beacon_marker_is_refused(send_beacon, article):
    body = json.dumps({"article": article.pk})
    assert send_beacon(article.pk, body=body).status_code == 400
    wrong = beacon_body(article.pk, marker="something-else")
    assert send_beacon(article.pk, body=wrong).status_code == 400
    assert total_views() == 0


def test_an_unknown_article_id_is_refused(send_beacon, article):
    assert send_beacon(article.pk + 1000).status_code == 404
    assert total_views() == 0


def test_an_unpublished_article_is_refused(send_beacon, make_article):
    draft = make_article(publish=False)
    assert send_beacon(draft.pk).status_code == 404
    published = make_article()
    published.unpublish()
    assert send_beacon(published.pk).status_code == 404
    assert total_views() == 0


def test_an_article_unpublished_after_being_read_is_refused_at_once(send_beacon, article):
    assert send_beacon(article.pk).status_code == 204
    article.unpublish()
    assert send_beacon(article.pk, address="198.51.100.1").status_code == 404
    assert total_views() == 1


def test_a_page_that_is_not_an_article_is_refused(send_beacon, section, article):
    assert send_beacon(section.pk).status_code == 404
    assert total_views() == 0


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "[1, 2, 3]",
        '{"beacon": "masthead-view/1"}',
        '{"beacon": "masthead-view/1", "article": "12"}',
        '{"beacon": "masthead-view/1", "article": -4}',
        '{"beacon": "masthead-view/1", "article": true}',
        '{"beacon": "masthead-view/1", "article": 1.5}',
        '{"beacon": "masthead-view/1", "article": 99999999999999999999}',
        "\xff\xfe garbage",
    ],
)
def test_garbage_bodies_are_refused(send_beacon, article, body):
    assert send_beacon(article.pk, body=body).status_code == 400
    assert total_views() == 0


def test_an_oversized_body_is_refused(send_beacon, article):
    padded = json.dumps({"beacon": "masthead-view/1", "article": article.pk, "pad": "x" * 1100})
    assert send_beacon(article.pk, body=padded).status_code == 413
    assert total_views() == 0


def test_only_post_is_accepted(client, article):
    assert client.get("/_audience/view").status_code == 405
    assert total_views() == 0


def test_a_beacon_posted_from_another_site_is_refused(send_beacon, article):
    response = send_beacon(article.pk, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    response = send_beacon(article.pk, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert send_beacon(article.pk, HTTP_ORIGIN="http://testserver").status_code == 204
    assert total_views() == 1


def test_repeat_views_are_counted_when_dedupe_is_off(send_beacon, article):
    for _ in range(3):
        send_beacon(article.pk)
    assert total_views() == 3


def test_repeat_views_within_30_minutes_count_once_when_dedupe_is_on(
    send_beacon, article, make_article, settings
):
    settings.MASTHEAD_AUDIENCE_DEDUPE = True
    other = make_article()
    for _ in range(3):
        send_beacon(article.pk)
    send_beacon(other.pk)
    send_beacon(article.pk, address="198.51.100.9")
    assert total_views(article.pk) == 2
    assert total_views(other.pk) == 1


def test_no_personal_data_is_stored_in_any_column(send_beacon, article):
    address, agent = "203.0.113.77", BROWSER_UA + " UniqueReaderMarker"
    send_beacon(article.pk, address=address, user_agent=agent, HTTP_REFERER="https://x.example/")
    table = DailyArticleViews._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        columns = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    assert sorted(columns) == ["article_id", "day", "id", "views"]
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    for personal in (address, "UniqueReaderMarker", "x.example"):
        assert personal not in stored


def test_the_dedupe_cache_holds_neither_address_nor_user_agent(
    send_beacon, article, settings, tmp_path
):
    # A file cache of its own (whatever cache the run uses), so every stored value can be read.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.MASTHEAD_AUDIENCE_DEDUPE = True
    address, agent = "203.0.113.77", BROWSER_UA + " UniqueReaderMarker"
    send_beacon(article.pk, address=address, user_agent=agent)
    values = cached_values(Path(settings.CACHES["default"]["LOCATION"]))
    assert len(values) >= 2  # the day's salt and the "seen" entry
    for value in values:
        assert address not in repr(value)
        assert "UniqueReaderMarker" not in repr(value)


def cached_values(cache_dir: Path) -> list:
    """Every value in Django's file cache (each file: pickled expiry, zlib'd pickle)."""
    values = []
    for path in cache_dir.rglob("*.djcache"):
        with path.open("rb") as f:
            pickle.load(f)  # noqa: S301  (our own test cache)
            values.append(pickle.loads(zlib.decompress(f.read())))  # noqa: S301
    return values


def test_article_pages_carry_the_beacon_as_a_static_script_with_the_article_id(client, article):
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    script = soup.select_one("script[data-article]")
    assert script["data-article"] == str(article.pk)
    assert script["data-endpoint"] == "/_audience/view"
    assert script["src"].endswith("masthead/js/beacon.js")
    code = [s for s in soup.find_all("script") if s.get("type", "") in JAVASCRIPT_TYPES]
    assert not any(s.string and s.string.strip() for s in code)  # data (JSON-LD) may be inline


def test_the_article_page_is_the_same_for_every_reader(client, article):
    first = client.get(article.url, HTTP_USER_AGENT="Reader A", REMOTE_ADDR="203.0.113.1")
    second = client.get(article.url, HTTP_USER_AGENT="Reader B", REMOTE_ADDR="203.0.113.2")
    assert first.content == second.content
