"""Views cannot be bought: beacons are limited per address (whatever the user agent),
across web processes, with a daily cap per address and article, and no address stored."""

import json
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches

from masthead.audience import guards, services
from masthead.audience.services import newsroom_day

from .conftest import BROWSER_UA, total_views

pytestmark = pytest.mark.django_db


def rotating_agent(n: int) -> str:
    return BROWSER_UA.replace("Chrome/126.0.0.0", f"Chrome/126.0.{n}.{n % 97}")


@pytest.fixture
def article(make_article):
    return make_article(title="Obscure council minutes")


@pytest.fixture
def file_cache(settings, tmp_path) -> Path:
    """A file cache of the test's own, which other processes can open too."""
    location = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(location),
        }
    }
    return location


def test_1500_beacons_from_one_address_with_rotating_agents_count_at_most_the_cap(
    send_beacon, article, settings
):
    settings.MASTHEAD_AUDIENCE_DAILY_CAP = 7
    settings.MASTHEAD_AUDIENCE_BURST_LIMIT = 0  # the cap alone
    responses = [send_beacon(article.pk, user_agent=rotating_agent(n)) for n in range(1500)]
    assert {r.status_code for r in responses} == {204}
    assert not any(r.cookies for r in responses)
    assert total_views(article.pk) == 7


