"""Writes of reader counts: record a view, add counts atomically, flush the buffer, prune."""

import logging
import time
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from . import buffer, conf
from .models import DailyArticleViews

logger = logging.getLogger("masthead.audience")

UPSERT_CHUNK = 500
DAY = 24 * 3600
_next_housekeeping_check = 0.0


def newsroom_day(moment: datetime | None = None) -> date:
    """The calendar day in the newsroom's time zone (settings.TIME_ZONE)."""
    return timezone.localdate(moment)


def record_view(*, article_id: int, day: date | None = None) -> None:
    """Count one view: into the Redis buffer when configured, else straight to the table."""
    day = day or newsroom_day()
    r = buffer.client()
    if r is None:
        add_views(counts={(article_id, day): 1})
    else:
        buffer.add(r, article_id=article_id, day=day)
    schedule_housekeeping(buffered=r is not None)


def add_views(*, counts: Mapping[tuple[int, date], int]) -> int:
    """Add `counts` ({(article id, day): views}) in one transaction; returns views added.

    One statement per chunk, `INSERT ... ON CONFLICT DO UPDATE SET views = views + n`,
    which SQLite and PostgreSQL both run atomically: concurrent writers never lose a count.
    """
    rows = [(article, day, n) for (article, day), n in sorted(counts.items()) if n > 0]
    chunks = [rows[start : start + UPSERT_CHUNK] for start in range(0, len(rows), UPSERT_CHUNK)]
    # One statement is atomic by itself: a single beacon skips BEGIN/COMMIT round trips.
    with transaction.atomic() if len(chunks) > 1 else nullcontext(), connection.cursor() as c:
        for chunk in chunks:
            c.execute(_upsert_sql(len(chunk)), _upsert_params(chunk))
    return sum(n for _, _, n in rows)


def _upsert_sql(count: int) -> str:
    q = connection.ops.quote_name
    table = q(DailyArticleViews._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * count)
    views = q("views")
    # Only quoted identifiers and placeholders are interpolated; values are parameters.
    insert = f"INSERT INTO {table} ({q('article_id')}, {q('day')}, {views}) VALUES {values}"  # noqa: S608
    update = f"DO UPDATE SET {views} = {table}.{views} + excluded.{views}"
    return f"{insert} ON CONFLICT ({q('article_id')}, {q('day')}) {update}"


def _upsert_params(rows: list[tuple[int, date, int]]) -> list:
    params: list = []
    for article, day, n in rows:
        params += [article, connection.ops.adapt_datefield_value(day), n]
    return params


def flush_buffered_views() -> int:
    """Move buffered counts from Redis to the database; returns the views moved.

    Only one flush runs at a time (a Redis lock); views arriving during a flush go to a
    fresh hash and wait for the next one, so none is lost or counted twice.
    """
    r = buffer.client()
    if r is None:
        return 0
    from redis.exceptions import LockError  # imported only with a buffer configured

    lock = r.lock(buffer.lock_key(), timeout=300, blocking=False)
    if not lock.acquire():
        return 0
    try:
        return sum(_flush_batch(r, key, counts) for key, counts in buffer.take_batches(r))
    finally:
        try:
            lock.release()
        except LockError:
            logger.warning("The view flush outlived its lock; another flush may have run")


def _flush_batch(r, key: str, counts: dict[tuple[int, date], int]) -> int:
    from masthead.news.models import ArticlePage

    # Views of an article deleted since they were counted have nothing to attach to.
    ids = {article for article, _ in counts}
    existing = set(ArticlePage.objects.filter(pk__in=ids).values_list("pk", flat=True))
    added = add_views(counts={k: n for k, n in counts.items() if k[0] in existing})
    r.delete(key)
    return added


def prune_views(*, days: int | None = None, today: date | None = None) -> int:
    """Delete daily rows older than `days` (default MASTHEAD_AUDIENCE_RETENTION_DAYS)."""
    days = conf.retention_days() if days is None else days
    cutoff = (today or newsroom_day()) - timedelta(days=days)
    deleted, _ = DailyArticleViews.objects.filter(day__lt=cutoff).delete()
    return deleted


def schedule_housekeeping(*, buffered: bool) -> None:
    """Queue the housekeeping task: every interval with a Redis buffer to flush, else
    once a day (to prune). At most once across all processes; each process looks at the
    shared cache at most once per interval, so a beacon usually costs nothing extra.
    MASTHEAD_AUDIENCE_FLUSH_INTERVAL = 0 turns this off.
    """
    global _next_housekeeping_check
    interval = conf.flush_interval()
    now = time.monotonic()
    if interval <= 0 or now < _next_housekeeping_check:
        return
    _next_housekeeping_check = now + interval
    if buffered:
        due = cache.add("audience:housekeeping-due", 1, timeout=interval)
    else:
        due = cache.add(f"audience:prune-due:{newsroom_day().isoformat()}", 1, timeout=DAY * 2)
    if due:
        from .tasks import audience_housekeeping

        transaction.on_commit(audience_housekeeping.enqueue)


def housekeeping() -> dict[str, int]:
    """Flush the buffer; prune old rows once a day."""
    done = {"flushed": flush_buffered_views(), "pruned": 0}
    if cache.add(f"audience:pruned:{newsroom_day().isoformat()}", 1, timeout=DAY * 2):
        done["pruned"] = prune_views()
    return done
