"""Page speed: uncached vs the app's page cache vs nginx serving the same HTML (a benchmark).

Builds a throwaway demo newsroom under a temporary MASTHEAD_VAR_DIR, starts granian
(2 workers, 1 blocking thread each) and nginx on loopback, and drives each with wrk
(-t2 -c50). Also: in-process render cost and SQL queries of an uncached article, publish-to-
visible latency through the app cache, and the web workers' resident memory.

Targets (issue 6): app cache hit ≥ 10,000 req/s; uncached article render ≤ 10 ms median;
publish-to-visible ≤ 1 s; web worker RSS ≤ 150 MB.
    python -m bench.page_speed [--duration 10]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PORT_APP, PORT_UNCACHED, PORT_NGINX = 8181, 8182, 8183
PAGES = {"article": None, "home": "/", "section": "/news/"}


def env_for(var: Path, **extra) -> dict:
    return {**os.environ, "MASTHEAD_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE":
            "masthead.settings.dev", "MASTHEAD_DEMO_PASSWORD": "bench-only", **extra}  # fmt: skip


def manage(var: Path, *args: str) -> str:
    cmd = [sys.executable, "-m", "masthead.cli", "manage", *args]
    return subprocess.run(cmd, env=env_for(var), check=True, capture_output=True, text=True).stdout


def start_server(var: Path, port: int, **extra) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "masthead.cli", "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env_for(var, **extra), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    wait_for(f"http://127.0.0.1:{port}/")
    return proc


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=15)


def wrk(url: str, duration: int) -> dict:
    out = subprocess.run(["wrk", "-t2", "-c50", f"-d{duration}s", "--latency", url],
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "errors": int(errors[1]) if errors else 0,
    }


def start_nginx(root: Path, work: Path) -> subprocess.Popen:
    conf = work / "nginx.conf"
    conf.write_text(f"""
worker_processes 2; daemon off; pid {work}/nginx.pid; error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work};
  uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{PORT_NGINX}; root {root}; index index.html; }} }}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf)], start_new_session=True)
    wait_for(f"http://127.0.0.1:{PORT_NGINX}/article/")
    return proc


def worker_rss_mb(server: subprocess.Popen) -> list[float]:
    """Resident memory of the granian worker processes (the server's grandchildren)."""
    out = subprocess.run(["ps", "-o", "rss=,args=", "--sid", str(server.pid)],
                         capture_output=True, text=True).stdout  # fmt: skip
    rows = [line.split(None, 1) for line in out.strip().splitlines()]
    return sorted(int(rss) / 1024 for rss, args in rows if "granian" in args)


IN_PROCESS = r"""
import statistics, time, django
django.setup()
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.conf import settings
settings.MASTHEAD_PAGE_CACHE_ENABLED = False
client = Client(HTTP_HOST="127.0.0.1")
url = "{url}"
client.get(url)
times = []
for _ in range(60):
    start = time.perf_counter(); client.get(url); times.append(time.perf_counter() - start)
with CaptureQueriesContext(connection) as ctx:
    client.get(url)
print(statistics.median(times) * 1000, len(ctx.captured_queries))
"""

PUBLISH = r"""
import django; django.setup()
from masthead.news.models import ArticlePage
page = ArticlePage.objects.get(url_path__endswith="/{slug}/")
page.title = "{title}"
page.save_revision().publish()
"""


def publish_to_visible(var: Path, url: str, slug: str) -> float:
    title = f"Benchmark headline {int(time.time())}"
    script = PUBLISH.format(slug=slug, title=title)
    subprocess.run([sys.executable, "-c", script], env=env_for(var), check=True)
    published = time.perf_counter()
    while title not in urllib.request.urlopen(url).read().decode():
        if time.perf_counter() - published > 10:
            return float("inf")
        time.sleep(0.01)
    return time.perf_counter() - published


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (make bench installs it: apt-get install {tool})")
    work = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    var = work / "var"
    print("Loading a demo newsroom for the benchmark ...", flush=True)
    manage(var, "migrate", "--noinput", "-v", "0")
    manage(var, "load_demo")
    slug = "old-quay-warehouse-fire-cause-disputed"
    PAGES["article"] = f"/news/{slug}/"
    cached = start_server(var, PORT_APP)
    uncached = start_server(var, PORT_UNCACHED, MASTHEAD_PAGE_CACHE_ENABLED="0")
    static_root = work / "static-html"
    for name, path in PAGES.items():
        (static_root / name).mkdir(parents=True)
        html = urllib.request.urlopen(f"http://127.0.0.1:{PORT_APP}{path}").read()
        (static_root / name / "index.html").write_bytes(html)
    nginx = start_nginx(static_root, work)
    results = {}
    try:
        for name, path in PAGES.items():
            results[name] = {
                "uncached (granian)": wrk(f"http://127.0.0.1:{PORT_UNCACHED}{path}", args.duration),
                "app page cache (granian)": wrk(
                    f"http://127.0.0.1:{PORT_APP}{path}", args.duration
                ),
                "nginx static file": wrk(f"http://127.0.0.1:{PORT_NGINX}/{name}/", args.duration),
            }
        rss = worker_rss_mb(cached)
        render = subprocess.run([sys.executable, "-c", IN_PROCESS.format(url=PAGES["article"])],
                                env=env_for(var), capture_output=True, text=True, check=True)  # fmt: skip
        render_ms, queries = map(float, render.stdout.split())
        visible = [publish_to_visible(var, f"http://127.0.0.1:{PORT_APP}{PAGES['article']}", slug)
                   for _ in range(3)]  # fmt: skip
    finally:
        for proc in (cached, uncached, nginx):
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nwrk -t2 -c50 -d{args.duration}s on loopback; ratio = req/s ÷ nginx static file")
    print(
        f"{'page':9}{'variant':27}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'non-2xx':>9}"
    )
    for name, variants in results.items():
        base = variants["nginx static file"]["rps"]
        for variant, r in variants.items():
            print(f"{name:9}{variant:27}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
                  f"{r['rps'] / base:>8.3f}{r['errors']:>9}")  # fmt: skip
    print(
        f"\nuncached article render in-process: {render_ms:.1f} ms median, {queries:.0f} SQL queries"
    )
    print("publish-to-visible through the app cache: "
          + ", ".join(f"{v:.2f} s" for v in visible))  # fmt: skip
    print("web worker RSS after the runs: " + ", ".join(f"{m:.0f} MB" for m in rss))
    print("targets: cache hit ≥ 10,000 req/s; render ≤ 10 ms; publish-to-visible ≤ 1 s; "
          "RSS ≤ 150 MB")  # fmt: skip


if __name__ == "__main__":
    main()
