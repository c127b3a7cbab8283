"""Small values each web process keeps until the next publish.

A publish, unpublish, move or deletion, a change of editors' picks, authors or sites,
moves the page cache's generation on (core/page_cache.py, core/signal_handlers.py).
What is kept here belongs to one generation and is dropped when this process sees a new
one: at once for its own publishes, within MASTHEAD_PAGE_CACHE_GENERATION_CHECK
(0.5 s) for another process's, the same bound the page cache itself works to. Entries
also expire after MASTHEAD_MEMO_SECONDS (60) of their own, and there are few of them:
the request's site and home page, the editors' picks. MASTHEAD_MEMO_SECONDS=0 turns the
memo off (the test settings do: a test's publish is never committed, so the generation
it would move on stays where it is).
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings


def current_generation() -> int:
    """The page cache's generation as this process last read it."""
    from .page_cache import _generation, page_cache

    return _generation.get(page_cache())


class GenerationMemo:
    def __init__(self) -> None:
        self.values: dict[Hashable, tuple[float, Any]] = {}
        self.generation: int | None = None
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.generation = None

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value kept under `key`, or `compute()`'s (kept when it is not None)."""
        seconds = settings.MASTHEAD_MEMO_SECONDS
        if seconds <= 0:
            return compute()
        generation = current_generation()
        now = time.monotonic()
        with self.lock:
            if generation != self.generation:
                self.values.clear()
                self.generation = generation
            entry = self.values.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = compute()
        if value is not None:
            with self.lock:
                if generation == self.generation:
                    self.values[key] = (now + seconds, value)
        return value


memo = GenerationMemo()
