"""What a change makes stale: cache tags, their invalidation, and what each process knows of it.

Every cached thing (a page in the page cache, a local copy of a response, a memo, a card)
carries a set of *tags* naming what it shows, and the *stamp* of the invalidation log it
was made under. A change adds one line to the log in the shared cache (file or Redis):
the tags it affects (`tags_for_change`), or "everything". A cached thing is fresh while
no log line after its stamp names one of its tags.

Tags (names are stable; the front cache gets them too, header X-Cache-Tags):

- `page-<id>`: the page itself, and every page that shows its card or link ({% card %},
  {% card_url %} tag the response they are rendered in);
- `home`, `section-<id>`, `tag-<id>`, `author-<id>`, `topics`, `search`, `feed`,
  `sitemap`, `podcast`: listings, which a new article can join without showing its card
  anywhere yet;
- `picks`: the editors' picks memo;
- `any`: what declares no tags of its own (stale on every change, as before).

Each process reads the log's sequence number at most every
MASTHEAD_PAGE_CACHE_GENERATION_CHECK seconds (0.5), and the new lines when it moved: one
cache lookup per check, and a change is seen everywhere within a second. A process that
misses lines (evicted, or too far behind) treats them as "everything".
"""

import contextvars
import logging
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger("masthead.invalidation")
SEQUENCE_KEY = "masthead:invalidation:sequence"
LINE_KEY = "masthead:invalidation:line:{}"
EVERYTHING = "*"
ANY = "any"
LINE_SECONDS = 3600
LOOK_BACK = 100  # lines a process reads when it starts or falls this far behind

_collected: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "masthead_cache_tags", default=None
)


def shared_cache():
    return caches[getattr(settings, "MASTHEAD_PAGE_CACHE_ALIAS", "default")]


_interval: list[float] = []  # the check interval, read once (again when a test changes it)


def check_interval() -> float:
    if not _interval:
        _interval.append(float(getattr(settings, "MASTHEAD_PAGE_CACHE_GENERATION_CHECK", 0.5)))
    return _interval[0]


@receiver(setting_changed)
def _forget_interval(setting=None, **kwargs) -> None:
    if setting == "MASTHEAD_PAGE_CACHE_GENERATION_CHECK":
        _interval.clear()


# --- tags a response collects while it is rendered -------------------------------------


def start_collecting() -> contextvars.Token:
    return _collected.set(set())


def stop_collecting(token: contextvars.Token) -> set[str]:
    tags = _collected.get() or set()
    _collected.reset(token)
    return tags


def tag(*tags: str) -> None:
    """Name what the response being rendered shows (no-op outside the page cache)."""
    collected = _collected.get()
    if collected is not None:
        collected.update(tags)


def tag_page(pk: int) -> None:
    collected = _collected.get()
    if collected is not None:
        collected.add(f"page-{pk}")


# --- what each process knows of the log -------------------------------------------------


class State:
    """This process's view of the log: its sequence number, and per tag the last line
    that named it (`floor`: the last "everything")."""

    def __init__(self) -> None:
        self.sequence = 0
        self.floor = 0
        self.last: dict[str, int] = {}
        self.read_at = float("-inf")
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.sequence = self.floor = 0
            self.last = {}
            self.read_at = float("-inf")

    def current(self) -> int:
        """The sequence number, re-read from the shared cache when the check is due."""
        now = time.monotonic()
        if now - self.read_at > (_interval[0] if _interval else check_interval()):
            self.read_at = now
            self.catch_up(shared_cache())
        return self.sequence

    def catch_up(self, cache) -> None:
        shared = cache.get(SEQUENCE_KEY)
        if shared is None or shared == self.sequence:
            return
        with self.lock:
            known = self.sequence
            if shared < known or shared - known > LOOK_BACK:
                # first look, a restarted log, or far behind: the last lines only, and
                # anything made before them is stale
                self.last, known = {}, shared - LOOK_BACK
                self.floor = known + 1
            keys = [LINE_KEY.format(n) for n in range(known + 1, shared + 1)]
            lines = cache.get_many(keys)
            if len(lines) < len(keys):  # a line being written right now, or evicted
                lines.update(cache.get_many([k for k in keys if k not in lines]))
            for n in range(known + 1, shared + 1):
                line = lines.get(LINE_KEY.format(n))
                if line is None or EVERYTHING in line:
                    self.floor = n
                else:
                    for name in line:
                        self.last[name] = n
            self.sequence = shared

    def fresh(self, stamp: int, tags: Iterable[str]) -> bool:
        """Whether something made at `stamp` and showing `tags` is still current."""
        if stamp < self.floor:
            return False
        last = self.last
        return all(last.get(name, 0) <= stamp for name in tags)


