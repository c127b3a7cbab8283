"""Which article ids a beacon may count: articles any reader may see (live, no view
restriction on them or an ancestor: news/visibility.py), remembered briefly. A
restricted article is not counted: its views would rank it in "Most popular".

Each web process remembers ids it found live for LIVE_SECONDS, so a busy article costs
one query per process per half minute rather than one per beacon. Unpublishing or
deleting forgets the id in the process that did it at once (signal handlers, connected in
AudienceConfig.ready()); other processes follow within LIVE_SECONDS.
"""

import threading
import time

LIVE_SECONDS = 30
_MAX_REMEMBERED = 100_000


class LiveArticles:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[int, float] = {}

    def is_live(self, article_id: int) -> bool:
        now = time.monotonic()
        if self._until.get(article_id, 0.0) > now:
            return True
        from masthead.news.models import ArticlePage
        from masthead.news.visibility import visible_to_readers

        if not visible_to_readers(ArticlePage.objects.filter(pk=article_id)).exists():
            self.forget(article_id)
            return False
        with self._lock:
            if len(self._until) >= _MAX_REMEMBERED:
                self._until.clear()
            self._until[article_id] = now + LIVE_SECONDS
        return True

    def forget(self, article_id: int | None = None) -> None:
        with self._lock:
            if article_id is None:
                self._until.clear()
            else:
                self._until.pop(article_id, None)


live_articles = LiveArticles()
