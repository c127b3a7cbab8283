"""Beacon ingest: views per second the endpoint takes, with no lost counts (a benchmark).

For each storage it can reach — SQLite (direct upserts), PostgreSQL (direct upserts) and
PostgreSQL with the Redis buffer — builds a fresh database with live articles, starts
granian (2 workers, 1 blocking thread each, as `masthead serve`) and drives it with
client processes posting beacons on keep-alive connections. Afterwards it flushes the
buffer and checks SUM(views) == beacons accepted (204): "lost" must be 0.

Baseline, measured in the same run against the same server: the same beacon with a bot
user agent, which the endpoint drops before touching the database or Redis. The ratio
ingest / baseline is the share of the request's cost left after counting.

    python -m bench.audience_ingest            # 4,000 beacons per measurement
    python -m bench.audience_ingest --full     # 40,000 beacons per measurement

The clients and the server share this machine's cores; figures are for comparison within
one run more than absolute capacity.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
ARTICLES = 50
READER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SETTINGS_MODULE = """
import os
from masthead.settings.dev import *  # noqa: F403

MASTHEAD_AUDIENCE_BURST_LIMIT = 0  # a handful of benchmark clients stand for many readers
MASTHEAD_AUDIENCE_FLUSH_INTERVAL = 0  # the benchmark flushes itself, at the end
MASTHEAD_AUDIENCE_REDIS_URL = os.environ.get("BENCH_AUDIENCE_REDIS", "")
MASTHEAD_AUDIENCE_REDIS_PREFIX = os.environ.get("BENCH_AUDIENCE_PREFIX", "bench:")
MASTHEAD_NARRATION_ENABLED = False
MASTHEAD_PREPARE_RENDITIONS = False
"""


# --- the client side (forked processes, no Django) -----------------------------------


def client(args: tuple) -> tuple[int, int, float, float]:
    """Send `count` beacons; (accepted, other answers, started, finished)."""
    port, ids, count, user_agent, barrier = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "text/plain;charset=UTF-8", "User-Agent": user_agent}
    accepted = other = 0
    barrier.wait()
    started = time.monotonic()
    for n in range(count):
        body = json.dumps({"beacon": "masthead-view/1", "article": ids[n % len(ids)]})
        connection.request("POST", "/_audience/view", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status == 204:
            accepted += 1
        else:
            other += 1
    finished = time.monotonic()
    connection.close()
    return accepted, other, started, finished


def drive(port: int, ids: list[int], total: int, clients: int, user_agent: str) -> dict:
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(clients)
    each = total // clients
    with context.Pool(clients) as pool:
        results = pool.map(client, [(port, ids, each, user_agent, barrier)] * clients)
    accepted = sum(r[0] for r in results)
    seconds = max(r[3] for r in results) - min(r[2] for r in results)
    return {
        "sent": each * clients,
        "accepted": accepted,
        "other": sum(r[1] for r in results),
        "seconds": seconds,
        "rps": each * clients / seconds,
    }


# --- one storage configuration, in a child process with Django set up ----------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/_audience/view")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


def make_image():
    import io

    from django.core.files.images import ImageFile
    from PIL import Image
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), (90, 90, 90)).save(buffer, "JPEG")
    return get_image_model().objects.create(title="Bench", file=ImageFile(buffer, "bench.jpg"))


def make_articles(count: int) -> list[int]:
    from wagtail.models import Page, Site

    from masthead.news.models import ArticlePage, HomePage, SectionPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Bench home", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "127.0.0.1", "port": 80, "root_page": home}
    )
    section = home.add_child(instance=SectionPage(title="News", slug="news"))
    image = make_image()
    for n in range(count):
        article = ArticlePage(title=f"Article {n}", slug=f"a-{n}", hero_image=image, hero_alt="-")
        section.add_child(instance=article)
    return list(ArticlePage.objects.live().values_list("pk", flat=True))


def stored_views() -> int:
    from django.db.models import Sum

    from masthead.audience.models import DailyArticleViews

    return DailyArticleViews.objects.aggregate(total=Sum("views"))["total"] or 0


def run_storage(options: argparse.Namespace) -> dict:
    """In the child: migrate, serve, measure baseline and ingest, flush, count."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from masthead.audience.services import flush_buffered_views

    call_command("migrate", verbosity=0)
    ids = make_articles(ARTICLES)
    connections.close_all()
    port = free_port()
    from masthead.cli import server_command

    server = subprocess.Popen(
        server_command(host="127.0.0.1", port=port, workers=2),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port)
        drive(port, ids, min(400, options.beacons), options.clients, READER_UA)  # warm up
        flush_buffered_views()
        before_baseline = stored_views()
        baseline = drive(port, ids, options.beacons, options.clients, BOT_UA)
        flush_buffered_views()
        after_baseline = stored_views()
        ingest = drive(port, ids, options.beacons, options.clients, READER_UA)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    started = time.monotonic()
    flushed = flush_buffered_views()
    flush_seconds = time.monotonic() - started
    stored = stored_views() - after_baseline
    return {
        "baseline": baseline,
        "ingest": ingest,
        "stored": stored,
        "lost": ingest["accepted"] - stored,
        "bots_stored": after_baseline - before_baseline,
        "flushed": flushed,
        "flush_seconds": flush_seconds,
    }


