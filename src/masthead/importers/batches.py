"""Posts written in batches: one commit per batch, each post still all or nothing.

A commit per post costs a disk sync each (SQLite) and a round trip (PostgreSQL); an
import commits every POSTS_PER_COMMIT posts instead. Inside a batch each post is its
own savepoint (ImportWriter.post), so a failed post still rolls back alone; an
interrupted run loses at most the batch it was in, and running it again finishes it
(the import is idempotent).

Indexing per batch: every save of an article (and of each of its bylines) would queue
its own search index and reference index tasks, six or more per article. During a batch
those save handlers are held back for articles and bylines, and each article the batch
wrote gets one search index task and one reference index task (the fast-lane tasks of
news/object_tasks.py, which include the bylines), queued with the batch's commit.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_save

POSTS_PER_COMMIT = 50
_local = threading.local()


def _held_back() -> list[tuple]:
    from masthead.news.models import ArticleAuthor, ArticlePage
    from masthead.news.object_tasks import queue_reference_index_update, queue_search_index_update

    return [
        (queue_search_index_update, ArticlePage),
        (queue_reference_index_update, ArticlePage),
        (queue_reference_index_update, ArticleAuthor),
    ]


def touched(page_id: int) -> None:
    """Note an article written in this batch (its indexing is queued at the commit)."""
    pages = getattr(_local, "pages", None)
    if pages is not None:
        pages.add(page_id)


def _queue_indexing(page_ids: list[int]) -> None:
    from masthead.news.object_tasks import update_reference_index, update_search_index

    for pk in page_ids:
        update_search_index.enqueue("news", "articlepage", str(pk))
        update_reference_index.enqueue("news", "articlepage", str(pk))


@contextmanager
def indexing_per_batch():
    """Hold back the per-save index handlers of articles and bylines (see above)."""
    held = [
        (receiver, sender)
        for receiver, sender in _held_back()
        if post_save.disconnect(
            receiver, sender=sender, dispatch_uid=f"{receiver.__name__}:{sender}"
        )
    ]
    try:
        yield
    finally:
        for receiver, sender in held:
            post_save.connect(receiver, sender=sender, dispatch_uid=f"{receiver.__name__}:{sender}")


@contextmanager
def batch():
    """One transaction for a batch of posts; their indexing queued once it commits."""
    _local.pages = set()
    try:
        with transaction.atomic():
            yield
            # Queued in the batch's transaction (as the save handlers do): a database
            # queue's rows commit with the articles, an immediate backend runs them now.
            _queue_indexing(sorted(_local.pages))
    finally:
        _local.pages = None
