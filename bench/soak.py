"""Soak: minutes of mixed reader load with publishes every 10 s (a benchmark, not a test).

Builds a throwaway demo newsroom under a temporary MASTHEAD_VAR_DIR (SQLite, file cache,
database task queue: `masthead demo`'s setup), starts `masthead serve` (granian, 2 workers,
1 blocking thread each) and `masthead worker`, and sends readers' requests on loopback
from client processes at a steady rate: article pages, the home page, section and topic
listings, search, feeds and view beacons. Three phases, against the same processes:

1. warm-up: load for a few seconds and one publish, waited on until its narration is
   made (the worker loads the voice then, once);
2. baseline: the same load with no publishes;
3. soak: the same load with a publish every 10 s (a headline changes, so the worker
   narrates the article again), for --seconds.

Reported per phase: requests, errors (anything but 2xx/3xx, and failed connections),
p50/p99 latency, and per kind of page; for the soak also publish-to-visible (from the
publish's commit until the article page shows the new headline), the narrations the
worker made, and the resident memory of the web server (granian, all processes) and of
the worker (both lane processes) at the start and the end of the soak, and the peak memory
of the narration (slow-lane) process.

Targets (issue "Trust II"): 0 errors; RSS growth ≤ 5 % over the soak; the narration
worker ≤ 700 MB.

    python -m bench.soak                  # 5 minutes of soak
    python -m bench.soak --seconds 60     # a shorter run
    python -m bench soak -- --seconds 60  # through `make bench`'s runner

Options: --rate (requests per second, all clients together; default 150), --clients
(processes; default 4), --baseline (seconds; default a fifth of --seconds, at least 20),
--publish-every (seconds; default 10). Every request loop stops at its phase's deadline
and after at most rate × seconds × 1.1 requests; only 127.0.0.1 is contacted.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PORT = 8191
HOST = "127.0.0.1"
READER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
# Share of requests per kind of page: readers mostly read articles, and each article
# read sends a beacon from most browsers.
MIX = {"article": 42, "beacon": 20, "home": 11, "section": 10, "topic": 6, "search": 5,
       "feed": 6}  # fmt: skip
SEARCH_WORDS = ["council", "harbour", "school", "fire", "bridge", "budget", "river",
                "festival", "housing", "police", "election", "weather"]  # fmt: skip
WARMUP_SECONDS = 8
NARRATION_WAIT = 180
DRAIN_WAIT = 600
VISIBLE_TIMEOUT = 15.0
RSS_TARGET = 5.0

HELPER = r"""
import json, sys, time
from datetime import datetime, timezone as tz
import django
django.setup()
from django.db import close_old_connections
from taggit.models import Tag
from masthead.narration.models import Narration
from masthead.news.models import ArticlePage, SectionPage


def urls():
    articles = ArticlePage.objects.live().order_by("pk")
    return {
        "articles": [[a.pk, a.get_url(), a.title] for a in articles],
        "sections": [s.get_url() for s in SectionPage.objects.live()],
        "topics": sorted({t.slug for t in Tag.objects.filter(news_articletag_items__isnull=False)}),
    }


def publish(pk, title):
    page = ArticlePage.objects.get(pk=pk).get_latest_revision_as_object()
    page.title = title
    page.save_revision().publish()
    return time.time()


def narrations(since):
    since = datetime.fromtimestamp(since, tz=tz.utc)
    done = Narration.objects.filter(finished_at__gte=since, status="ready")
    waits = [(n.finished_at - n.requested_at).total_seconds() for n in done if n.requested_at]
    counts = {s: Narration.objects.filter(status=s).count() for s in ("queued", "running", "failed")}
    return {"ready": len(waits), "waits": waits, **counts}


for line in sys.stdin:
    command, *args = json.loads(line)
    close_old_connections()
    if command == "urls":
        answer = urls()
    elif command == "publish":
        answer = publish(*args)
    else:
        answer = narrations(*args)
    print(json.dumps(answer), flush=True)
