"""Small values each web process keeps until a change they depend on.

Each value is kept with the invalidation stamp it was computed under and the cache tags
it depends on (core/invalidation.py): a publish of an article leaves the site, the
navigation and the view-restriction check warm (they change only with "everything":
a change of sites, sections, restrictions), and the editors' picks unless a picked
article changed (tag `picks`). A value given no tags is stale on every change (`any`).
Another process's change is seen within MASTHEAD_PAGE_CACHE_GENERATION_CHECK (0.5 s),
this process's own at once. Entries also expire after MASTHEAD_MEMO_SECONDS (60) of
their own. MASTHEAD_MEMO_SECONDS=0 turns the memo off (the test settings do: a test's
publish is never committed, so the invalidation it would make never runs).
"""

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.conf import settings

from . import invalidation


def current_generation() -> int:
    """The invalidation log's sequence number as this process last read it: it moves on
    with every change."""
    return invalidation.current()


class GenerationMemo:
    def __init__(self) -> None:
        self.values: dict[Hashable, tuple[float, int, tuple, Any]] = {}
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.values.clear()

    def get(
        self, key: Hashable, compute: Callable[[], Any], tags: Iterable[str] = (invalidation.ANY,)
    ) -> Any:
        """The value kept under `key`, or `compute()`'s (kept when it is not None)."""
        seconds = settings.MASTHEAD_MEMO_SECONDS
        if seconds <= 0:
            return compute()
        stamp = invalidation.current()
        now = time.monotonic()
        entry = self.values.get(key)
        if entry is not None and entry[0] > now and invalidation.fresh(entry[1], entry[2]):
            return entry[3]
        value = compute()
        if value is not None:
            with self.lock:
                self.values[key] = (now + seconds, stamp, tuple(tags), value)
        return value


memo = GenerationMemo()
