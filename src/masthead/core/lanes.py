"""Lanes, priorities and the hooks that keep background work from getting stuck.

Two lanes (task queues) so that fast work never waits behind slow work:

- `FAST_LANE` ("default"): search index, reference index, image sizes, webhooks,
  housekeeping: seconds at most. Wagtail's own tasks use this queue name.
- `SLOW_LANE` ("slow"): narration, imports, newsletter sends: minutes.

`masthead worker` runs one process per lane (core/worker.py). Within a lane, higher
priority goes first: fresh work (a publish, an edit) before archive work (a lexicon
change, `narrate --all`, an import).

Reconcilers are how each app repairs its own records after a crash: a function that
finds rows stuck in a running state whose lease ran out (their worker died, the disk
was full when the failure was recorded) and puts them back in the queue. Every worker
runs all of them at start and then every heartbeat. They must be safe to run at any
time, in several workers at once.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger("masthead.worker")

FAST_LANE = "default"
SLOW_LANE = "slow"
LANES = (FAST_LANE, SLOW_LANE)

FRESH_PRIORITY = 10  # a publish or an edit a reader is waiting for
ARCHIVE_PRIORITY = -10  # re-narrating the archive, imports: after everything fresh


class WorkerStopping(BaseException):
    """Raised inside a running task when its worker is told to stop (SIGTERM, Ctrl+C).

    A BaseException, so `except Exception` in task code does not swallow it. A task that
    holds a state machine row (a narration, a delivery) catches it, puts the row back in
    its queued state and re-raises; the worker then puts the task back in the queue.
    """


_reconcilers: list[Callable[[], int]] = []


def register_reconciler(function: Callable[[], int]) -> Callable[[], int]:
    """Add an app's reconciler (returns how many rows it repaired); call from `ready()`."""
    if function not in _reconcilers:
        _reconcilers.append(function)
    return function


def run_reconcilers() -> int:
    """Run every reconciler; one that fails is logged and the others still run."""
    repaired = 0
    for function in list(_reconcilers):
        try:
            repaired += function() or 0
        except Exception:
            logger.exception("Reconciler %s failed; it runs again at the next heartbeat",
                             function.__qualname__)  # fmt: skip
    return repaired