"""


# --- processes ---------------------------------------------------------------------------


def env_for(var: Path, **extra: str) -> dict:
    # Every simulated reader comes from 127.0.0.1: the per-address beacon limits (a burst
    # limit and a daily cap per article, docs/audience.md) would refuse them as one reader.
    env = {**os.environ, "MASTHEAD_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE":
           "masthead.settings.dev", "MASTHEAD_DEMO_PASSWORD": "bench-only",
           "MASTHEAD_AUDIENCE_BURST_LIMIT": "0", "MASTHEAD_AUDIENCE_DAILY_CAP": "0",
           **extra}  # fmt: skip
    env.pop("DATABASE_URL", None)
    return env


def manage(env: dict, *args: str) -> None:
    cmd = [sys.executable, "-m", "masthead.cli", "manage", *args]
    subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)


def start(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "masthead.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def processes() -> dict[int, tuple[int, int, str]]:
    """pid → (parent pid, resident KB, command line) of every live process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found[int(entry.name)] = (int(fields[1]), int(fields[21]) * 4, cmd)
    return found


def family(pid: int, table: dict) -> list[int]:
    members, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, (ppid, _, _) in table.items() if ppid == parent]
        members += children
        todo += children
    return [p for p in members if p in table]


def rss_mb(proc: subprocess.Popen) -> float:
    """Resident memory of a process and everything it started (granian's workers, the
    worker's two lane processes, which run in sessions of their own)."""
    table = processes()
    return sum(table[p][1] for p in family(proc.pid, table)) / 1024


class PeakMemory:
    """The highest resident memory any slow-lane (narration) process reached, sampled
    every second in a thread; recycled processes are counted each in turn."""

    def __init__(self) -> None:
        import threading

        self.peak_mb, self.processes = 0.0, set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while not self.stop.wait(1.0):
            for pid, (_, kb, cmd) in processes().items():
                if "run_worker --lane slow" in cmd:
                    self.processes.add(pid)
                    self.peak_mb = max(self.peak_mb, kb / 1024)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


class Helper:
    """A Django process of the newsroom's own that publishes and answers questions."""

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


# --- readers (forked client processes, no Django) ----------------------------------------


def request_for(kind: str, site: dict, rng: random.Random) -> tuple[str, str, bytes | None]:
    if kind in ("article", "beacon"):
        pk, url, _ = rng.choice(site["articles"])
        if kind == "article":
            return "GET", url, None
        return "POST", "/_audience/view", json.dumps({"beacon": "masthead-view/1",
                                                      "article": pk}).encode()  # fmt: skip
    if kind == "home":
        return "GET", "/", None
    if kind == "section":
        return "GET", rng.choice(site["sections"]), None
    if kind == "topic":
        return "GET", f"/tags/{rng.choice(site['topics'])}/", None
    if kind == "search":
        return "GET", f"/search/?q={rng.choice(SEARCH_WORDS)}", None
    return "GET", rng.choice(["/feeds/rss.xml", "/feeds/atom.xml"]), None


def reader(args: tuple) -> dict:
    """Send requests at `rate` per second until `deadline` (time.time()), at most `limit`."""
    site, rate, deadline, limit, seed = args
    rng = random.Random(seed)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=limit)
    latencies: dict[str, list[float]] = {kind: [] for kind in MIX}
    errors: dict[str, int] = {}
    samples: list[str] = []
    connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
    interval = 1 / rate
    next_at = time.time() + rng.random() * interval
    for kind in kinds:
        if next_at >= deadline:
            break
        time.sleep(max(0.0, next_at - time.time()))
        next_at += interval
        method, path, body = request_for(kind, site, rng)
        # Each beacon comes from a different reader (the burst limiter counts per reader).
        headers = {"User-Agent": f"{READER_UA} r{rng.randrange(10**9)}"}
        if body:
            headers["Content-Type"] = "text/plain;charset=UTF-8"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status = f"{type(error).__name__}"
            connection.close()
            connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
        latencies[kind].append(time.perf_counter() - started)
        if not (isinstance(status, int) and 200 <= status < 400):
            errors[kind] = errors.get(kind, 0) + 1
            if len(samples) < 5:
                samples.append(f"{method} {path} -> {status}")
    connection.close()
    return {"latencies": latencies, "errors": errors, "samples": samples}


