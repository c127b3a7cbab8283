"""The Redis view buffer used in production: a beacon is one HINCRBY, no database write.

Counts live in one hash, field `<article id>:<day>`. A flush RENAMEs the hash to a
unique batch key (atomic: a view arriving a moment later starts a fresh hash), writes the
batch to the database, then deletes it. A batch left behind by a crashed flush is
picked up by the next one.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from . import conf

if TYPE_CHECKING:  # redis (~6 MB) is imported only when a buffer is configured
    import redis

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def client() -> redis.Redis | None:
    """The buffer's Redis client, or None when no Redis is configured (direct writes)."""
    url = conf.redis_url()
    if not url:
        return None
    import redis

    with _clients_lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(url, socket_timeout=5)
        return _clients[url]


def live_key() -> str:
    return conf.redis_prefix() + "views"


def batch_prefix() -> str:
    return conf.redis_prefix() + "batch:"


def lock_key() -> str:
    return conf.redis_prefix() + "flush-lock"


def add(r: redis.Redis, *, article_id: int, day: date, count: int = 1) -> None:
    r.hincrby(live_key(), f"{article_id}:{day.isoformat()}", count)


def take_batches(r: redis.Redis) -> Iterator[tuple[str, dict[tuple[int, date], int]]]:
    """Move the live counts aside, then yield every pending batch, oldest first.

    The caller deletes a batch once its counts are committed to the database.
    """
    from redis.exceptions import ResponseError

    batch = f"{batch_prefix()}{time.time_ns():020d}:{uuid.uuid4().hex}"
    try:
        r.rename(live_key(), batch)
    except ResponseError:
        pass  # no views since the last flush
    pattern = _glob_escape(batch_prefix()) + "*"
    for key in sorted(k.decode() for k in r.scan_iter(match=pattern, count=500)):
        yield key, parse_counts(r.hgetall(key))


def parse_counts(raw: dict[bytes, bytes]) -> dict[tuple[int, date], int]:
    counts: dict[tuple[int, date], int] = {}
    for field, value in raw.items():
        try:
            article, day = field.decode().split(":")
            counts[(int(article), date.fromisoformat(day))] = int(value)
        except ValueError:
            continue  # not ours; never let one bad field block the batch
    return counts


def pending_total(r: redis.Redis) -> int:
    """Views buffered and not yet flushed (for reports and tests)."""
    batches = r.scan_iter(match=_glob_escape(batch_prefix()) + "*")
    keys = [live_key(), *(k.decode() for k in batches)]
    return sum(sum(parse_counts(r.hgetall(key)).values()) for key in keys)


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)