# --- the parent: one child per storage ------------------------------------------------


def postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_URL + "/postgres", connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001  (any failure means: skip PostgreSQL)
        return False


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping())
    except Exception:  # noqa: BLE001
        return False


def postgres_database(name: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(PG_URL + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def storages() -> list[tuple[str, str, str]]:
    """(label, DATABASE_URL or "sqlite", Redis URL or "")."""
    found = [("SQLite, direct upsert", "sqlite", "")]
    if postgres_reachable():
        found.append(("PostgreSQL, direct upsert", "postgres", ""))
        if redis_reachable():
            found.append(("PostgreSQL + Redis buffer", "postgres", REDIS_URL))
    else:
        print(f"PostgreSQL not reachable at {PG_URL}: skipped")
    return found


def run_child(label: str, engine: str, redis_url: str, options, work: Path) -> dict:
    var = work / uuid.uuid4().hex[:8]
    (var / "pysettings").mkdir(parents=True)
    (var / "pysettings" / "bench_audience_settings.py").write_text(SETTINGS_MODULE)
    env = {
        **os.environ,
        "MASTHEAD_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "bench_audience_settings",
        "PYTHONPATH": os.pathsep.join([str(var / "pysettings"), os.environ.get("PYTHONPATH", "")]),
        "CONN_MAX_AGE": "600",  # persistent connections, as in production
        "BENCH_AUDIENCE_REDIS": redis_url,
        "BENCH_AUDIENCE_PREFIX": f"bench-audience:{uuid.uuid4().hex}:",
    }
    database = f"masthead_bench_audience_{os.getpid()}"
    if engine == "postgres":
        postgres_database(database, create=True)
        env["DATABASE_URL"] = f"{PG_URL}/{database}"
    else:
        env.pop("DATABASE_URL", None)
    args = [sys.executable, "-m", "bench.audience_ingest", "--child"]
    args += ["--beacons", str(options.beacons), "--clients", str(options.clients)]
    try:
        child = subprocess.run(args, env=env, capture_output=True, text=True)
        if child.returncode:
            sys.stderr.write(child.stderr[-3000:])
            raise RuntimeError(f"{label}: the measurement failed (exit {child.returncode})")
        out = child.stdout
    finally:
        if engine == "postgres":
            postgres_database(database, create=False)
    return json.loads(out.strip().splitlines()[-1])


def report(label: str, result: dict) -> None:
    base, ingest = result["baseline"], result["ingest"]
    print(
        f"{label:<28} {ingest['rps']:>9,.0f} {base['rps']:>11,.0f} "
        f"{ingest['rps'] / base['rps']:>6.2f} {ingest['accepted']:>9,} {result['stored']:>9,} "
        f"{result['lost']:>5} {ingest['other']:>6}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="40,000 beacons per measurement")
    parser.add_argument("--beacons", type=int, default=0, help="beacons per measurement")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    options.beacons = options.beacons or (40_000 if options.full else 4_000)
    if options.child:
        print(json.dumps(run_storage(options)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="masthead-bench-audience-"))
    print(
        f"{options.beacons:,} beacons per measurement, {options.clients} client processes, "
        f"granian 2 workers; {os.cpu_count()} CPUs shared by clients and server.\n"
        "baseline = the same beacon from a bot user agent (dropped before any storage).\n"
    )
    print(
        f"{'storage':<28} {'views/s':>9} {'baseline/s':>11} {'ratio':>6} "
        f"{'accepted':>9} {'stored':>9} {'lost':>5} {'non204':>6}"
    )
    failed = False
    try:
        for label, engine, redis_url in storages():
            result = run_child(label, engine, redis_url, options, work)
            report(label, result)
            failed |= result["lost"] != 0 or result["ingest"]["other"] != 0
            failed |= result["bots_stored"] != 0
            if result["flush_seconds"] and result["flushed"]:
                print(
                    f"{'':<28} flush: {result['flushed']:,} views in "
                    f"{result['flush_seconds'] * 1000:.0f} ms"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nlost = accepted - stored after the final flush; it must be 0.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
