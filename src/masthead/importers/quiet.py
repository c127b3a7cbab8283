"""Publishing a whole archive without a side effect per article.

A publish in Masthead queues the article's narration, records a webhook delivery per
subscribed endpoint, and makes every cached page stale (app cache, front cache). For
10,000 imported archive articles that would be 10,000 narrations ahead of fresh work,
10,000 "published" webhooks announcing old stories as news, and 10,000 cache purges.
While an import runs, those three publish receivers are disconnected (in this process:
imports run in the management command or a slow-lane worker, one task at a time; a lock
keeps two imports in one process from overlapping). At the end the page caches are made
stale once, and narrations are queued only when the import was asked to
(`ImportOptions.narrate`, at archive priority: after every fresh narration).
Search and reference indexing and image renditions still happen per object: readers
need them.
"""

import threading
from contextlib import contextmanager

from django.db import transaction
from wagtail.signals import page_published

_lock = threading.Lock()


def _receivers() -> list[tuple]:
    from django.db.models.signals import pre_save

    from masthead.core.signal_handlers import invalidate_on_commit
    from masthead.distribution.signal_handlers import article_published, remember_whether_live
    from masthead.narration.signal_handlers import request_on_publish
    from masthead.news.models import ArticlePage

    return [
        (page_published, request_on_publish, ArticlePage, "narrate"),
        (page_published, article_published, ArticlePage, "dist-published"),
        (pre_save, remember_whether_live, ArticlePage, "dist-was-live"),
        (page_published, invalidate_on_commit, None, f"pagecache-{id(page_published)}"),
    ]


def caches_stale_once() -> None:
    from masthead.core.signal_handlers import invalidate_on_commit

    # No signal named: the front cache purges everything (core/front_cache.plan_for).
    invalidate_on_commit(sender=None, signal=None)


@contextmanager
def publishing_quietly():
    with _lock:
        quieted = [
            (signal, receiver, sender, uid)
            for signal, receiver, sender, uid in _receivers()
            if signal.disconnect(sender=sender, dispatch_uid=uid)
        ]
        try:
            yield
        finally:
            for signal, receiver, sender, uid in quieted:
                signal.connect(receiver, sender=sender, dispatch_uid=uid)
            if not transaction.get_connection().in_atomic_block:
                caches_stale_once()
            else:
                transaction.on_commit(caches_stale_once)