@pytest.fixture
def one_window(monkeypatch):
    """The clock stands still, so a burst never straddles two windows."""
    monkeypatch.setattr(guards, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


def test_with_the_default_limits_a_flood_from_one_address_counts_at_most_the_cap(
    send_beacon, article, one_window
):
    codes = [send_beacon(article.pk, user_agent=rotating_agent(n)).status_code for n in range(300)]
    assert codes.count(204) == 20  # the burst limit: 20 a minute
    assert set(codes[20:]) == {429}
    assert total_views(article.pk) <= 20  # the daily cap


def test_two_addresses_count_separately(send_beacon, article, settings):
    settings.MASTHEAD_AUDIENCE_DAILY_CAP = 3
    for n in range(10):
        send_beacon(article.pk, address="203.0.113.7", user_agent=rotating_agent(n))
        send_beacon(article.pk, address="198.51.100.20", user_agent=rotating_agent(n))
    assert total_views(article.pk) == 6


def test_the_cap_is_per_article_and_starts_again_the_next_day(
    send_beacon, article, make_article, settings, monkeypatch
):
    settings.MASTHEAD_AUDIENCE_DAILY_CAP = 2
    other = make_article(title="Another story")
    for _ in range(4):
        send_beacon(article.pk)
        send_beacon(other.pk)
    assert (total_views(article.pk), total_views(other.pk)) == (2, 2)
    tomorrow = newsroom_day() + timedelta(days=1)
    monkeypatch.setattr(services, "newsroom_day", lambda moment=None: tomorrow)
    for _ in range(4):
        send_beacon(article.pk)
    assert total_views(article.pk) == 4


def test_the_burst_limit_counts_an_address_whatever_its_user_agent(
    send_beacon, article, settings, one_window
):
    settings.MASTHEAD_AUDIENCE_BURST_LIMIT = 3
    codes = [send_beacon(article.pk, user_agent=rotating_agent(n)).status_code for n in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    assert send_beacon(article.pk, address="198.51.100.9").status_code == 204
    assert total_views(article.pk) == 4


def test_an_ipv6_subscriber_is_one_client_for_their_whole_64(send_beacon, article, settings):
    settings.MASTHEAD_AUDIENCE_DAILY_CAP = 2
    for n in range(6):
        send_beacon(article.pk, address=f"2001:db8:1:2::{n + 1:x}")
    assert total_views(article.pk) == 2
    send_beacon(article.pk, address="2001:db8:1:3::1")  # another /64: another subscriber
    assert total_views(article.pk) == 3


def test_a_forwarded_address_is_limited_when_the_proxy_header_is_configured(
    send_beacon, article, settings
):
    settings.MASTHEAD_AUDIENCE_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.MASTHEAD_AUDIENCE_DAILY_CAP = 2
    for n in range(5):  # the client forges the first hop; the proxy adds the real one last
        send_beacon(article.pk, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.50")
    assert total_views(article.pk) == 2


@pytest.mark.parametrize("origin", ["null", "NULL", " null "])
def test_a_beacon_with_a_null_origin_is_refused(send_beacon, article, origin):
    assert send_beacon(article.pk, HTTP_ORIGIN=origin).status_code == 403
    assert total_views() == 0


def test_the_limits_store_neither_address_nor_user_agent(send_beacon, article, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "x"}
    }
    settings.MASTHEAD_AUDIENCE_DEDUPE = True
    address, agent = "203.0.113.77", BROWSER_UA + " UniqueReaderMarker"
    send_beacon(article.pk, address=address, user_agent=agent)
    send_beacon(article.pk, address="2001:db8:77::5", user_agent=agent)
    stored = caches["default"]._cache  # key → pickled value, every entry of this cache
    keys = [k for k in stored if ":audience:" in k]
    assert any(":audience:cap:" in k for k in keys) and any(":audience:burst:" in k for k in keys)
    everything = repr(list(stored.items()))
    for personal in (address, "2001:db8", "UniqueReaderMarker", "Mozilla"):
        assert personal not in everything


# --- shared by every process ------------------------------------------------------------

CHILD = r"""
import json, sys, time
from pathlib import Path
from types import SimpleNamespace
import django
from django.conf import settings

job = json.loads(sys.argv[1])
settings.configure(
    SECRET_KEY=job["secret"], CACHES=job["caches"], USE_TZ=True, TIME_ZONE="UTC",
    MASTHEAD_AUDIENCE_DAILY_CAP=job.get("cap", 20),
)
django.setup()
from datetime import date
from django.http import HttpRequest
from masthead.audience import guards

print("ready", flush=True)
go = Path(job["go"])
while not go.exists():
    time.sleep(0.005)
if job["do"] == "count":
    results = [guards.count(job["key"], timeout=60) for _ in range(job["times"])]
else:
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = job["address"]
    day = date.fromisoformat(job["day"])
    results = [
        guards.within_daily_cap(request, article_id=job["article"], day=day)
        for _ in range(job["times"])
    ]
print(json.dumps(results), flush=True)
"""


def run_children(jobs: list[dict], tmp_path: Path) -> list:
    """Start one Python process per job, release them together, return their results."""
    go = tmp_path / f"go-{uuid.uuid4().hex}"
    children = [
        subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            [sys.executable, "-c", CHILD, json.dumps({**job, "go": str(go)})],
            stdout=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [child.communicate(timeout=120)[0] for child in children]
    finally:
        for child in children:
            child.kill()
    assert [child.returncode for child in children] == [0] * len(children)
    return [json.loads(output.strip().splitlines()[-1]) for output in outputs]


def redis_caches() -> dict:
    url = django_settings.MASTHEAD_TEST_REDIS_URL
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {url}")
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"masthead-test-limits:{uuid.uuid4().hex}",
        }
    }


@pytest.mark.parametrize("engine", ["file", "redis"])
def test_two_processes_counting_at_once_share_one_counter(engine, tmp_path):
    if engine == "file":
        location = str(tmp_path / "cache")
        caches_setting = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": location,
            }
        }
    else:
        caches_setting = redis_caches()
    job = {"secret": "s", "caches": caches_setting, "do": "count", "key": "shared", "times": 150}
    try:
        first, second = run_children([job, job], tmp_path)
    finally:
        if engine == "redis":
            prefix = caches_setting["default"]["KEY_PREFIX"]
            connection = redis.Redis.from_url(caches_setting["default"]["LOCATION"])
            for key in connection.scan_iter(match=prefix + "*"):
                connection.delete(key)
    # Every increment got its own number: none was lost or seen twice by two processes.
    assert sorted(first + second) == list(range(1, 301))


def test_the_daily_cap_is_shared_with_another_web_process(
    send_beacon, article, settings, file_cache, tmp_path
):
    settings.MASTHEAD_AUDIENCE_DAILY_CAP = 5
    for n in range(3):
        assert send_beacon(article.pk, user_agent=rotating_agent(n)).status_code == 204
    job = {
        "secret": django_settings.SECRET_KEY,
        "caches": settings.CACHES,
        "cap": 5,
        "do": "cap",
        "address": "203.0.113.7",  # send_beacon's address
        "article": article.pk,
        "day": newsroom_day().isoformat(),
        "times": 4,
    }
    (other_process,) = run_children([job], tmp_path)
    assert other_process == [True, True, False, False]
    send_beacon(article.pk)
    assert total_views(article.pk) == 3  # and this process sees the other's counts
