"""Varnish in front of the app, with the real deploy/varnish/default.vcl.

varnishd runs on a free loopback port in front of pytest-django's live server; the app
purges it after each change (core/front_cache.py). Skipped only when varnishd is not
installed (`make system-deps` installs Debian's varnish).
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")

# serialized_rollback: the flush between transactional tests would otherwise remove the
# rows Wagtail's migrations create (root page, locale, collection).
pytestmark = [
    pytest.mark.skipif(
        VARNISHD is None,
        reason="varnishd is not installed (`make system-deps` installs Debian's varnish)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def vcl_for(backend_host: str, backend_port: int) -> str:
    """The deployed VCL with its backend pointed at the test's app server."""
    pattern = r'(backend default \{\s*\.host = )"[^"]*";(\s*\.port = )"[^"]*";'
    vcl, count = re.subn(pattern, rf'\1"{backend_host}";\2"{backend_port}";', VCL.read_text())
    assert count == 1, "deploy/varnish/default.vcl: backend default { .host; .port } not found"
    return vcl


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def varnishd(live_server, tmp_path_factory):
    """varnishd in the foreground; killed (its whole process group) however the tests end."""
    work = tmp_path_factory.mktemp("varnish")
    backend = urlsplit(live_server.url)
    (work / "default.vcl").write_text(vcl_for(backend.hostname, backend.port))
    port = free_port()
    log = (work / "varnishd.log").open("w")
    cmd = [VARNISHD, "-F", "-j", "none", "-n", str(work / "state"), "-T", "none", "-a",
           f"127.0.0.1:{port}", "-f", str(work / "default.vcl"), "-s", "malloc,32m"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"varnishd exited: {(work / 'varnishd.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("varnishd did not start listening within 30 s")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


class Response:
    def __init__(self, status: int, headers, body: str) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def cache(self) -> str:
        return self.headers.get("X-Varnish-Cache", "")


def request(base: str, method: str, path: str, headers: dict | None = None) -> Response:
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        r = connection.getresponse()
        return Response(r.status, r.headers, r.read().decode())
    finally:
        connection.close()


@pytest.fixture
def varnish(varnishd, settings):
    """Varnish, emptied, as the app's front cache; the app's own page cache is on."""
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "masthead.core.front_cache.VarnishBackend", "LOCATION": varnishd}
    }
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0  # one process here: no second purge
    assert request(varnishd, "BAN", "/").status == 200  # forget earlier tests' pages

    class Reader:
        @staticmethod
        def get(path: str, cookie: str | None = None) -> Response:
            return request(varnishd, "GET", path, {"Cookie": cookie} if cookie else {})

    return Reader()


# The purge is sent when the publish commits, so the very next request through Varnish
# must be fetched afresh. How long that takes is measured by bench/page_speed.py.
def test_a_publish_is_visible_through_varnish_at_the_next_request(varnish, make_article):
    article = make_article(title="Original headline")
    first, second = varnish.get(article.url), varnish.get(article.url)
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert "Original headline" in second.body
    assert "Set-Cookie" not in second.headers

    article.title = "Corrected headline"
    article.save_revision().publish()
    fresh = varnish.get(article.url)
    assert fresh.cache == "MISS"
    assert "Corrected headline" in fresh.body and "Original headline" not in fresh.body
    assert varnish.get(article.url).cache == "HIT"  # cached again


def test_a_new_article_is_on_the_home_page_at_once_and_other_articles_stay_cached(
    varnish, make_article
):
    older = make_article(title="An older story")
    for path in ("/", "/news/", older.url):
        varnish.get(path)
        assert varnish.get(path).cache == "HIT"

    make_article(title="The bridge reopens")
    home = varnish.get("/")
    assert home.cache == "MISS"
    assert "The bridge reopens" in home.body
    assert "The bridge reopens" in varnish.get("/news/").body
    # Only the pages that list the new article were purged.
    assert varnish.get(older.url).cache == "HIT"


def test_signed_in_staff_are_passed_to_the_app_and_readers_cookies_are_ignored(
    varnish, make_article
):
    article = make_article()
    varnish.get(article.url)
    editor = User.objects.create_superuser("ed", "ed@example.invalid", "pw")
    client = Client()
    client.force_login(editor)
    session = f"sessionid={client.cookies['sessionid'].value}"

    staff = varnish.get(article.url, cookie=f"csrftoken=abc; {session}")
    assert staff.cache == "PASS"
    assert "Edit post" in staff.body
    reader = varnish.get(article.url, cookie="_ga=GA1.1.1; csrftoken=abc")
    assert reader.cache == "HIT"
    assert "Edit post" not in reader.body
    admin = varnish.get("/admin/login/")
    assert admin.cache == "PASS"


def test_only_page_and_q_make_a_separate_copy(varnish, make_article):
    make_article()
    varnish.get("/news/")
    assert varnish.get("/news/?utm_source=newsletter&fbclid=x").cache == "HIT"
    assert varnish.get("/news/?page=1").cache == "MISS"
    assert varnish.get("/news/?utm_source=x&page=1").cache == "HIT"


def raw_get(base: str, path: str, accept_encoding: str | None) -> tuple[dict, bytes]:
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    try:
        headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
        connection.request("GET", path, headers=headers)
        r = connection.getresponse()
        return r.headers, r.read()
    finally:
        connection.close()


def test_brotli_gzip_and_identity_copies_are_kept_apart(varnishd, varnish, make_article):
    import gzip

    import brotli

    article = make_article(title="Compressed story")
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}
    bodies = {}
    for accept, encoding in (("gzip, deflate, br", "br"), ("gzip", "gzip"), (None, None),
                             ("deflate, gzip;q=0.8", "gzip"), ("br", "br")):  # fmt: skip
        headers, body = raw_get(varnishd, article.url, accept)
        assert headers.get("Content-Encoding") == encoding, accept
        assert "X-Cache-Tags" not in headers
        bodies[accept] = decode[encoding](body)
    assert len(set(bodies.values())) == 1 and b"Compressed story" in bodies[None]
    # The last two were answered from the copies the first two stored.
    assert raw_get(varnishd, article.url, "br")[0]["X-Varnish-Cache"] == "HIT"


def test_an_edit_bans_by_tag_and_leaves_another_sections_pages_cached(varnish, make_article, home):
    from masthead.news.models import SectionPage

    sport = home.add_child(instance=SectionPage(title="Sport", slug="sport"))
    sport.save_revision().publish()
    article, other = make_article(title="Quay fire"), make_article(parent=sport)
    for path in (article.url, "/news/", "/sport/", other.url):
        varnish.get(path)
        assert varnish.get(path).cache == "HIT"
    article.title = "Quay fire: the cause"
    article.save_revision().publish()
    assert "Quay fire: the cause" in varnish.get("/news/").body
    assert varnish.get(article.url).cache == "MISS"
    assert varnish.get("/sport/").cache == "HIT"  # another section's page: not touched
    # The other article's page shows this one in its rail (it carries the page-N tag of
    # every card it shows), so it is banned too, and shows the new headline.
    assert "Quay fire: the cause" in varnish.get(other.url).body
