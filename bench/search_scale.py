"""Search and sitemaps at archive scale (a benchmark, not a test).

Reader search (a common word, a rare word), the Wagtail admin's page search, the sitemap
index and a sitemap page, at 100 and at 100,000 articles, on SQLite and on PostgreSQL,
beside a baseline measured in the same run (the same requests served by the code of
BASELINE_REF, main before this work) and the targets (issue 14, target 3).

    python -m bench.search_scale                  # SQLite and PostgreSQL
    python -m bench.search_scale --engine sqlite  # one engine
    python -m bench.search_scale --count 10000    # a smaller archive
    python -m bench.search_scale --no-baseline    # this code only

The newsrooms are built once (the demo plus `seed_articles`, as bench/scale.py does) and
kept for the next run: under --work (SQLite var dirs) and as PostgreSQL databases
masthead_search_small and masthead_search_large; --rebuild makes them again, --drop
removes them.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from bench import scale

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# main before the search and sitemap work (issue 14): what the baseline column runs.
BASELINE_REF = "5693c20"
SMALL, LARGE = scale.SMALL, scale.LARGE
PREFIX = "masthead_search"
TIMEOUT = 30  # seconds a request may take before it is reported as "> 30 s"
COMMON, RARE = "council", "orchestra"  # about half the seeded articles; a few demo ones
TARGETS_MS = {
    "search, common word": 50,
    "search, rare word": 50,
    "admin page search": 1_000,
    "sitemap index": 200,
    "sitemap: articles, page 1": 200,
    "sitemap: articles, last page": 200,
}


def requests() -> list[tuple[str, str]]:
    return [
        ("search, common word", f"/search/?q={COMMON}"),
        ("search, rare word", f"/search/?q={RARE}"),
        ("admin page search", f"/admin/pages/search/?q={COMMON}"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap: articles, page 1", "/sitemap-articles.xml"),
        ("sitemap: articles, last page", "LAST"),
    ]


# --- newsrooms (built once, kept) ---------------------------------------------------------


def newsrooms(engine: str, work: Path, count: int, rebuild: bool) -> dict[int, dict]:
    """{articles: env} for the small and the large newsroom, built when missing."""
    root = work / engine
    dbs = scale.Databases(root, engine == "postgres")
    dbs.prefix = PREFIX
    done = root / f"ready-{count}"
    if rebuild or not done.exists():
        drop(engine, work)
        root.mkdir(parents=True, exist_ok=True)
        print(f"Building the newsrooms ({engine}) under {root} ...", flush=True)
        base = dbs.create_base()
        demo = scale.articles(base)
        small, large = dbs.clone("small"), dbs.clone("large")
        scale.seed(small, SMALL - demo)
        seconds, summary = scale.seed(large, count - demo)
        print(f"  seeded {count - demo:,} articles in {seconds:.0f} s: {summary}", flush=True)
        done.write_text(summary)
    envs = {SMALL: scale.env_for(root / "small", dbs.url("small")),
            count: scale.env_for(root / "large", dbs.url("large"))}  # fmt: skip
    for env in envs.values():  # this code's migrations (the baseline ignores what they add)
        scale.manage(env, "migrate", "--noinput", "-v", "0")
    return envs


def drop(engine: str, work: Path) -> None:
    import shutil

    if engine == "postgres":
        dbs = scale.Databases(work, True)
        dbs.prefix, dbs.created = PREFIX, ["base", "small", "large"]
        dbs.drop()
    shutil.rmtree(work / engine, ignore_errors=True)


def baseline_source(work: Path, ref: str) -> Path:
    """The src/ tree of `ref`, unpacked once under `work`."""
    target = work / f"src-{ref}"
    if not (target / "src" / "masthead").exists():
        archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"],
                                 check=True, capture_output=True).stdout  # fmt: skip
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target / "src"


# --- measuring (a subprocess per request: a baseline request may never finish) -----------


def measure_here(label: str, url: str, runs: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.MASTHEAD_PAGE_CACHE_ENABLED = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {TIMEOUT * 1000}")
    client = Client(HTTP_HOST="127.0.0.1")
    if url.startswith("/admin/"):
        client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    if url == "LAST":
        import re

        index = client.get("/sitemap.xml").content.decode()
        url = re.findall(r"<loc>https?://[^/]+(/sitemap-articles[^<]*)</loc>", index)[-1]

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    times = []
    for _ in range(runs + 1):  # the first warms the app's own caches and is not counted
        start = time.perf_counter()
        get()
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        get()
    return {"ms": statistics.median(times[1:]) * 1000, "queries": len(captured), "url": url}


def measure(env: dict, source: Path, label: str, url: str, runs: int) -> dict | None:
    # Connections kept across requests, as in production: a new PostgreSQL connection per
    # request would cost more than the searches measured.
    env = {**env, "PYTHONPATH": f"{source}{os.pathsep}{REPO}", "CONN_MAX_AGE": "600"}
    cmd = [sys.executable, "-m", "bench.search_scale", "--json-measure", label, url,
           "--runs", str(runs)]  # fmt: skip
    try:
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True,
                             timeout=TIMEOUT * (runs + 1) + 30, cwd=REPO).stdout  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        print(f"  {label} failed: {error.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(out.strip().splitlines()[-1])


def cell(result: dict | None) -> str:
    if result is None:
        return f"> {TIMEOUT} s".rjust(13) + "     "
    return f"{result['ms']:>13,.1f}{result['queries']:>5}"


def run_engine(engine: str, args, current: Path, baseline: Path | None) -> None:
    envs = newsrooms(engine, Path(args.work), args.count, args.rebuild)
    head = "".join(
        f"{f'{code} @{n:,}':>18}"
        for n in envs
        for code in (("baseline", "now") if baseline else ("now",))
    )
    print(f"\n{engine}: ms (median of {args.runs}; the baseline once), page cache off, and SQL "
          "queries", flush=True)  # fmt: skip
    print(f"{'request':30}{head}{'target':>10}", flush=True)
    for label, url in requests():
        cells = []
        for env in envs.values():
            if baseline:  # timed once: at 100,000 articles some never finish
                cells.append(cell(measure(env, baseline, label, url, 1)))
            cells.append(cell(measure(env, current, label, url, args.runs)))
        print(f"{label:30}{''.join(cells)}{TARGETS_MS[label]:>8} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--count", type=int, default=LARGE, help="articles in the large newsroom")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per figure")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "masthead-search"))
    parser.add_argument("--baseline", default=BASELINE_REF, help="git ref of the baseline code")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="build the newsrooms again")
    parser.add_argument("--drop", action="store_true", help="remove the newsrooms and stop")
    parser.add_argument("--json-measure", nargs=2, metavar=("LABEL", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.json_measure:
        print(json.dumps(measure_here(*args.json_measure, args.runs)))
        return 0
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    if args.drop:
        for engine in engines:
            drop(engine, Path(args.work))
        return 0
    baseline = None if args.no_baseline else baseline_source(Path(args.work), args.baseline)
    for engine in engines:
        run_engine(engine, args, REPO / "src", baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
