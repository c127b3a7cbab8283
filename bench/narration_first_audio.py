"""Publish → first audible second, with a real worker and a backlog (a benchmark, not a test).

A slow-lane worker (`masthead manage run_worker --lane slow`, pinned to CPU 0 with
`taskset -c 0`) is narrating a backlog of archive narrations (the demo's articles, queued
at ARCHIVE_PRIORITY as a lexicon change queues them) when a ~600-word article is
published. Measured from the publish's commit: when the first audio readers can play
exists (the narration's first live part, recorded on the narration, which is what the
article page renders its player from; decoded here and checked to be audible), and when
the complete audio is ready.

Baseline in the same run: the same with live parts off and no yielding to fresh work
(what Masthead did before: the new article waited for the archive run in progress to end,
and readers got a player only once the whole narration was made).

Target (issue 14): audible ≤ 15 s after Publish on one core, with a backlog.
    python -m bench.narration_first_audio [--backlog 6]
"""

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRESH = "old-quay-warehouse-fire-cause-disputed"  # 591 words
PRELUDE = """
import sys, time
import django
django.setup()
from django.conf import settings
from masthead.core.lanes import ARCHIVE_PRIORITY
from masthead.demo import loader
from masthead.narration import services
"""
QUEUE_BACKLOG = """
rows = [r for r in loader.demo_articles() if r["slug"] != %r][: %d]
settings.MASTHEAD_NARRATION_ENABLED = False  # published long ago: narrated as archive work
ids = loader.publish_demo_articles(rows)
settings.MASTHEAD_NARRATION_ENABLED = True
for pk in ids:
    services.narration_request(article_id=pk, force=True, priority=ARCHIVE_PRIORITY)
"""
PUBLISH_FRESH = """
rows = [r for r in loader.demo_articles() if r["slug"] == %r]
ids = loader.publish_demo_articles(rows)
print(ids[0], time.time())
"""


def environment(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "bench._first_audio_settings",
                "MASTHEAD_VAR_DIR": str(var), "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
                "MASTHEAD_NARRATION_ENABLED": "1", **extra})  # fmt: skip
    return env


def django_script(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", PRELUDE + code], env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout


def rows(var: Path, sql: str, *params) -> list[tuple]:
    db = sqlite3.connect(f"file:{var / 'masthead.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []  # busy: polled again
    finally:
        db.close()


def wait(condition, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise SystemExit("timed out")


def audible(path: Path) -> float:
    """Seconds of audio in the file, if it decodes and is not silence; else 0."""
    import miniaudio
    import numpy as np

    try:
        decoded = miniaudio.decode(path.read_bytes(), nchannels=1,
                                   output_format=miniaudio.SampleFormat.SIGNED16)  # fmt: skip
    except (OSError, miniaudio.DecodeError):
        return 0.0
    samples = np.frombuffer(decoded.samples, dtype=np.int16).astype(np.float64)
    loud = samples.size and 20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768 + 1e-12) > -40
    return samples.size / decoded.sample_rate if loud else 0.0


def first_playable(var: Path, article_id: int) -> tuple[Path, float] | None:
    found = rows(var, "SELECT audio, manifest FROM narration_narration WHERE article_id = ?",
                 article_id)  # fmt: skip
    if not found or not (found[0][0] or found[0][1]):
        return None
    audio, manifest = found[0]
    path = var / "media" / (audio or manifest.removesuffix(".json") + "-1.mp3")
    seconds = audible(path)
    return (path, seconds) if seconds else None


def scenario(template: Path, label: str, **extra: str) -> dict:
    var = Path(tempfile.mkdtemp(prefix="first-audio-"))
    shutil.rmtree(var)
    shutil.copytree(template, var)
    env = environment(var, **extra)
    log = (var / "worker.log").open("w")
    worker = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "masthead.cli", "manage", "run_worker",
         "--lane", "slow"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        # The backlog is being narrated: an archive run is a little way in.
        sql = "SELECT progress FROM narration_narration WHERE status = 'running'"
        wait(lambda: any(0.1 < p < 0.5 for (p,) in rows(var, sql)), timeout=600)
        article_id, published = django_script(env, PUBLISH_FRESH % FRESH).split()
        article_id, published = int(article_id), float(published)
        path, seconds = wait(lambda: first_playable(var, article_id), timeout=900)
        first = time.time() - published
        ready_sql = (
            "SELECT duration FROM narration_narration WHERE article_id = ? AND status = 'ready'"
        )
        (duration,) = wait(lambda: rows(var, ready_sql, article_id), timeout=900)[0]
        ready = time.time() - published
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
        shutil.rmtree(var, ignore_errors=True)
    return {"label": label, "first": first, "first_seconds": seconds, "ready": ready,
            "duration": duration, "file": path.name}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backlog", type=int, default=6)
    args = parser.parse_args()
    template = Path(tempfile.mkdtemp(prefix="first-audio-template-"))
    try:
        env = environment(template)
        subprocess.run([sys.executable, "-m", "masthead.cli", "manage", "migrate", "--noinput",
                        "-v", "0"], env=env, check=True)  # fmt: skip
        django_script(env, QUEUE_BACKLOG % (FRESH, args.backlog))
        before = scenario(template, "before", BENCH_LIVE_PARTS="0", BENCH_YIELD_AFTER="-1")
        now = scenario(template, "masthead")
    finally:
        shutil.rmtree(template, ignore_errors=True)
    print(f"Publish → audio, a 591-word article, worker on one core (taskset -c 0), "
          f"{args.backlog} archive narrations queued")  # fmt: skip
    print(f"{'':40}{'before':>12}{'masthead':>12}")
    print(f"{'first audible (s after publish)':40}{before['first']:>12.1f}{now['first']:>12.1f}")
    print(f"{'  length of that first file (s)':40}{before['first_seconds']:>12.1f}"
          f"{now['first_seconds']:>12.1f}")  # fmt: skip
    print(
        f"{'complete audio ready (s after publish)':40}{before['ready']:>12.1f}{now['ready']:>12.1f}"
    )
    print(f"{'audio duration (s)':40}{before['duration']:>12.1f}{now['duration']:>12.1f}")
    print("before: no live parts, the archive run in progress finishes first")
    print("target: first audible ≤ 15 s after publish")


if __name__ == "__main__":
    main()
