"""Page speed: uncached vs the app's page cache vs Varnish vs nginx serving the same HTML.

Builds a throwaway demo newsroom under a temporary MASTHEAD_VAR_DIR, starts granian
(2 workers, 1 blocking thread each), Varnish (deploy/varnish/default.vcl) in front of the
cached granian, and nginx on loopback, and drives each with wrk (-t2 -c50). Also: in-process
render cost and SQL queries of an uncached article, publish-to-visible latency through the
app cache and through Varnish, and the web workers' resident memory.

Varnish and nginx are run alternately, five times each per page, and the median run
counts (one run of either varied by ±15 % on this 2-core machine). The render cost is
given twice: between publishes (this process's cards and memo kept) and right after one.

Targets (issue 6): app cache hit ≥ 10,000 req/s; through Varnish ≥ 80 % of nginx; uncached
article render ≤ 10 ms median; publish-to-visible ≤ 1 s; web worker RSS ≤ 150 MB.
    python -m bench.page_speed [--duration 10] [--rounds 5]
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

PORT_APP, PORT_UNCACHED, PORT_NGINX, PORT_VARNISH = 8181, 8182, 8183, 8184
VARNISH_URL = f"http://127.0.0.1:{PORT_VARNISH}"
VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"
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


def varnishd_path() -> str | None:
    return shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def start_varnish(work: Path, backend_port: int) -> subprocess.Popen:
    """varnishd with the deployed VCL, its backend pointed at the cached granian."""
    vcl = re.sub(r'(backend default \{\s*\.host = )"[^"]*";(\s*\.port = )"[^"]*";',
                 rf'\1"127.0.0.1";\2"{backend_port}";', VCL.read_text())  # fmt: skip
    (work / "default.vcl").write_text(vcl)
    cmd = [varnishd_path(), "-F", "-j", "none", "-n", str(work / "varnish"), "-T", "none",
           "-a", f"127.0.0.1:{PORT_VARNISH}", "-f", str(work / "default.vcl"),
           "-s", "malloc,128m"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, start_new_session=True)
    wait_for(f"{VARNISH_URL}/")
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
from masthead.core.page_cache import invalidate_all
settings.MASTHEAD_PAGE_CACHE_ENABLED = False
client = Client(HTTP_HOST="127.0.0.1")
url = "{url}"
client.get(url)


def render(after_publish):
    if after_publish:  # what a publish does: every per-process store starts empty
        invalidate_all()
    start = time.perf_counter()
    client.get(url)
    return time.perf_counter() - start


for after_publish in (False, True):
    times = [render(after_publish) for _ in range(60)]
    if after_publish:
        invalidate_all()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    print(statistics.median(times) * 1000, len(ctx.captured_queries))
"""

PUBLISH = r"""
import time, django; django.setup()
from masthead.news.models import ArticlePage
page = ArticlePage.objects.get(url_path__endswith="/{slug}/")
page.title = "{title}"
page.save_revision().publish()  # commits, then purges the app cache and Varnish
print(time.time(), flush=True)
"""


