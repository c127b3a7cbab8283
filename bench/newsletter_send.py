"""Newsletter send: one issue to 100,000 subscribers through a real SMTP server on loopback
(a benchmark). Messages per second and the sender's memory (peak, and along the way).

The sender is `masthead manage send_newsletter --here`: the same code the worker runs
(newsletters/sending.py), with each message claimed and marked in the database (SQLite
here), personal links signed per recipient, one SMTP connection per batch, no rate
limit (MASTHEAD_NEWSLETTER_RATE=0). The SMTP server (aiosmtpd, in this process) only
counts what it receives.

Baseline, in the same run against the same server: raw smtplib sending one pre-built
message to as many recipients, one connection per batch as well: what the SMTP exchange
alone costs here. The ratio send / baseline is what the bookkeeping leaves of it.

    python -m bench.newsletter_send                    # 100,000 subscribers
    python -m bench.newsletter_send --subscribers 10000 --baseline 5000

The server, the sender and whatever else runs share this machine's cores: on a busy
machine wall-clock rates measure the share of CPU each process got, so the CPU time the
sender and the baseline client used is printed too (messages per CPU-second).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
TARGET = 200  # messages a second (issue 16)
SETTINGS_MODULE = """
from masthead.settings.dev import *  # noqa: F403

MASTHEAD_NARRATION_ENABLED = False
MASTHEAD_PREPARE_RENDITIONS = False
MASTHEAD_NEWSLETTER_RATE = 0
MASTHEAD_NEWSLETTER_BATCH = 200
"""
SEED = """
import django
django.setup()
from django.utils import timezone
from masthead.demo import loader
from masthead.newsletters.models import Newsletter, Subscriber, Subscription

article_id = loader.publish_demo_articles(loader.demo_articles()[:1])[0]
newsletter = Newsletter.objects.create(name="Morning briefing", slug="morning")
now, count = timezone.now(), int(COUNT)
for start in range(0, count, 5000):
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"reader{n}@example.org") for n in range(start, min(count, start + 5000))]
    )
ids = list(Subscriber.objects.values_list("pk", flat=True))
for start in range(0, len(ids), 5000):
    Subscription.objects.bulk_create([
        Subscription(subscriber_id=pk, newsletter=newsletter, status="confirmed", consent_at=now)
        for pk in ids[start:start + 5000]
    ])
print(article_id)
"""
BASELINE = """
import smtplib, sys, time
port, count, batch = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
message = open(sys.argv[4], "rb").read()
started = time.monotonic()
for start in range(0, count, batch):
    with smtplib.SMTP("127.0.0.1", port, local_hostname="bench.local") as smtp:
        for n in range(start, min(count, start + batch)):
            smtp.sendmail("desk@bench.local", [f"reader{n}@example.org"], message)
