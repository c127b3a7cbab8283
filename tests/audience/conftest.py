"""Fixtures of the audience tests: beacons as beacon.js sends them, a private Redis."""

import json
import sqlite3
import threading
import uuid
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from masthead.audience import services
from masthead.audience.live import live_articles
from masthead.audience.models import DailyArticleViews

BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _quiet_audience(settings):
    # No background housekeeping in the middle of a test. The per-address limits live in
    # the cache, which every test starts empty (tests/conftest.py).
    settings.MASTHEAD_AUDIENCE_FLUSH_INTERVAL = 0
    settings.MASTHEAD_AUDIENCE_REDIS_URL = ""
    live_articles.forget()  # ids are reused from one test database to the next
    services._next_housekeeping_check = 0.0


def beacon_body(article_id, marker="masthead-view/1") -> str:
    return json.dumps({"beacon": marker, "article": article_id})


@pytest.fixture
def send_beacon(client):
    """POST a view the way beacon.js does (text/plain JSON body, a browser's headers)."""

    def send(article_id, *, body=None, user_agent=BROWSER_UA, address="203.0.113.7", **headers):
        return client.post(
            "/_audience/view",
            data=beacon_body(article_id) if body is None else body,
            content_type="text/plain;charset=UTF-8",
            HTTP_USER_AGENT=user_agent,
            REMOTE_ADDR=address,
            **headers,
        )

    return send


def total_views(article_id=None) -> int:
    rows = DailyArticleViews.objects.all()
    if article_id is not None:
        rows = rows.filter(article_id=article_id)
    return sum(rows.values_list("views", flat=True))


@pytest.fixture
def redis_buffer(settings):
    """The buffer on the test Redis (db 15) under a prefix of its own, removed after."""
    prefix = f"masthead-test:{uuid.uuid4().hex}:"
    url = django_settings.MASTHEAD_TEST_REDIS_URL
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {url}")
    settings.MASTHEAD_AUDIENCE_REDIS_URL = url
    settings.MASTHEAD_AUDIENCE_REDIS_PREFIX = prefix
    yield connection
    for key in connection.scan_iter(match=prefix + "*"):
        connection.delete(key)


def run_in_thread(function, *args):
    """Run `function` in a new thread (with its own database connection); its result."""
    result: list = []

    def target() -> None:
        try:
            result.append(function(*args))
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return result[0]


@pytest.fixture
def threads_database(transactional_db, tmp_path):
    """A database several threads can write at once, as in production.

    The suite's SQLite test database lives in memory with a shared cache, where SQLite
    fails a second writer at once ("database table is locked") instead of waiting for
    it; production runs SQLite from a file in WAL mode with a busy timeout. So on SQLite
    the in-memory database is copied to a WAL file and new threads' connections open
    that file. PostgreSQL needs nothing. Use run_in_thread() to read results.
    """
    settings_dict = connection.settings_dict
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "concurrent.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    with mock.patch.dict(settings_dict, {"NAME": str(path)}):
        yield
