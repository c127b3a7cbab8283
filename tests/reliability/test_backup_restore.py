"""Backup and restore with real processes: a backup taken while a writer publishes articles
and replaces narration audio restores into a new var dir whose site answers every public
URL and finds every media file it names; a backup of a quiet newsroom restores into a site
that answers every public URL exactly as the original does."""

import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from .test_web_processes import (
    ROOT,
    free_port,
    masthead,
    process_env,
    stop_and_check_nothing_is_left,
    wait_for,
)

SEEDED = 5
PRELUDE = """
import sys, time
from pathlib import Path
import django
django.setup()
from django.db import transaction
from masthead.demo import loader
from masthead.narration import services
from masthead.news.models import ArticlePage
from tests.narration.fakes import ToneEngine

ROWS = loader.demo_articles()

def narrate(article_id):
    if services.narration_request(article_id=article_id, force=True, enqueue=False):
        services.narration_generate(article_id=article_id, engine=ToneEngine())

def publish(rows):
    return loader.publish_demo_articles(rows)
"""
SEED = (
    PRELUDE
    + f"""
for pk in publish(ROWS[:{SEEDED}]):
    narrate(pk)
"""
)
# Publishes one new article after another and re-narrates an older one each time, so the
# old audio files are replaced while the backup runs; stops when the stop file appears.
WRITER = (
    PRELUDE
    + f"""
stop, log = Path(sys.argv[1]), Path(sys.argv[2])
i = {SEEDED}
while not stop.exists() and i < len(ROWS):
    publish([ROWS[i]])
    older = ArticlePage.objects.live().order_by("pk")[(i - {SEEDED}) % {SEEDED}]
    narrate(older.pk)
    i += 1
    log.write_text(str(i - {SEEDED}))
"""
)
FIXED_URLS = ["/", "/sitemap.xml", "/news-sitemap.xml", "/feeds/rss.xml", "/feeds/atom.xml",
              "/podcast.xml", "/robots.txt"]  # fmt: skip
# A feed with no items is dated "now" by Django's feed generator: the one thing that may
# differ between two renders of the same data.
EMPTY_FEED_DATE = re.compile(rb"<(lastBuildDate|updated)>[^<]*</\1>")
MEDIA_RE = re.compile(r"""(/media/[^"'\s,<>)]+)""")


def env_for(var: Path) -> dict[str, str]:
    env = process_env(var, MASTHEAD_NARRATION_ENABLED="1",
                      MASTHEAD_BASE_URL="http://ledger.example")  # fmt: skip
    env["PYTHONPATH"] = f"{ROOT / 'src'}:{ROOT}"
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)


def manage(var: Path, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "masthead.cli", "manage", *args], env_for(var))