print(time.monotonic() - started)
"""


class Counter:
    def __init__(self) -> None:
        self.received = 0
        self.sample = b""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received += 1
        if not self.sample:
            self.sample = envelope.original_content or envelope.content
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a live process, in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def environment(var: Path, port: int) -> dict[str, str]:
    (var / "bench_settings.py").write_text(SETTINGS_MODULE)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "MASTHEAD_VAR_DIR": str(var),
            "PYTHONPATH": f"{ROOT / 'src'}:{var}",
            "MASTHEAD_NARRATION_ENABLED": "0",
            "MASTHEAD_EMAIL_URL": f"smtp://127.0.0.1:{port}?timeout=30",
            "MASTHEAD_BASE_URL": "https://news.example",
        }
    )
    return env


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_send(env: dict[str, str], article_id: str, counter: Counter, count: int) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "masthead.cli",
        "manage",
        "send_newsletter",
        "morning",
        "--article",
        article_id,
        "--here",
    ]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples, peak, first_at = [], 0, None
    cpu_first = cpu_last = 0.0
    marks = [count * share // 10 for share in range(1, 11)]
    while proc.poll() is None:
        try:
            rss, hwm = memory_kb(proc.pid)
            cpu_last = process_cpu(proc.pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        peak = max(peak, hwm)
        if first_at is None and counter.received:
            first_at, cpu_first = time.monotonic(), cpu_last
        while marks and counter.received >= marks[0]:
            samples.append((marks.pop(0), rss))
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"send_newsletter failed:\n{err[-3000:]}")
    finished = time.monotonic()
    sending_seconds = finished - (first_at or started)
    return {
        "seconds": finished - started,
        "sending_seconds": sending_seconds,
        "peak_kb": peak,
        "cpu": cpu_last - cpu_first,  # while sending (after rendering and queueing)
        "samples": samples,
        "output": out.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=20_000, help="messages of the baseline")
    args = parser.parse_args()
    count = args.subscribers
    baseline_count = min(args.baseline, count)
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-newsletter-") as tmp:
            var = Path(tmp)
            env = environment(var, port)
            print(f"Preparing a database with {count:,} confirmed subscribers…", flush=True)
            run([sys.executable, "-m", "masthead.cli", "manage", "migrate", "-v", "0"], env)
            article_id = (
                run([sys.executable, "-c", SEED.replace("COUNT", str(count))], env)
                .strip()
                .splitlines()[-1]
            )
            send = measure_send(env, article_id, counter, count)
            received_by_send = counter.received
            message = var / "message.eml"
            message.write_bytes(counter.sample)
            counter.received, cpu_before = 0, children_cpu()
            took = float(
                run(
                    [
                        sys.executable,
                        "-c",
                        BASELINE,
                        str(port),
                        str(baseline_count),
                        "200",
                        str(message),
                    ],
                    env,
                ).strip()
            )
            baseline_cpu = children_cpu() - cpu_before
            received_by_baseline = counter.received
    finally:
        controller.stop()
    report(
        count,
        send,
        received_by_send,
        (took, baseline_cpu),
        received_by_baseline,
        len(counter.sample),
    )


def report(count, send, received, baseline_times, baseline_received, size) -> None:
    baseline_seconds, baseline_cpu = baseline_times
    rate = received / send["sending_seconds"] if send["sending_seconds"] else 0
    baseline = baseline_received / baseline_seconds if baseline_seconds else 0
    print(
        f"\nOne issue ({size / 1024:.1f} KiB message) to {count:,} subscribers, "
        f"SMTP on loopback (aiosmtpd), SQLite:"
    )
    print(f"  {'':34} {'messages':>10} {'msg/s':>8} {'seconds':>8} {'CPU s':>7} {'msg/CPU-s':>9}")
    per_cpu = received / send["cpu"] if send["cpu"] else 0
    print(
        f"  {'send_newsletter (Masthead)':34} {received:>10,} {rate:>8.0f} "
        f"{send['sending_seconds']:>8.1f} {send['cpu']:>7.1f} {per_cpu:>9.0f}"
    )
    base_per_cpu = baseline_received / baseline_cpu if baseline_cpu else 0
    print(
        f"  {'baseline: raw smtplib, same bytes':34} {baseline_received:>10,} "
        f"{baseline:>8.0f} {baseline_seconds:>8.1f} {baseline_cpu:>7.1f} {base_per_cpu:>9.0f}"
    )
    print("  (CPU s: the sending process's own CPU time while it sent; on a busy machine")
    print("  msg/CPU-s is what one free core would do, msg/s what this run's share of it did)")
    print(f"  send / baseline: {rate / baseline:.2f}" if baseline else "")
    print(
        f"  whole command, start to end (render, queue {count:,} records): {send['seconds']:.1f} s"
    )
    print(
        f"  sender peak RSS: {send['peak_kb'] / 1024:.0f} MiB; RSS as the send went on: "
        + ", ".join(f"{n:,}: {kb / 1024:.0f} MiB" for n, kb in send["samples"])
    )
    print(
        f"  target >= {TARGET} msg/s: {'met' if rate >= TARGET else 'NOT met'}; "
        f"every message arrived: {received == count}"
    )
    print(f"  {send['output']}")


if __name__ == "__main__":
    main()