state = State()


def current() -> int:
    return state.current()


def fresh(stamp: int, tags: Iterable[str]) -> bool:
    return state.fresh(stamp, tags)


def invalidate(tags: Iterable[str]) -> None:
    """Add a line to the log (call after the commit). {EVERYTHING} makes all stale."""
    tags = sorted(set(tags))
    if not tags:
        return
    cache = shared_cache()
    for _ in range(5):
        try:
            sequence = cache.incr(SEQUENCE_KEY)
        except ValueError:  # no log yet (or the cache lost it): never a number used before
            sequence = time.time_ns() // 1000
            cache.set(SEQUENCE_KEY, sequence, None)
        # The file cache's incr is not atomic across processes: two changes may get the
        # same number; the second then takes the next one rather than overwrite the line.
        if cache.add(LINE_KEY.format(sequence), tags, LINE_SECONDS):
            break
    else:  # never lose a change: that line now makes everything stale
        cache.set(LINE_KEY.format(sequence), [EVERYTHING], LINE_SECONDS)
    state.read_at = float("-inf")  # this process sees it at once
    state.current()


def invalidate_everything() -> None:
    invalidate([EVERYTHING])


# --- what a change affects --------------------------------------------------------------


def tags_for_change(signal, sender=None, instance=None, narration=None, **kwargs) -> set[str]:
    """The tags one change makes stale (computed in its transaction, sent after it)."""
    from django.db.models.signals import post_delete
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from masthead.narration.signals import narration_ready
    from masthead.news.models import ArticlePage

    if signal is narration_ready:
        return {f"page-{narration.article_id}", "podcast", ANY}
    if signal is page_published and not instance.live:
        return set()  # scheduled for later: nothing readers can see changed yet
    if signal in (page_published, page_unpublished, post_page_move, post_delete):
        if not isinstance(instance, ArticlePage):
            content_type = getattr(instance, "content_type", None)
            if content_type is None or content_type.model_class() is not ArticlePage:
                return {EVERYTHING}  # a section, the home page, ...: shown on every page
            if signal is not post_delete:
                instance = instance.specific
        tags = tags_for_article(instance, deleted=signal is post_delete)
        for parent in (kwargs.get("parent_page_before"), kwargs.get("parent_page_after")):
            if parent is not None:
                tags.add(f"section-{parent.pk}")
        return tags
    return {EVERYTHING}


def tags_for_article(article, *, deleted: bool = False) -> set[str]:
    """A published, unpublished, moved or deleted article: itself, the pages that show its
    card (they carry page-<id>), and every listing it joins or leaves."""
    from wagtail.models import Page

    from masthead.curation.models import EditorsPick
    from masthead.news.models import ArticlePage

    tags = {f"page-{article.pk}", "home", "search", "feed", "sitemap", ANY}
    path = article.path
    if not deleted:
        path = Page.objects.filter(pk=article.pk).values_list("path", flat=True).first() or path
    step = Page.steplen
    ancestors = [path[:n] for n in range(step * 2, len(path), step)]  # below the root
    tags |= {
        f"section-{pk}"
        for pk in Page.objects.filter(path__in=ancestors).values_list("pk", flat=True)
    }
    if deleted or not isinstance(article, ArticlePage):
        return tags
    tag_ids = [t.pk for t in article.tags.all()]
    if tag_ids:
        tags |= {f"tag-{pk}" for pk in tag_ids} | {"topics"}
    tags |= {f"author-{link.author_id}" for link in article.article_authors.all()}
    if EditorsPick.objects.filter(article_id=article.pk).exists():
        tags.add("picks")  # every page with the editors' picks rail
    return tags | _pages_pointing_at(article)


def _pages_pointing_at(article) -> set[str]:
    """Pages that show the article once it is live, though not while it was a draft: an
    editor's "Read also" pick of it, a related-article block choosing it (Wagtail's
    reference index)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    from masthead.audience.models import ReadAlsoPick

    pages = set(
        ReadAlsoPick.objects.filter(article_id=article.pk).values_list("page_id", flat=True)
    )
    page_type = ContentType.objects.get_for_model(Page)
    pages |= {
        int(pk)
        for pk in ReferenceIndex.get_references_to(article)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        if str(pk).isdigit()
    }
    return {f"page-{pk}" for pk in pages if pk != article.pk}
