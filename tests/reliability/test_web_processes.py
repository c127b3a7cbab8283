"""`masthead serve` and `masthead demo` as real processes: a killed web worker is replaced
while the other answers, a killed task worker is restarted, and stopping leaves nothing."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "masthead.settings.dev",
            "MASTHEAD_VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT / "src"),
            "MASTHEAD_NARRATION_ENABLED": "0",
            "MASTHEAD_STOP_TIMEOUT": "10",
            **extra,
        }
    )
    return env


def masthead(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", *args],
        env=env,
        start_new_session=True,
        **kwargs,
    )


def children_of(pid: int) -> list[int]:
    """Every live descendant of `pid` (zombies count as gone)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_for(predicate, timeout: float = 60, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"gave up after {timeout} s waiting for {predicate}")


def status(url: str) -> int | None:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return None


def stop_and_check_nothing_is_left(proc: subprocess.Popen, signum: int) -> None:
    family = children_of(proc.pid)
    assert family, "the command started no processes"
    proc.send_signal(signum)
    proc.wait(timeout=60)
    left = [(pid, cmdline(pid)) for pid in family if alive(pid)]
    assert left == []
    assert children_of(proc.pid) == []


def granian_workers(server_pid: int) -> tuple[int, list[int]]:
    """(granian's main pid, its worker pids) under `masthead serve`."""
    (main,) = [p for p in children_of(server_pid) if "granian" in cmdline(p)][:1] or [None]
    workers = [p for p in children_of(main)] if main else []
    return main, workers


def test_a_killed_web_worker_is_replaced_while_the_site_keeps_answering(var_dir):
    port = free_port()
    url = f"http://127.0.0.1:{port}/healthz?scope=web"
    server = masthead(
        "serve", "--port", str(port), "--workers", "2", env=process_env(var_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(lambda: len(granian_workers(server.pid)[1]) == 2 and status(url) == 200)
        main, workers = granian_workers(server.pid)
        results: list[tuple[float, int | None]] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                results.append((time.monotonic(), status(url)))
                time.sleep(0.05)

        thread = threading.Thread(target=hammer)
        thread.start()
        time.sleep(0.5)
        killed_at = time.monotonic()
        os.kill(workers[0], signal.SIGKILL)
        replacement = wait_for(
            lambda: [p for p in granian_workers(server.pid)[1] if p not in workers]
        )
        time.sleep(1.5)
        stop.set()
        thread.join()

        assert granian_workers(server.pid)[0] == main
        assert server.poll() is None
        assert not alive(workers[0])
        assert alive(workers[1]) and alive(replacement[0])
        during = [code for at, code in results if at > killed_at]
        # The other worker answered while the killed one was replaced.
        assert during.count(200) >= len(during) - 2 > 5
        # And both answer afterwards: enough requests to reach both workers.
        assert [status(url) for _ in range(20)] == [200] * 20
    finally:
        if server.poll() is None:
            stop_and_check_nothing_is_left(server, signal.SIGINT)


def test_sigterm_to_serve_stops_granian_and_every_worker(var_dir):
    port = free_port()
    server = masthead(
        "serve", "--port", str(port), "--workers", "2", env=process_env(var_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: len(granian_workers(server.pid)[1]) == 2)
    wait_for(lambda: status(f"http://127.0.0.1:{port}/healthz?scope=web") == 200)
    stop_and_check_nothing_is_left(server, signal.SIGTERM)
    assert status(f"http://127.0.0.1:{port}/healthz?scope=web") is None


def test_demo_restarts_a_lane_worker_after_it_is_killed(var_dir):
    port = free_port()
    log = var_dir / "demo.log"
    with log.open("w") as out:
        demo = masthead(
            "demo", "--no-setup", "--port", str(port), "--workers", "1",
            env=process_env(var_dir), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def lane_workers(lane: str) -> list[int]:
        return [p for p in children_of(demo.pid) if cmdline(p).endswith(f"--lane {lane} ")]

    try:
        (first,) = wait_for(lambda: lane_workers("slow"))
        (fast,) = wait_for(lambda: lane_workers("fast"))
        wait_for(lambda: status(f"http://127.0.0.1:{port}/healthz?scope=web") == 200)
        os.kill(first, signal.SIGKILL)
        (second,) = wait_for(lambda: [p for p in lane_workers("slow") if p != first])
        assert demo.poll() is None
        text = log.read_text()
        assert f"the slow-lane worker (pid {first}) was killed by signal 9" in text
        assert "restarting it now" in text
        assert f"started the slow-lane worker (pid {second})" in text
        assert lane_workers("fast") == [fast]  # the other lane was left alone
        # The web server was left alone.
        assert status(f"http://127.0.0.1:{port}/healthz?scope=web") == 200
    finally:
        if demo.poll() is None:
            stop_and_check_nothing_is_left(demo, signal.SIGINT)


def test_a_child_that_exits_is_restarted_at_once_and_only_rapid_crashes_back_off():
    from masthead.core.processes import Child

    env = dict(os.environ)
    recycled = Child("task worker", [sys.executable, "-c", "pass"], env)
    recycled.start()
    recycled.proc.wait()
    now = time.monotonic()
    line = recycled.exited(now)
    assert line.startswith(f"the task worker (pid {recycled.proc.pid}) exited with code 0")
    assert line.endswith("; restarting it now")
    assert recycled.restart_at == now

    crashing = Child("task worker", [sys.executable, "-c", "raise SystemExit(3)"], env)
    delays, lines = [], []
    for _ in range(4):
        crashing.start()
        crashing.proc.wait()
        now = time.monotonic()
        lines.append(crashing.exited(now))
        delays.append(crashing.restart_at - now)
    assert delays == [0, 1, 2, 4]
    assert "exited with code 3 after " in lines[2]
    assert lines[2].endswith(": 3 crashes in a row, each within 10 s; restarting it in 2 s")
    # A crash after a good run starts the count again: restarted at once.
    crashing.start()
    crashing.proc.wait()
    crashing.started_at -= 60
    now = time.monotonic()
    assert crashing.exited(now).endswith("; restarting it now")
    assert crashing.restart_at == now


def test_granian_and_its_workers_stop_when_serve_itself_is_killed(var_dir):
    port = free_port()
    server = masthead(
        "serve", "--port", str(port), "--workers", "2", env=process_env(var_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: len(granian_workers(server.pid)[1]) == 2)
    family = children_of(server.pid)
    server.kill()
    server.wait()
    wait_for(lambda: not [pid for pid in family if alive(pid)], timeout=30)
