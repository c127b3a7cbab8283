"""Publishing load: a mixed reader load with and without a publish every 10 s.

Builds a throwaway demo newsroom (SQLite, file cache: bench/soak.py's setup), starts
`masthead serve` (granian, 2 workers) and sends, from client processes with keep-alive
connections, as many requests as it answers (closed loop) for about 120 URLs: every
article, the home page, sections, tags, authors, topics, search for ten words, feeds and
sitemaps (with `Accept-Encoding: gzip, deflate, br`, as browsers send). Three phases
against the same server, each printed beside the first (the baseline of this run):

1. no publishes;
2. a publish every --publish-every seconds (an article's headline changes): only what
   the article shows on is made stale (core/invalidation.py);
3. the same, and every publish also makes everything stale (invalidate_all: how every
   publish worked before tag invalidation), for comparison.

Then, in-process (page cache off): the render of an article page right after a publish
of another article, of the article itself, and after "everything" (median ms, SQL).

Target (issue 14): phase 2 keeps ≥ 80 % of phase 1's req/s; the first render after a
publish of an article ≤ 10 ms.

    python -m bench.publish_load [--seconds 30] [--clients 4] [--publish-every 10] [--work DIR]

--work: a kept directory of an earlier run (demo loaded), to skip loading the demo.
"""

import argparse
import http.client
import json
import multiprocessing
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.soak import env_for, manage, start, stop, wait_for

PORT = 8193
SEARCH_WORDS = ["council", "harbour", "school", "fire", "bridge", "budget", "river",
                "police", "housing", "weather"]  # fmt: skip

HELPER = r"""
import json, sys, time
import django
django.setup()
from django.db import close_old_connections
from taggit.models import Tag
from masthead.core.page_cache import invalidate_all
from masthead.news.models import ArticlePage, Author, SectionPage


def urls():
    articles = [a.get_url() for a in ArticlePage.objects.live().order_by("pk")]
    sections = [s.get_url() for s in SectionPage.objects.live()]
    tags = sorted({t.slug for t in Tag.objects.filter(news_articletag_items__isnull=False)})
    authors = [a.slug for a in Author.objects.all()]
    return {"articles": articles, "sections": sections, "tags": tags, "authors": authors,
            "pks": list(ArticlePage.objects.live().order_by("pk").values_list("pk", flat=True))}


def publish(pk, title, everything):
    page = ArticlePage.objects.get(pk=pk).get_latest_revision_as_object()
    page.title = title
    page.save_revision().publish()
    if everything:
        invalidate_all()
    return time.time()


for line in sys.stdin:
    command, *args = json.loads(line)
    close_old_connections()
    answer = urls() if command == "urls" else publish(*args)
    print(json.dumps(answer), flush=True)
"""

RENDER = r"""
import json, statistics, time, django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from masthead.core.page_cache import invalidate_all
from masthead.news.models import ArticlePage
settings.MASTHEAD_PAGE_CACHE_ENABLED = False
client = Client(HTTP_HOST="127.0.0.1")
first, other = ArticlePage.objects.live().order_by("-pk")[:2]
url = first.get_url()
for _ in range(3):
    client.get(url)


def publish(pk, n):
    page = ArticlePage.objects.get(pk=pk).get_latest_revision_as_object()
    page.title = page.title.split(" #")[0] + f" #{n}"
    page.save_revision().publish()  # autocommit: its invalidation runs at once


def render():
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        took = time.perf_counter() - start
    return took * 1000, len(ctx.captured_queries)


results = {}
for mode in ("between publishes", "after a publish of another article",
             "after a publish of the article itself", "after everything (as before)"):
    runs = []
    for n in range(15):
        if mode == "after a publish of another article":
            publish(other.pk, n)
        elif mode == "after a publish of the article itself":
            publish(first.pk, n)
        elif mode.startswith("after everything"):
            invalidate_all()
        runs.append(render())
    results[mode] = [statistics.median(r[0] for r in runs), max(r[1] for r in runs)]
print(json.dumps(results))
"""


class Helper:
    def __init__(self, env: dict) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HELPER], env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip

    def ask(self, *command):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the publishing helper failed")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=20)


def url_list(site: dict) -> list[str]:
    urls = ["/", "/topics/", "/feeds/rss.xml", "/feeds/atom.xml", "/sitemap.xml",
            "/news-sitemap.xml", *site["articles"], *site["sections"]]  # fmt: skip
    urls += [f"/tags/{slug}/" for slug in site["tags"]]
    urls += [f"/authors/{slug}/" for slug in site["authors"]]
    urls += [f"/search/?q={word}" for word in SEARCH_WORDS]
    return urls