class Site:
    """`masthead serve` on a var dir, for the length of a `with` block."""

    def __init__(self, var: Path) -> None:
        self.var, self.port = var, free_port()

    def __enter__(self) -> "Site":
        self.proc = masthead("serve", "--port", str(self.port), "--workers", "1",
                             env=env_for(self.var), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
        wait_for(lambda: self.status("/healthz?scope=web") == 200, timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        stop_and_check_nothing_is_left(self.proc, signal.SIGTERM)

    def get(self, path: str) -> requests.Response:
        url = f"http://127.0.0.1:{self.port}{path}"
        return requests.get(url, headers={"Host": "127.0.0.1"}, timeout=120)

    def status(self, path: str) -> int | None:
        try:
            return self.get(path).status_code
        except requests.RequestException:
            return None

    def crawl(self) -> dict[str, tuple[int, str, bytes]]:
        """Every public URL: home, feeds, sitemaps and every page they list (articles,
        sections, authors, tags), and each section's feeds."""
        todo, seen = list(FIXED_URLS), {}
        while todo:
            path = todo.pop(0)
            if path in seen:
                continue
            response = self.get(path)
            body = response.content
            if path.startswith("/feeds/") and b"<item>" not in body and b"<entry>" not in body:
                body = EMPTY_FEED_DATE.sub(b"", body)
            seen[path] = (response.status_code, response.headers.get("Content-Type", ""), body)
            if "sitemap" in path:
                for loc in re.findall(r"<loc>([^<]+)</loc>", response.text):
                    found = urlsplit(loc).path
                    todo.append(found)
                    if found.count("/") == 2 and not found.startswith(("/authors", "/tags")):
                        section = found.strip("/")
                        todo += [f"/feeds/sections/{section}/rss.xml",
                                 f"/feeds/sections/{section}/atom.xml"]  # fmt: skip
        return seen

    def media_named(self, pages: dict[str, tuple[int, str, bytes]]) -> set[str]:
        return {m for _, _, body in pages.values() for m in MEDIA_RE.findall(body.decode())}


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    """A migrated var dir with a few published, narrated articles (the demo's)."""
    var = tmp_path_factory.mktemp("original") / "var"
    assert manage(var, "migrate", "--noinput", "-v", "0").returncode == 0
    seeded = run([sys.executable, "-c", SEED], env_for(var))
    assert seeded.returncode == 0, seeded.stderr
    return var


def archive_manifest(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_a_backup_taken_while_publishing_and_narrating_restores_a_whole_site(newsroom, tmp_path):
    stop, progress = tmp_path / "stop", tmp_path / "progress"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop), str(progress)],
                              env=env_for(newsroom), stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        wait_for(lambda: progress.exists() and int(progress.read_text()) >= 2, timeout=600)
        backup = tmp_path / "live.tar"
        made = manage(newsroom, "backup", str(backup))
        assert made.returncode == 0, made.stderr
        done_at_backup = int(progress.read_text())
        wait_for(lambda: int(progress.read_text()) > done_at_backup, timeout=600)
    finally:
        stop.touch()
        _, errors = writer.communicate(timeout=600)
    assert writer.returncode == 0, errors

    manifest = archive_manifest(backup)
    assert manifest["media"]["missing"] == []
    assert manifest["secret_key"] is True
    assert manifest["database"]["tables"]["narration_narration"] >= SEEDED
    # Replaced audio waits out its grace period, so the copy names no deleted file.
    assert manifest["database"]["tables"]["core_pendingfiledeletion"] >= 2

    restored = tmp_path / "restored"
    result = manage(restored, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "Webhook deliveries are PAUSED" in result.stdout
    assert "paused" in manage(restored, "webhooks", "status").stdout
    assert (restored / "secret_key").read_text() == (newsroom / "secret_key").read_text()

    with Site(restored) as site:
        pages = site.crawl()
        assert {path: code for path, (code, _, _) in pages.items() if code != 200} == {}
        articles = [p for p in pages if p.count("/") == 3 and not p.startswith(("/feeds",
                    "/authors", "/tags"))]  # fmt: skip
        assert len(articles) >= SEEDED + 2
        media = site.media_named(pages)
        assert any(m.startswith("/media/narration/") and m.endswith(".mp3") for m in media)
        assert {m: site.status(m) for m in sorted(media) if site.status(m) != 200} == {}


def test_a_restored_backup_answers_every_public_url_as_the_original_does(newsroom, tmp_path):
    with Site(newsroom) as original:
        original.crawl()  # makes every image size the pages use, so the backup has them
        before = original.crawl()
        backup = tmp_path / "quiet.tar"
        made = manage(newsroom, "backup", str(backup))
        assert made.returncode == 0, made.stderr
    restored = tmp_path / "restored"
    assert manage(restored, "restore", str(backup)).returncode == 0
    with Site(restored) as copy:
        after = copy.crawl()
        media = copy.media_named(after)
        assert {m: copy.status(m) for m in sorted(media) if copy.status(m) != 200} == {}

    assert len(before) > 20
    assert {path: code for path, (code, _, _) in before.items() if code != 200} == {}
    assert sorted(after) == sorted(before)
    different = {
        path: "".join(difflib.unified_diff(
            before[path][2].decode().splitlines(True), after[path][2].decode().splitlines(True),
            n=0))[:2000]
        for path in before if before[path] != after[path]
    }  # fmt: skip
    assert different == {}


def test_restore_refuses_a_var_dir_that_is_not_empty(newsroom, tmp_path):
    backup = tmp_path / "b.tar"
    assert manage(newsroom, "backup", str(backup)).returncode == 0
    target = tmp_path / "target"
    shutil.copytree(newsroom, target)
    refused = manage(target, "restore", str(backup))
    assert refused.returncode == 1
    assert "The target is not empty: a database at" in refused.stderr
    assert "--force" in refused.stderr
    forced = manage(target, "restore", str(backup), "--force")
    assert forced.returncode == 0, forced.stderr


def test_a_damaged_archive_is_refused_before_anything_is_installed(newsroom, tmp_path):
    backup = tmp_path / "b.tar"
    assert manage(newsroom, "backup", str(backup)).returncode == 0
    data = bytearray(backup.read_bytes())
    offset = data.index(b"SQLite format 3") + 4096  # inside the database, past its header
    data[offset] ^= 0xFF
    backup.write_bytes(bytes(data))
    target = tmp_path / "target"
    refused = manage(target, "restore", str(backup))
    assert refused.returncode == 1
    assert "database.sqlite3 is damaged: its checksum does not match." in refused.stderr
    assert not (target / "masthead.sqlite3").exists()


POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.mark.skipif(not POSTGRES, reason="DATABASE_URL is not PostgreSQL")
def test_on_postgresql_pg_dump_and_pg_restore_bring_back_every_row(tmp_path):
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    base = url.path.lstrip("/") or "masthead"
    names = {"source": f"{base}_ops_source", "copy": f"{base}_ops_copy"}
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def env(var: Path, db: str) -> dict[str, str]:
        return {**env_for(var), "DATABASE_URL": url._replace(path=f"/{db}").geturl()}

    def pg_manage(var: Path, db: str, *args: str) -> subprocess.CompletedProcess:
        return run([sys.executable, "-m", "masthead.cli", "manage", *args], env(var, db))

    try:
        source, copy = tmp_path / "source", tmp_path / "copy"
        assert pg_manage(source, names["source"], "migrate", "--noinput", "-v", "0").returncode == 0
        seeded = run([sys.executable, "-c", SEED], env(source, names["source"]))
        assert seeded.returncode == 0, seeded.stderr
        backup = tmp_path / "pg.tar"
        made = pg_manage(source, names["source"], "backup", str(backup))
        assert made.returncode == 0, made.stderr
        manifest = archive_manifest(backup)
        assert manifest["database"]["engine"] == "postgresql"
        assert manifest["database"]["file"] == "database.pgdump"
        assert manifest["media"]["missing"] == []

        restored = pg_manage(copy, names["copy"], "restore", str(backup), "--keep-queue")
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(url._replace(path=f"/{names['copy']}").geturl()) as conn:
            counts = {
                table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for table in manifest["database"]["tables"]
            }
        expected = dict(manifest["database"]["tables"])
        expected["core_switch"] += 1  # webhooks paused by the restore
        assert counts == expected
        assert expected["news_articlepage"] == SEEDED
        assert sorted(p.name for p in (copy / "media" / "narration").iterdir()) == sorted(
            p.name for p in (source / "media" / "narration").iterdir()
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
