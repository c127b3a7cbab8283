"""Child processes of `masthead serve` and `masthead demo`: started, watched, restarted, and
stopped with everything they started.

Each child runs in a process group of its own (a new session), so stopping it reaches the
processes it forked too: granian's workers, a task worker's work horse. Nothing here
imports Django; the command line loads this before any settings exist.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# A child that exits sooner than this after starting counts as a crash loop: it is restarted
# after a growing pause instead of at once (a broken setting would otherwise spin a core).
RAPID_EXIT_SECONDS = 10.0
MAX_BACKOFF_SECONDS = 60.0


def _die_with_parent() -> None:
    """In the child, before it runs: SIGTERM when the supervisor dies, even by SIGKILL, so
    no child outlives it (Linux's PR_SET_PDEATHSIG; elsewhere nothing)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def say(message: str) -> None:
    print(f"masthead: {message}", file=sys.stderr, flush=True)


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    restart: bool = True
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    rapid_exits: int = 0
    restart_at: float | None = None
    returncode: int | None = None
    history: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv, env=self.env, start_new_session=True, preexec_fn=_die_with_parent
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        self.history.append(self.proc.pid)
        say(f"started the {self.name} (pid {self.proc.pid})")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass  # the group is gone already

    def backoff(self) -> float:
        """Seconds to wait before the next start: none unless it keeps dying at once."""
        if self.rapid_exits <= 1:
            return 0.0
        return min(MAX_BACKOFF_SECONDS, 2.0 ** (self.rapid_exits - 2))

    def exited(self, now: float) -> str:
        """Record an exit; return the line that says what happens next."""
        code = self.proc.returncode
        ran = now - self.started_at
        # What it forked (granian's workers) must not outlive it.
        self.signal_group(signal.SIGKILL)
        self.returncode = code
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        what = f"the {self.name} (pid {self.proc.pid}) {how} after {ran:.0f} s"
        if not self.restart:
            return f"{what}; stopping"
        self.rapid_exits = self.rapid_exits + 1 if ran < RAPID_EXIT_SECONDS and code else 0
        delay = self.backoff()
        self.restart_at = now + delay
        if delay:
            return (
                f"{what}: {self.rapid_exits} crashes in a row, each within "
                f"{RAPID_EXIT_SECONDS:.0f} s; restarting it in {delay:.0f} s"
            )
        return f"{what}; restarting it now"


class Stop(Exception):
    pass


class Supervisor:
    """Runs children until SIGINT or SIGTERM, or until a child that is not restarted exits."""

    def __init__(
        self, children: list[Child], *, stop_timeout: float = 10.0, poll: float = 0.2
    ) -> None:
        self.children = children
        self.stop_timeout = stop_timeout
        self.poll = poll
        self.stopping = False

    def _on_signal(self, signum: int, frame) -> None:
        if not self.stopping:
            self.stopping = True
            raise Stop(signal.Signals(signum).name)

    def run(self, *, on_started: Callable[[], None] | None = None) -> int:
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        code = 0
        try:
            for child in self.children:
                child.start()
            if on_started:
                on_started()
            code = self._watch()
        except Stop as reason:
            say(f"{reason}: stopping")
        finally:
            self.stopping = True
            self.stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return code

    def _watch(self) -> int:
        while True:
            now = time.monotonic()
            for child in self.children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.start()
                    continue
                if child.proc.poll() is None:
                    continue
                say(child.exited(now))
                if not child.restart:
                    return child.returncode or 0
            time.sleep(self.poll)

    def stop_all(self) -> None:
        """SIGTERM to every group, a grace period, then SIGKILL to whatever is left."""
        live = [c for c in self.children if c.proc is not None]
        for child in live:
            child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in live:
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"the {child.name} did not stop within {self.stop_timeout:.0f} s; killing it")
            # Always: a group member may outlive its leader (a worker whose parent died).
            child.signal_group(signal.SIGKILL)
            if child.proc.poll() is None:
                child.proc.wait()