def publish_to_visible(var: Path, url: str, slug: str) -> float:
    """Seconds from the end of a publish (in another process, as an editor's request would
    be) until `url` shows the new headline. The publishing process sends its purges to
    Varnish (MASTHEAD_VARNISH_URL) and lingers for the second, delayed one."""
    title = f"Benchmark headline {time.time_ns()}"
    script = PUBLISH.format(slug=slug, title=title)
    env = env_for(var, MASTHEAD_VARNISH_URL=VARNISH_URL)
    with subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                          text=True) as publisher:  # fmt: skip
        line = publisher.stdout.readline()
        if not line:
            raise RuntimeError("the publishing process failed")
        published = float(line)
        while title not in urllib.request.urlopen(url).read().decode():
            if time.time() - published > 10:
                return float("inf")
            time.sleep(0.01)
        visible = time.time() - published
        publisher.stdout.read()
    if publisher.returncode:
        raise RuntimeError("the publishing process failed")
    return visible


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternating Varnish and nginx runs per page (the median counts)")  # fmt: skip
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (make bench installs it: apt-get install {tool})")
    if not varnishd_path():
        sys.exit("varnishd is not installed (make bench installs it: apt-get install varnish)")
    work = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    var = work / "var"
    print("Loading a demo newsroom for the benchmark ...", flush=True)
    manage(var, "migrate", "--noinput", "-v", "0")
    manage(var, "load_demo")
    slug = "old-quay-warehouse-fire-cause-disputed"
    PAGES["article"] = f"/news/{slug}/"
    cached = start_server(var, PORT_APP, MASTHEAD_VARNISH_URL=VARNISH_URL)
    uncached = start_server(var, PORT_UNCACHED, MASTHEAD_PAGE_CACHE_ENABLED="0")
    static_root = work / "static-html"
    for name, path in PAGES.items():
        (static_root / name).mkdir(parents=True)
        html = urllib.request.urlopen(f"http://127.0.0.1:{PORT_APP}{path}").read()
        (static_root / name / "index.html").write_bytes(html)
    nginx = start_nginx(static_root, work)
    procs = [cached, uncached, nginx]
    results = {}
    try:
        procs.append(start_varnish(work, PORT_APP))
        for path in PAGES.values():  # warm: the first request is a miss
            for _ in range(2):
                urllib.request.urlopen(f"{VARNISH_URL}{path}").read()
        for name, path in PAGES.items():
            results[name] = {
                "(a) uncached (granian)": wrk(
                    f"http://127.0.0.1:{PORT_UNCACHED}{path}", args.duration
                ),
            }
            # The uncached server may still be working through the requests wrk left
            # queued (50 connections at about 0.3 s each): let it finish first.
            time.sleep(5)
            results[name]["(b) app page cache (granian)"] = wrk(
                f"http://127.0.0.1:{PORT_APP}{path}", args.duration
            )
            # Varnish and nginx alternate, `--rounds` times each, and the median run of
            # each counts: on two cores shared with wrk one run of either varied by ±15 %
            # (Varnish between 37,000 and 50,000 req/s on the article page, nginx between
            # 46,000 and 59,000, in one run).
            runs = {"(c) Varnish": [], "(d) nginx static file": []}
            for _ in range(args.rounds):
                runs["(c) Varnish"].append(wrk(f"{VARNISH_URL}{path}", args.duration))
                runs["(d) nginx static file"].append(
                    wrk(f"http://127.0.0.1:{PORT_NGINX}/{name}/", args.duration)
                )
            for variant, done in runs.items():
                results[name][variant] = sorted(done, key=lambda r: r["rps"])[len(done) // 2]
                results[name][variant]["all"] = [r["rps"] for r in done]
        rss = worker_rss_mb(cached)
        render = subprocess.run([sys.executable, "-c", IN_PROCESS.format(url=PAGES["article"])],
                                env=env_for(var), capture_output=True, text=True, check=True)  # fmt: skip
        (render_ms, queries), (cold_ms, cold_queries) = (
            map(float, line.split()) for line in render.stdout.split("\n")[:2]
        )
        visible = [publish_to_visible(var, f"http://127.0.0.1:{PORT_APP}{PAGES['article']}", slug)
                   for _ in range(3)]  # fmt: skip
        visible_varnish = [publish_to_visible(var, f"{VARNISH_URL}{PAGES['article']}", slug)
                           for _ in range(3)]  # fmt: skip
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nwrk -t2 -c50 -d{args.duration}s on loopback; ratio = req/s ÷ nginx static file")
    print(
        f"{'page':9}{'variant':31}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'non-2xx':>9}"
    )
    for name, variants in results.items():
        base = variants["(d) nginx static file"]["rps"]
        for variant, r in variants.items():
            print(f"{name:9}{variant:31}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
                  f"{r['rps'] / base:>8.3f}{r['errors']:>9}")  # fmt: skip
    if args.rounds > 1:
        for name, variants in results.items():
            for variant in ("(c) Varnish", "(d) nginx static file"):
                runs = ", ".join(f"{rps:.0f}" for rps in variants[variant]["all"])
                print(f"  {name} {variant}: median of {runs} req/s")
    print(
        f"\nuncached article render in-process: {render_ms:.1f} ms median, {queries:.0f} SQL "
        "queries (page cache off; this process's cards and memo kept, as between publishes)"
    )
    print(
        f"  right after a publish: {cold_ms:.1f} ms median, {cold_queries:.0f} SQL queries "
        "(every per-process store empty: the first render of a page after a publish)"
    )
    print("publish-to-visible through the app cache: "
          + ", ".join(f"{v:.2f} s" for v in visible))  # fmt: skip
    print("publish-to-visible through Varnish:       "
          + ", ".join(f"{v:.2f} s" for v in visible_varnish))  # fmt: skip
    print("web worker RSS after the runs: " + ", ".join(f"{m:.0f} MB" for m in rss))
    print("targets: cache hit ≥ 10,000 req/s; Varnish ≥ 0.8 × nginx; render ≤ 10 ms; "
          "publish-to-visible ≤ 1 s; RSS ≤ 150 MB")  # fmt: skip


if __name__ == "__main__":
    main()