def run_load(site: dict, *, seconds: float, rate: float, clients: int, publish=None) -> dict:
    """Readers for `seconds`; `publish`, if given, runs in this process meanwhile."""
    deadline = time.time() + seconds
    limit = int(rate / clients * seconds * 1.1) + 10
    jobs = [(site, rate / clients, deadline, limit, random.randrange(10**9))
            for _ in range(clients)]  # fmt: skip
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        pending = pool.map_async(reader, jobs)
        extra = publish(deadline) if publish else None
        results = pending.get(timeout=seconds + 60)
    merged = {"seconds": seconds, "latencies": {k: [] for k in MIX}, "errors": {}, "samples": []}
    for result in results:
        for kind, values in result["latencies"].items():
            merged["latencies"][kind] += values
        for kind, count in result["errors"].items():
            merged["errors"][kind] = merged["errors"].get(kind, 0) + count
        merged["samples"] += result["samples"]
    merged["extra"] = extra
    return merged


# --- publishing ----------------------------------------------------------------------------


def publish_and_watch(helper: Helper, site: dict, n: int) -> float:
    """Publish a new headline on one article; seconds until its page shows it."""
    pk, url, title = site["articles"][n % len(site["articles"])]
    marker = f"Soak update {n} "
    published = helper.ask("publish", pk, f"{marker}{title}"[:250])
    connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
    try:
        while time.time() - published < VISIBLE_TIMEOUT:
            connection.request("GET", url, headers={"User-Agent": READER_UA})
            # The marker, not the whole headline: the page shows the headline with
            # typographic quotes and dashes (news/typography.py).
            if marker in connection.getresponse().read().decode():
                return time.time() - published
            time.sleep(0.02)
    finally:
        connection.close()
    return float("inf")


def publisher(helper: Helper, site: dict, every: float, first: int):
    def run(deadline: float) -> list[float]:
        visible = []
        n = first
        next_at = time.time() + every
        while next_at < deadline - 1:
            time.sleep(max(0.0, next_at - time.time()))
            visible.append(publish_and_watch(helper, site, n))
            n += 1
            next_at += every
        return visible

    return run


def wait_for_narrations(
    helper: Helper, since: float, count: int, timeout: float = NARRATION_WAIT
) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = helper.ask("narrations", since)
        if status["ready"] >= count and not status["queued"] and not status["running"]:
            return True
        time.sleep(1)
    return False


# --- report ------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def print_phase(name: str, phase: dict) -> None:
    every = [v for values in phase["latencies"].values() for v in values]
    errors = sum(phase["errors"].values())
    print(f"{name:10}{len(every):>9}{len(every) / phase['seconds']:>8.0f}{errors:>8}"
          f"{pct(every, 50):>9.1f}{pct(every, 99):>9.1f}")  # fmt: skip


