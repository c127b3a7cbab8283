"""Scale: the same newsroom at 100 and at 100,000 articles (a benchmark, not a test).

Builds two throwaway newsrooms under a temporary directory: the demo (60 articles) plus
seeded ones up to 100 articles, and the same demo plus seeded ones up to 100,000
(`seed_articles`, timed). Then, in-process with Django's test client and the page cache
off, times each page (median of warm requests, the app's own short-lived caches warm)
and counts its SQL queries, at both sizes, with the ratio 100,000 / 100.

Target (issue 6): uncached article render ≤ 10 ms median, within 1.2x at 100,000 of at
100, with the same query count.

    python -m bench.scale [--quick] [--count N] [--postgres] [--runs 30] [--keep]
    python -m bench.scale --measure VAR_DIR   # one existing newsroom (SQLite under VAR_DIR)

SQLite by default; --postgres uses PostgreSQL at 127.0.0.1:5432 (user postgres, trust
auth; throwaway databases created from a template and dropped at the end).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO_ARTICLE = "/news/old-quay-warehouse-fire-cause-disputed/"
SMALL = 100
LARGE = 100_000
QUICK = 10_000
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 1.2
TARGET_MS = 10.0


def env_for(var: Path, database_url: str | None = None) -> dict:
    env = {
        **os.environ,
        "MASTHEAD_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "masthead.settings.dev",
        "MASTHEAD_DEMO_PASSWORD": "bench-only",
        "MASTHEAD_PAGE_CACHE_ENABLED": "0",
        "MASTHEAD_PREPARE_RENDITIONS": "0",
        "MASTHEAD_NARRATION_ENABLED": "0",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict, *args: str) -> str:
    cmd = [sys.executable, "-m", "masthead.cli", "manage", *args]
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


# --- databases ---------------------------------------------------------------------------


class Databases:
    """Throwaway newsrooms: a var dir each, plus a PostgreSQL database with --postgres."""

    def __init__(self, work: Path, postgres: bool) -> None:
        self.work = work
        self.postgres = postgres
        self.prefix = f"masthead_scale_{os.getpid()}"
        self.created: list[str] = []

    def url(self, name: str) -> str | None:
        return f"postgres://postgres@127.0.0.1:5432/{self.prefix}_{name}" if self.postgres else None

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(sql)

    def create_base(self) -> dict:
        var = self.work / "base"
        if self.postgres:
            self._admin(f"CREATE DATABASE {self.prefix}_base")
            self.created.append("base")
        env = env_for(var, self.url("base"))
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
        # The demo queues its search indexing for the worker; do it now instead.
        manage(env, "update_index", "-v", "0")
        return env

    def clone(self, name: str) -> dict:
        var = self.work / name
        shutil.copytree(self.work / "base", var)
        if self.postgres:
            self._admin(f"CREATE DATABASE {self.prefix}_{name} TEMPLATE {self.prefix}_base")
            self.created.append(name)
        return env_for(var, self.url(name))

    def size_mb(self, env: dict) -> float:
        if not self.postgres:
            db = Path(env["MASTHEAD_VAR_DIR"]) / "masthead.sqlite3"
            return db.stat().st_size / 1e6
        import psycopg

        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://")) as conn:
            return conn.execute("SELECT pg_database_size(%s)", [name]).fetchone()[0] / 1e6

    def drop(self) -> None:
        for name in self.created:
            try:
                self._admin(f"DROP DATABASE IF EXISTS {self.prefix}_{name} WITH (FORCE)")
            except Exception as error:  # noqa: BLE001 - report and go on cleaning up
                print(f"could not drop {self.prefix}_{name}: {error}", file=sys.stderr)


def articles(env: dict) -> int:
    out = manage(env, "shell", "--no-imports", "-c", "from masthead.news.models import "
                 "ArticlePage; print(ArticlePage.objects.count())")  # fmt: skip
    return int(out.strip().splitlines()[-1])


def seed(env: dict, count: int) -> tuple[float, str]:
    """Seconds `seed_articles --count count` took, and its summary line."""
    started = time.perf_counter()
    out = manage(env, "seed_articles", "--count", str(count))
    return time.perf_counter() - started, out.strip().splitlines()[-1]


# --- measuring (in a subprocess per newsroom: settings are bound at setup) ----------------


def pages() -> list[tuple[str, str, int]]:
    """(label, URL, warm runs): resolved in the measured newsroom."""
    from masthead.news.models import ArticlePage

    seeded = ArticlePage.objects.live().order_by("-pk").first()
    return [
        ("article (demo page)", DEMO_ARTICLE, 0),
        ("article (seeded page)", seeded.url, 0),
        ("home", "/", 0),
        ("section", "/news/", 0),
        ("section, page 50", "/news/?page=50", 0),
        ("tag", "/tags/city-hall/", 0),
        ("author", "/authors/mara-okafor/", 0),
        ("search 'council'", "/search/?q=council", 0),
        ("sitemap index", "/sitemap.xml", 0),
        ("sitemap: articles, page 1", "/sitemap-articles.xml", 3),
    ]


def measure_here(runs: int) -> dict:
    """{label: {ms, queries, url}} for this process's newsroom (Django set up here)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # No setup_test_environment(): its instrumented template rendering copies every
    # context and would double the times measured.
    settings.MASTHEAD_PAGE_CACHE_ENABLED = False
    client = Client(HTTP_HOST="127.0.0.1")

    def get(url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    results = {}
    for label, url, page_runs in pages():
        get(url)  # warm: renditions, navigation, the app's short-lived caches
        times = []
        for _ in range(page_runs or runs):
            start = time.perf_counter()
            get(url)
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as captured:
            get(url)
        results[label] = {"ms": statistics.median(times) * 1000, "queries": len(captured),
                          "url": url}  # fmt: skip
    # The article once more with every app cache cold (most popular, related, navigation):
    # what the first reader after a publish or a cache expiry waits for.
    times, queries = [], 0
    for _ in range(max(3, runs // 5)):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            get(DEMO_ARTICLE)
            times.append(time.perf_counter() - start)
        queries = len(captured)
    results["article, app caches cold"] = {"ms": statistics.median(times) * 1000,
                                           "queries": queries, "url": DEMO_ARTICLE}  # fmt: skip
    return results


def measure(env: dict, runs: int) -> dict:
    cmd = [sys.executable, "-m", "bench.scale", "--json-measure", "--runs", str(runs)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- report ------------------------------------------------------------------------------


def print_table(small: dict, large: dict, n_small: int, n_large: int) -> None:
    head_small, head_large = f"@{n_small:,}", f"@{n_large:,}"
    print(f"\n{'page':30}{'ms ' + head_small:>14}{'SQL':>5}{'ms ' + head_large:>16}{'SQL':>5}"
          f"{'ratio':>8}")  # fmt: skip
    for label, a in small.items():
        b = large[label]
        ratio = b["ms"] / a["ms"] if a["ms"] else float("nan")
        queries = ""
        if b["queries"] > a["queries"]:
            queries = "  MORE QUERIES"
        elif b["queries"] < a["queries"]:
            queries = "  (count kept per publish)"  # big listings: news/selectors.Listing
        print(f"{label:30}{a['ms']:>14.1f}{a['queries']:>5}{b['ms']:>16.1f}{b['queries']:>5}"
              f"{ratio:>8.2f}{queries}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=LARGE, help="articles in the large newsroom")
    parser.add_argument("--quick", action="store_true", help=f"--count {QUICK:,}")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1")
    parser.add_argument("--runs", type=int, default=30, help="warm requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the newsrooms (prints where)")
    parser.add_argument("--measure", metavar="VAR_DIR", help="measure one existing newsroom")
    parser.add_argument("--json-measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.json_measure:
        print(json.dumps(measure_here(args.runs)))
        return 0
    if args.measure:
        env = env_for(Path(args.measure).resolve(), os.environ.get("DATABASE_URL"))
        result = measure(env, args.runs)
        for label, r in result.items():
            print(f"{label:30}{r['ms']:>10.1f} ms{r['queries']:>5} SQL  {r['url']}")
        return 0

    count = QUICK if args.quick else args.count
    work = Path(tempfile.mkdtemp(prefix="masthead-scale-"))
    dbs = Databases(work, args.postgres)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    try:
        print(f"Building the demo newsroom ({engine}) under {work} ...", flush=True)
        base = dbs.create_base()
        demo = articles(base)
        small, large = dbs.clone("small"), dbs.clone("large")
        print(f"Seeding {SMALL - demo:,} articles (small) ...", flush=True)
        seed(small, SMALL - demo)
        print(f"Seeding {count - demo:,} articles (large) ...", flush=True)
        seconds, summary = seed(large, count - demo)
        print(f"  {summary}", flush=True)
        n_small, n_large = articles(small), articles(large)
        print("Measuring ...", flush=True)
        result_small = measure(small, args.runs)
        result_large = measure(large, args.runs)
        sizes = dbs.size_mb(small), dbs.size_mb(large)
    finally:
        if args.keep:
            print(f"Kept: {work} (databases {dbs.prefix}_*)" if args.postgres else f"Kept: {work}")
        else:
            dbs.drop()
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{engine}; in-process test client, page cache off; median of {args.runs} warm "
          "requests (3 for the sitemap page); app caches warm except where said")  # fmt: skip
    print_table(result_small, result_large, n_small, n_large)
    rate = re.search(r"\(([\d,]+) articles/s\)", summary)
    print(f"\nseeding {count - demo:,} articles: {seconds:.0f} s"
          f"{f' ({rate[1]} articles/s)' if rate else ''}; database "
          f"{sizes[0]:,.0f} MB → {sizes[1]:,.0f} MB")  # fmt: skip
    article_small, article_large = (r["article (demo page)"] for r in (result_small, result_large))
    ratio = article_large["ms"] / article_small["ms"]
    print(f"target: article render ≤ {TARGET_MS:.0f} ms ({article_large['ms']:.1f} ms) and within "
          f"{TARGET_RATIO}x ({ratio:.2f}x), same queries "
          f"({article_small['queries']} → {article_large['queries']})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
