"""Faults in the task workers, with real processes: a worker killed (SIGKILL) mid narration,
mid webhook delivery and mid rendition leaves work that the next worker finishes, once;
SIGTERM mid narration hands the work back; fast work is not held up by slow work; a full
disk neither kills the worker nor leaves a narration "running" for ever.

The workers run `masthead manage run_worker` on a copy of a migrated SQLite var dir with
the settings in fault_settings.py (short leases and heartbeats). The test reads the
database directly with sqlite3 while they run.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .test_web_processes import ROOT, alive, free_port, process_env, wait_for

SEED = """
import json, sys
import django
django.setup()
from django.db import transaction
from masthead.demo import loader
from masthead.news.models import ArticlePage

def publish(rows):
    return loader.publish_demo_articles(rows)
"""


@pytest.fixture(scope="session")
def voices(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("voices")


def fault_env(var: Path, voices: Path, **extra: str) -> dict[str, str]:
    env = process_env(var, **extra)
    env["DJANGO_SETTINGS_MODULE"] = "tests.reliability.fault_settings"
    env["PYTHONPATH"] = f"{ROOT / 'src'}:{ROOT}"
    env["MASTHEAD_FAULT_VOICES"] = str(voices)
    return env


def django_script(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", SEED + code], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Worker:
    """`run_worker --lane LANE` in its own process group, its output kept in a file."""

    def __init__(self, env: dict[str, str], lane: str, log: Path) -> None:
        self.log = log
        with log.open("a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "masthead.cli", "manage", "run_worker", "--lane", lane],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def kill(self, signum: int = signal.SIGKILL) -> int:
        os.killpg(self.proc.pid, signum)
        return self.proc.wait(timeout=60)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.kill(signal.SIGTERM)


@pytest.fixture
def workers():
    started: list[Worker] = []
    yield started
    for worker in started:
        try:
            worker.kill(signal.SIGKILL)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


def rows(var: Path, sql: str, *params) -> list[tuple]:
    db = sqlite3.connect(f"file:{var / 'masthead.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []  # busy or mid-checkpoint: the caller polls again
    finally:
        db.close()


def tasks(var: Path, name: str) -> list[tuple[str, list]]:
    found = rows(var, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                      "WHERE task_path LIKE ?", f"%{name}")  # fmt: skip
    return [(status, json.loads(ids)) for status, ids in found]


def narration(var: Path) -> tuple | None:
    found = rows(var, "SELECT status, progress, attempts, audio FROM narration_narration")
    return found[0] if found else None


def narrated_article(var: Path, voices: Path) -> dict[str, str]:
    env = fault_env(var, voices, MASTHEAD_NARRATION_ENABLED="1")
    django_script(env, "publish(loader.demo_articles()[:1])")
    assert narration(var)[0] == "queued"
    return env


def wait_until_speaking(var: Path, worker: Worker) -> None:
    def speaking():
        assert worker.proc.poll() is None, worker.log.read_text()[-3000:]
        now = narration(var)
        return now and now[0] == "running" and 0 < now[1] < 0.8

    wait_for(speaking, timeout=240, step=0.05)


def mp3_files(var: Path) -> list[Path]:
    return sorted((var / "media" / "narration").glob("*.mp3"))


def test_a_narration_whose_worker_is_killed_is_finished_by_the_next_worker(
    var_dir, voices, workers, tmp_path
):
    env = narrated_article(var_dir, voices)
    first = Worker(env, "slow", tmp_path / "worker.log")
    workers.append(first)
    wait_until_speaking(var_dir, first)
    first.kill(signal.SIGKILL)
    assert narration(var_dir)[0] == "running"
    assert [status for status, _ in tasks(var_dir, "generate_narration")] == ["RUNNING"]

    second = Worker(env, "slow", tmp_path / "worker.log")
    workers.append(second)
    wait_for(lambda: (narration(var_dir) or ("",))[0] == "ready", timeout=300)
    second.stop()

    status, progress, attempts, audio = narration(var_dir)
    assert (progress, attempts) == (1.0, 2)
    assert mp3_files(var_dir) == [var_dir / "media" / audio]
    statuses = [status for status, _ in tasks(var_dir, "generate_narration")]
    assert statuses and set(statuses) == {"SUCCESSFUL"}, statuses


def test_sigterm_mid_narration_hands_the_work_back_and_the_next_worker_finishes_it(
    var_dir, voices, workers, tmp_path
):
    env = narrated_article(var_dir, voices)
    first = Worker(env, "slow", tmp_path / "worker.log")
    workers.append(first)
    wait_until_speaking(var_dir, first)
    assert first.kill(signal.SIGTERM) == 0
    log = (tmp_path / "worker.log").read_text()
    assert "handing the current task back" in log
    assert "Traceback" not in log
    # Handed back, not finished first: queued again, its task ready, no audio made.
    assert narration(var_dir)[0] == "queued"
    assert tasks(var_dir, "generate_narration") == [("READY", [])]
    assert mp3_files(var_dir) == []

    second = Worker(env, "slow", tmp_path / "worker.log")
    workers.append(second)
    wait_for(lambda: (narration(var_dir) or ("",))[0] == "ready", timeout=300)
    second.stop()
    assert [s for s, _ in tasks(var_dir, "generate_narration")] == ["SUCCESSFUL"]
    assert len(mp3_files(var_dir)) == 1


class Receiver(ThreadingHTTPServer):
    """A webhook receiver on loopback that holds its first request unanswered (the
    worker is then mid-send) and answers 200 to the others."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.release = threading.Event()
        super().__init__(("127.0.0.1", free_port()), ReceiverHandler)


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append({"id": self.headers["X-Masthead-Delivery"],
                                     "signature": self.headers["X-Masthead-Signature"],
                                     "body": body})  # fmt: skip
        if len(self.server.requests) == 1:
            self.server.release.wait(60)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def test_a_delivery_whose_worker_is_killed_mid_send_is_sent_again_with_the_same_id(
    var_dir, voices, workers, tmp_path, receiver
):
    env = fault_env(var_dir, voices)
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    django_script(env, f"""
from masthead.distribution.models import Webhook
Webhook.objects.create(name="Partner", url={url!r}, events=["article.published"])
publish(loader.demo_articles()[:1])
""")  # fmt: skip
    first = Worker(env, "fast", tmp_path / "worker.log")
    workers.append(first)
    wait_for(lambda: receiver.requests, timeout=120)
    assert rows(var_dir, "SELECT status FROM distribution_webhookdelivery") == [("sending",)]
    first.kill(signal.SIGKILL)

    second = Worker(env, "fast", tmp_path / "worker.log")
    workers.append(second)
    delivered = "SELECT status, attempts FROM distribution_webhookdelivery"
    wait_for(lambda: rows(var_dir, delivered) == [("succeeded", 2)], timeout=120)
    second.stop()
    assert len(receiver.requests) == 2
    one, two = receiver.requests
    assert (one["id"], one["signature"], one["body"]) == (two["id"], two["signature"], two["body"])
    statuses = {s for s, _ in tasks(var_dir, "deliver_webhook")}
    assert statuses == {"SUCCESSFUL"}, statuses


