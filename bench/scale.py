"""Scale: the same newsroom at 100 and at 100,000 articles (a benchmark, not a test).

Builds two throwaway newsrooms under a temporary directory: the demo (60 articles) plus
seeded ones up to 100 articles, and the same demo plus seeded ones up to 100,000
(`seed_articles`, timed). Then, in-process with Django's test client and the page cache
off, times each page (median of warm requests, the app's own short-lived caches warm)
and counts its SQL queries, at both sizes, with the ratio 100,000 / 100.

Targets: uncached article render ≤ 10 ms median, within 1.2x at 100,000 of at 100, with
the same query count (issue 6); every listing (home, section, tag, author, topics, later
pages) ≤ 10 ms uncached at demo size, and home, section, tag and author within 1.2x at
100,000 (issue 14). With --baseline-src (e.g. /work/main/src, the code before a change)
each newsroom is measured with that code too, in the same run, and the listings are
printed side by side.

    python -m bench.scale [--quick] [--count N] [--postgres] [--runs 30] [--keep]
    python -m bench.scale --reuse WORK [--postgres --prefix NAME]   # kept newsrooms again
    python -m bench.scale ... --baseline-src /work/main/src          # beside the old code
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEMO_ARTICLE = "/news/old-quay-warehouse-fire-cause-disputed/"
SMALL = 100
LARGE = 100_000
QUICK = 10_000
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 1.2
TARGET_MS = 10.0


BENCH_ROOT = Path(__file__).resolve().parents[1]
LISTINGS = ("home", "section", "section, page 2", "section, page 50", "section, page 50 (Older)",
            "tag", "tag, page 20 (Older)", "author", "topics")  # fmt: skip
SCALE_LISTINGS = ("home", "section", "tag", "author")  # the archive-scale four


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


def older_link(url: str, page: int, members) -> str:
    """`url` at `page` as its "Older" link gives it (news/keyset.py): after the last card
    of the page before. Code without cursors ignores `before` and counts to the page."""
    from django.conf import settings

    size = settings.MASTHEAD_PAGE_SIZE
    rows = members.filter(live=True, published_at__isnull=False).order_by("-published_at", "-pk")
    last = rows[(page - 1) * size - 1 : (page - 1) * size].first()
    if last is None:
        return f"{url}?page={page}"
    micros = (last.published_at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return f"{url}?page={page}&before={micros}-{last.pk}"


def pages() -> list[tuple[str, str, int]]:
    """(label, URL, warm runs): resolved in the measured newsroom."""
    from masthead.news.models import ArticlePage, SectionPage

    seeded = ArticlePage.objects.live().order_by("-pk").first()
    news = ArticlePage.objects.child_of(SectionPage.objects.get(slug="news"))
    city_hall = ArticlePage.objects.filter(tags__slug="city-hall")
    return [
        ("article (demo page)", DEMO_ARTICLE, 0),
        ("article (seeded page)", seeded.url, 0),
        ("home", "/", 0),
        ("section", "/news/", 0),
        ("section, page 2", "/news/?page=2", 0),
        ("section, page 50", "/news/?page=50", 0),
        ("section, page 50 (Older)", older_link("/news/", 50, news), 0),
        ("tag", "/tags/city-hall/", 0),
        ("tag, page 20 (Older)", older_link("/tags/city-hall/", 20, city_hall), 0),
        ("author", "/authors/mara-okafor/", 0),
        ("topics", "/topics/", 0),
        ("search 'council'", "/search/?q=council", 0),
        ("sitemap index", "/sitemap.xml", 0),
        ("sitemap: articles, page 1", "/sitemap-articles.xml", 3),
    ]


def measure_here(runs: int, listings_only: bool = False) -> dict:
    """{label: {ms, queries, url}} for this process's newsroom (Django set up here);
    `listings_only`: the listings and the demo article (for reference), nothing else."""
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
        if listings_only and label not in (*LISTINGS, "article (demo page)"):
            continue
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
    if listings_only:
        return results
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


def measure(env: dict, runs: int, src: str | None = None, listings_only: bool = False) -> dict:
    """The figures of one newsroom, with the code under `src` (default: this checkout's)."""
    if src:
        env = {**env, "PYTHONPATH": os.pathsep.join([src, str(BENCH_ROOT)])}
    cmd = [sys.executable, "-m", "bench.scale", "--json-measure", "--runs", str(runs)]
    cmd += ["--listings"] if listings_only else []
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


def print_listings(before: tuple[dict, dict] | None, after: tuple[dict, dict]) -> None:
    """Each listing at both sizes and its ratio, beside the baseline code's when given,
    with the issue's targets: ≤ 10 ms at demo size, ≤ 1.2x at 100,000 for the four."""
    print(f"\nlistings (targets: ≤ {TARGET_MS:.0f} ms uncached at demo size; home, section, tag "
          f"and author ≤ {TARGET_RATIO}x at the large size)")  # fmt: skip
    head = f"{'ms small':>10}{'ms large':>10}{'ratio':>7}{'SQL':>7}"
    print(f"{'listing':26}" + (f"{'| baseline':<9}{head}  " if before else "") + f"| now{head}")
    for label in LISTINGS:
        if label not in after[0]:
            continue
        line = f"{label:26}"
        for figures in (before, after):
            if figures is None:
                continue
            a, b = figures[0][label], figures[1][label]
            line += (f"| {'':7}{a['ms']:>10.1f}{b['ms']:>10.1f}{b['ms'] / a['ms']:>7.2f}"
                     f"{a['queries']:>3}→{b['queries']:<3}  ")  # fmt: skip
        a, b = after[0][label], after[1][label]
        marks = [] if a["ms"] <= TARGET_MS else ["over 10 ms"]
        if label in SCALE_LISTINGS and b["ms"] / a["ms"] > TARGET_RATIO:
            marks.append(f"over {TARGET_RATIO}x")
        print(line + ("  " + ", ".join(marks) if marks else ""))


def measure_both(env: dict, args) -> tuple[dict | None, dict]:
    src, runs, only = args.baseline_src, args.runs, args.listings
    before = measure(env, runs, src, only) if src else None
    return before, measure(env, runs, listings_only=only)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=LARGE, help="articles in the large newsroom")
    parser.add_argument("--quick", action="store_true", help=f"--count {QUICK:,}")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1")
    parser.add_argument("--runs", type=int, default=30, help="warm requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the newsrooms (prints where)")
    parser.add_argument("--reuse", metavar="WORK", help="measure newsrooms kept by --keep")
    parser.add_argument("--prefix", help="with --reuse --postgres: the kept databases' prefix")
    parser.add_argument("--baseline-src", metavar="SRC",
                        help="also measure with the code under SRC (e.g. /work/main/src)")  # fmt: skip
    parser.add_argument("--measure", metavar="VAR_DIR", help="measure one existing newsroom")
    parser.add_argument(
        "--listings",
        action="store_true",
        help="measure only the listings (and the demo article, for reference)",
    )
    parser.add_argument("--json-measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.json_measure:
        print(json.dumps(measure_here(args.runs, args.listings)))
        return 0
    if args.measure:
        env = env_for(Path(args.measure).resolve(), os.environ.get("DATABASE_URL"))
        result = measure(env, args.runs)
        for label, r in result.items():
            print(f"{label:30}{r['ms']:>10.1f} ms{r['queries']:>5} SQL  {r['url']}")
        return 0

    count = QUICK if args.quick else args.count
    work = (
        Path(args.reuse).resolve()
        if args.reuse
        else Path(tempfile.mkdtemp(prefix="masthead-scale-"))
    )
    dbs = Databases(work, args.postgres)
    if args.prefix:
        dbs.prefix = args.prefix
    engine = "PostgreSQL" if args.postgres else "SQLite"
    seconds, summary, demo = None, "", 0
    try:
        if args.reuse:
            small, large = (env_for(work / n, dbs.url(n)) for n in ("small", "large"))
            print(f"Reusing the newsrooms under {work} ({engine}) ...", flush=True)
            for env in (small, large):  # this checkout's migrations (indexes)
                manage(env, "migrate", "--noinput", "-v", "0")
        else:
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
        before_small, result_small = measure_both(small, args)
        before_large, result_large = measure_both(large, args)
        sizes = dbs.size_mb(small), dbs.size_mb(large)
    finally:
        if args.keep or args.reuse:
            print(f"Kept: {work} (databases {dbs.prefix}_*)" if args.postgres else f"Kept: {work}")
        else:
            dbs.drop()
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{engine}; in-process test client, page cache off; median of {args.runs} warm "
          "requests (3 for the sitemap page); app caches warm except where said")  # fmt: skip
    if before_small is not None:
        print(f"\nbaseline: the code under {args.baseline_src}, same databases, same run")
        print_table(before_small, before_large, n_small, n_large)
        print("\nnow: this checkout")
    print_table(result_small, result_large, n_small, n_large)
    before = (before_small, before_large) if before_small is not None else None
    print_listings(before, (result_small, result_large))
    if seconds is not None:
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