def reader(args: tuple) -> dict:
    urls, seconds, seed = args
    rng = random.Random(seed)
    headers = {"Host": f"127.0.0.1:{PORT}", "Accept-Encoding": "gzip, deflate, br",
               "User-Agent": "Mozilla/5.0 (bench.publish_load)"}  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    done = errors = received = misses = 0
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        url = rng.choice(urls)
        start = time.monotonic()
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            received += len(response.read())
            errors += response.status >= 400
            misses += response.getheader("X-Cache") == "MISS"
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            continue
        latencies.append(time.monotonic() - start)
        done += 1
    conn.close()
    return {"done": done, "errors": errors, "bytes": received, "latencies": latencies,
            "misses": misses}  # fmt: skip


def run_phase(urls, seconds, clients, publish=None, seed=0) -> dict:
    stopping = threading.Event()
    publishes = []
    if publish is not None:
        thread = threading.Thread(target=publish, args=(stopping, publishes), daemon=True)
        thread.start()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        parts = pool.map(reader, [(urls, seconds, seed * 100 + n) for n in range(clients)])
    stopping.set()
    if publish is not None:
        thread.join(timeout=30)
    latencies = sorted(x for p in parts for x in p["latencies"])
    done = sum(p["done"] for p in parts)
    return {
        "rps": done / seconds,
        "errors": sum(p["errors"] for p in parts),
        "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0,
        "kb": sum(p["bytes"] for p in parts) / max(done, 1) / 1024,
        "publishes": len(publishes),
        "misses": sum(p["misses"] for p in parts),
    }


def publisher(helper: Helper, pks: list[int], every: float, everything: bool):
    def loop(stopping: threading.Event, publishes: list) -> None:
        n = 0
        while not stopping.wait(every if n else 1.0):
            pk = pks[n % len(pks)]
            helper.ask("publish", pk, f"Publishing load headline {time.time_ns()}", everything)
            publishes.append(pk)
            n += 1

    return loop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--publish-every", type=float, default=10)
    parser.add_argument("--work", help="a kept directory of an earlier run (demo loaded)")
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="masthead-publish-load-"))
    env = env_for(work / "var")
    if not args.work:
        print("Loading a demo newsroom for the benchmark ...", flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
    server = start(env, "serve", "--port", str(PORT), "--workers", "2")
    helper = Helper(env)
    phases = {}
    try:
        wait_for(f"http://127.0.0.1:{PORT}/")
        site = helper.ask("urls")
        urls = url_list(site)
        pks = site["pks"][::7] or site["pks"]
        for url in urls:  # warm: every URL rendered and cached once
            wait_for(f"http://127.0.0.1:{PORT}{url}")
        phases["no publishes (baseline)"] = run_phase(urls, args.seconds, args.clients)
        phases[f"a publish every {args.publish_every:g} s"] = run_phase(
            urls, args.seconds, args.clients, publisher(helper, pks, args.publish_every, False), 1
        )
        phases["the same, each also making everything stale (as before)"] = run_phase(
            urls, args.seconds, args.clients, publisher(helper, pks, args.publish_every, True), 2
        )
    finally:
        helper.close()
        stop(server)
    render = subprocess.run([sys.executable, "-c", RENDER], env=env, capture_output=True,
                            text=True, check=True)  # fmt: skip
    renders = json.loads(render.stdout.strip().splitlines()[-1])

    print(f"\n{len(urls)} URLs, {args.clients} client processes (closed loop, keep-alive), "
          f"{args.seconds:g} s per phase; ratio = req/s ÷ the no-publish phase")  # fmt: skip
    print(f"{'phase':58}{'req/s':>8}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}{'KB/resp':>8}"
          f"{'errors':>7}{'publ.':>6}{'renders':>8}")  # fmt: skip
    base = phases["no publishes (baseline)"]["rps"]
    for name, p in phases.items():
        print(f"{name:58}{p['rps']:>8.0f}{p['rps'] / base:>7.2f}{p['p50']:>8.1f}{p['p99']:>8.1f}"
              f"{p['kb']:>8.1f}{p['errors']:>7}{p['publishes']:>6}{p['misses']:>8}")  # fmt: skip
    print("(renders: responses the page cache missed, so Django rendered them)")
    print("\nuncached article render in-process (median of 15, max SQL queries):")
    for mode, (ms, queries) in renders.items():
        print(f"  {mode:42} {ms:6.1f} ms {queries:4d} queries")
    print(
        "targets: a publish every 10 s keeps ≥ 0.80 of the no-publish req/s; "
        "render after a publish of an article ≤ 10 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