def big_photo(path: Path) -> None:
    import numpy as np
    from PIL import Image

    noise = np.random.default_rng(7).integers(0, 255, (4000, 6000, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path, "JPEG", quality=90)


def test_renditions_whose_worker_is_killed_are_made_by_the_next_worker(
    var_dir, voices, workers, tmp_path
):
    photo = tmp_path / "harbour.jpg"
    big_photo(photo)
    env = fault_env(var_dir, voices, MASTHEAD_PREPARE_RENDITIONS="1")
    expected = int(django_script(env, f"""
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from masthead.news.images import RENDITION_SPECS
with open({str(photo)!r}, "rb") as f:
    get_image_model().objects.create(title="Harbour", file=ImageFile(f, name="harbour.jpg"))
print(len(RENDITION_SPECS))
""").split()[-1])  # fmt: skip
    made = "SELECT count(*) FROM wagtailimages_rendition"
    first = Worker(env, "fast", tmp_path / "worker.log")
    workers.append(first)
    wait_for(lambda: [s for s, _ in tasks(var_dir, "prepare_renditions")] == ["RUNNING"],
             timeout=120, step=0.05)  # fmt: skip
    first.kill(signal.SIGKILL)
    assert rows(var_dir, made)[0][0] < expected  # killed before it was done

    second = Worker(env, "fast", tmp_path / "worker.log")
    workers.append(second)
    done = lambda: [s for s, _ in tasks(var_dir, "prepare_renditions")] == ["SUCCESSFUL"]  # noqa: E731
    wait_for(done, timeout=180)
    second.stop()
    assert rows(var_dir, made)[0][0] >= expected
    ((_, ids),) = tasks(var_dir, "prepare_renditions")
    assert len(ids) == 2  # the killed worker, then the one that finished it


def test_fast_work_is_not_held_up_by_a_narration_backlog(var_dir, voices, workers, tmp_path,
                                                         receiver):  # fmt: skip
    receiver.release.set()  # answer at once
    env = fault_env(var_dir, voices, MASTHEAD_NARRATION_ENABLED="1")
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    django_script(env, f"""
from masthead.distribution.models import Webhook
Webhook.objects.create(name="Partner", url={url!r}, events=["article.published"])
publish(loader.demo_articles()[:4])
""")  # fmt: skip
    log = tmp_path / "worker.log"
    slow, fast = Worker(env, "slow", log), Worker(env, "fast", log)
    workers.extend([slow, fast])
    delivered = "SELECT count(*) FROM distribution_webhookdelivery WHERE status='succeeded'"
    wait_for(lambda: rows(var_dir, delivered) == [(4,)], timeout=120)
    # Every delivery went out while the narrations were still being made.
    statuses = [r[0] for r in rows(var_dir, "SELECT status FROM narration_narration")]
    assert statuses.count("ready") < 4, statuses
    assert len(receiver.requests) == 4


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * (1 << 20))
                out.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_neither_kills_the_worker_nor_strands_the_narration(
    migrated_var, voices, workers, tmp_path, small_disk
):
    import shutil

    var = small_disk / "var"
    shutil.copytree(migrated_var, var)
    env = narrated_article(var, voices)
    filler = fill(small_disk)
    worker = Worker(env, "slow", tmp_path / "worker.log")
    workers.append(worker)
    # The narration cannot be saved (nor its failure recorded) while the disk is full.
    time.sleep(20)
    assert worker.proc.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
    doctor = subprocess.run([sys.executable, "-m", "masthead.cli", "manage", "doctor"],
                            env={**env, "MASTHEAD_HEALTH_MIN_FREE_MB": "5"},
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert doctor.returncode != 0
    assert "FAIL disk" in doctor.stdout, doctor.stdout + doctor.stderr
    assert (narration(var) or ("",))[0] != "ready"

    filler.unlink()  # space comes back
    wait_for(lambda: (narration(var) or ("",))[0] == "ready", timeout=300)
    assert worker.proc.poll() is None
    worker.stop()
    assert alive(worker.proc.pid) is False
    assert len(mp3_files(var)) == 1