def print_kinds(phase: dict) -> None:
    for kind, values in phase["latencies"].items():
        print(f"  {kind:8}{len(values):>9}{phase['errors'].get(kind, 0):>8}"
              f"{pct(values, 50):>9.1f}{pct(values, 99):>9.1f}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--seconds", type=int, default=300, help="length of the soak phase")
    parser.add_argument("--baseline", type=int, default=None, help="length of the baseline")
    parser.add_argument("--rate", type=float, default=150, help="requests per second")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--publish-every", type=float, default=10.0, help="seconds")
    args = parser.parse_args()
    baseline_seconds = args.baseline or max(20, args.seconds // 5)

    work = Path(tempfile.mkdtemp(prefix="masthead-soak-"))
    var = work / "var"
    env = env_for(var)
    procs: list[subprocess.Popen] = []
    helper = None
    try:
        print("Loading a demo newsroom for the soak ...", flush=True)
        setup_started = time.monotonic()
        quiet = env_for(var, MASTHEAD_NARRATION_ENABLED="0")
        manage(quiet, "migrate", "--noinput", "-v", "0")
        manage(quiet, "load_demo")  # the demo's own narrations are not part of the soak
        manage(quiet, "update_index", "-v", "0")
        # The demo's queued tasks (image renditions, indexing) done before the clock starts.
        subprocess.run([sys.executable, "-m", "masthead.cli", "worker", "--batch"], env=quiet,
                       check=True, capture_output=True)  # fmt: skip
        server = start(env, "serve", "--port", str(PORT), "--workers", "2")
        procs.append(server)
        worker = start(env, "worker")
        procs.append(worker)
        wait_for(f"http://{HOST}:{PORT}/")
        helper = Helper(env)
        site = helper.ask("urls")
        print(f"ready in {time.monotonic() - setup_started:.0f} s: "
              f"{len(site['articles'])} articles, {len(site['sections'])} sections, "
              f"{len(site['topics'])} topics; {args.rate:.0f} req/s from {args.clients} "
              f"clients on {HOST}:{PORT}", flush=True)  # fmt: skip

        print(f"warm-up: {WARMUP_SECONDS} s of load, one publish, its narration ...", flush=True)
        warm_since = time.time()
        run_load(site, seconds=WARMUP_SECONDS, rate=args.rate, clients=args.clients,
                 publish=lambda deadline: publish_and_watch(helper, site, 0))  # fmt: skip
        narrated = wait_for_narrations(helper, warm_since, 1)
        print(f"baseline: {baseline_seconds} s, no publishes ...", flush=True)
        baseline = run_load(site, seconds=baseline_seconds, rate=args.rate, clients=args.clients)

        rss_start = rss_mb(server), rss_mb(worker)
        narration_memory = PeakMemory()
        soak_since = time.time()
        print(f"soak: {args.seconds} s, a publish every {args.publish_every:.0f} s ...",
              flush=True)  # fmt: skip
        soak = run_load(site, seconds=args.seconds, rate=args.rate, clients=args.clients,
                        publish=publisher(helper, site, args.publish_every, first=1))  # fmt: skip
        rss_end = rss_mb(server), rss_mb(worker)
        narrations = helper.ask("narrations", soak_since)
        # The worker's memory swings with the article it is speaking: compare it idle too,
        # once the narrations the soak queued are made.
        drain_started = time.monotonic()
        drained = wait_for_narrations(helper, soak_since, 0, timeout=DRAIN_WAIT)
        drain_seconds = time.monotonic() - drain_started
        rss_drained = rss_mb(server), rss_mb(worker)
        narration_memory.close()
        alive = server.poll() is None and worker.poll() is None
    finally:
        if helper:
            helper.close()
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'phase':10}{'requests':>9}{'req/s':>8}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}")
    print_phase("baseline", baseline)
    print_phase("soak", soak)
    print("soak by kind of request:")
    print_kinds(soak)
    for sample in baseline["samples"] + soak["samples"]:
        print(f"  error: {sample}")
    visible = soak["extra"]
    finite = [v for v in visible if v != float("inf")]
    print(f"\npublishes during the soak: {len(visible)}; publish-to-visible "
          f"median {statistics.median(finite) if finite else float('nan'):.2f} s, "
          f"max {max(visible) if visible else float('nan'):.2f} s; not visible within "
          f"{VISIBLE_TIMEOUT:.0f} s: {len(visible) - len(finite)}")  # fmt: skip
    waits = narrations["waits"]
    print(f"narrations made during the soak: {narrations['ready']} (publish to audio median "
          f"{statistics.median(waits) if waits else float('nan'):.1f} s); left queued "
          f"{narrations['queued']}, running {narrations['running']}, failed "
          f"{narrations['failed']}; warm-up narration done: {narrated}")  # fmt: skip

    def growth(begin: float, end: float) -> str:
        return f"{end:.0f} MB ({(end - begin) / begin * 100:+.1f} %)"

    for n, name in enumerate(("web", "worker")):
        print(f"{name} RSS: {rss_start[n]:.0f} MB at the start of the soak; at the end "
              f"{growth(rss_start[n], rss_end[n])}; {drain_seconds:.0f} s later, its "
              f"narrations {'made' if drained else 'NOT all made'}, "
              f"{growth(rss_start[n], rss_drained[n])}")  # fmt: skip
    worst = max((end - begin) / begin * 100 for begin, end in zip(rss_start, rss_drained,
                                                                    strict=True))  # fmt: skip
    print(f"narration (slow-lane) worker: peak RSS {narration_memory.peak_mb:.0f} MB over "
          f"{len(narration_memory.processes)} process(es) (recycled every "
          f"MASTHEAD_SLOW_WORKER_MAX_TASKS tasks; target ≤ 700 MB)")  # fmt: skip
    errors = sum(baseline["errors"].values()) + sum(soak["errors"].values())
    print(f"targets: 0 errors ({errors}); RSS growth ≤ {RSS_TARGET:.0f} % (idle: "
          f"{worst:+.1f} %); server and worker still running: {alive}")  # fmt: skip
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())
