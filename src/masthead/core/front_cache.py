"""Purging the front cache (Varnish, deploy/varnish/default.vcl) after a change commits.

The app's page cache forgets every page on any change (page_cache.invalidate_all); a
front cache is purged through wagtail.contrib.frontend_cache's backends
(WAGTAILFRONTENDCACHE, built from MASTHEAD_VARNISH_URL) with what the change can show on:

- a new article (its first publish): its own page and every page that lists it: the home
  page, its sections, its tags' and authors' pages (each with every ?page=), their
  feeds, the topics index (when it has tags), search results, the sitemaps and the news
  sitemap;
- a narration becoming ready: the article and the podcast feed;
- anything else: every page (BAN /). An edited, unpublished, moved or deleted article can
  be on any article page (in "Read also", "Most popular" or "Editors' Picks"), and
  Editors' Picks, authors, sections and the home page show on many pages.

Requests go out after the commit, from the process that made the change, after the app
cache's generation was bumped, and again after MASTHEAD_PAGE_CACHE_GENERATION_CHECK
seconds: until then another app process may still answer a Varnish miss from the
previous generation. A front cache that is down or slow (2 s timeout) is logged, never
raised: the change is already committed.
"""

import http.client
import logging
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from wagtail.contrib.frontend_cache.apps import WagtailFrontendCacheAppConfig
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend

logger = logging.getLogger("masthead.front_cache")
REPEAT_MARGIN = 0.1  # seconds after the generation check interval


class FrontendCacheConfig(WagtailFrontendCacheAppConfig):
    """wagtail.contrib.frontend_cache without its publish/unpublish signal handlers.

    Installed for its backends and so that Wagtail's redirects app purges a page's old
    URLs when its slug changes. Its own handlers purge only the page's URL, and may do it
    before the commit (a reader could then put the old page back in the cache): this
    module purges the page and its listings after the commit instead.
    """

    def ready(self) -> None:
        pass


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP purger with a timeout, one connection per batch, and BAN.

    PURGE /path/ drops the path with every query string; BAN /prefix drops every page
    under the prefix (see deploy/varnish/default.vcl). Params: LOCATION, TIMEOUT (s).
    """

    def __init__(self, params: dict) -> None:
        params = dict(params)
        self.timeout = float(params.pop("TIMEOUT", 2))
        super().__init__(params)

    def purge(self, url: str) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        self.send("PURGE", urls)

    def ban_batch(self, urls) -> None:
        self.send("BAN", urls)

    def ban_tags(self, tags, per_request: int = 100) -> bool:
        """BAN every object whose X-Cache-Tags names one of `tags` (deploy/varnish/default.vcl):
        one request per `per_request` tags, in the X-Purge-Tags header."""
        tags = sorted(tags)
        root = f"{self.cache_scheme}://{self.cache_netloc}/"
        chunks = [tags[i : i + per_request] for i in range(0, len(tags), per_request)]
        return self.send(
            "BAN", [root] * len(chunks), [{"X-Purge-Tags": " ".join(c)} for c in chunks]
        )

    def send(self, method: str, urls, extra: list[dict] | None = None) -> bool:
        """One request per URL on one connection; stops at the first failure."""
        urls = list(urls)
        if not urls:
            return True
        connection_class = (
            http.client.HTTPSConnection
            if self.cache_scheme == "https"
            else http.client.HTTPConnection
        )
        connection = connection_class(self.cache_netloc, timeout=self.timeout)
        url = urls[0]
        try:
            for n, url in enumerate(urls):
                parts = urlsplit(url)
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                headers = {"Host": parts.netloc, "User-Agent": "Masthead-front-cache"}
                if extra:
                    headers.update(extra[n])
                connection.request(method, target, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    logger.error(
                        "Front cache %s %s answered %s %s",
                        method, url, response.status, response.reason,
                    )  # fmt: skip
            return True
        except (OSError, http.client.HTTPException) as exc:
            logger.error(
                "Front cache at %s://%s unreachable (%s %s): %s; pages may stay stale until "
                "they expire", self.cache_scheme, self.cache_netloc, method, url, exc,
            )  # fmt: skip
            return False
        finally:
            connection.close()


@dataclass
class Plan:
    """What to purge: full URLs; PURGE `paths` (each with any query string), BAN `prefixes`."""

    everything: bool = False
    paths: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    # Cache tags (core/invalidation.py) for Varnish, which bans by the pages' X-Cache-Tags;
    # None: use the URLs above (as other backends always do).
    tags: set[str] | None = None

    def merge(self, other: "Plan") -> None:
        self.everything |= other.everything
        self.paths |= other.paths
        self.prefixes |= other.prefixes
        both = self.tags is not None and other.tags is not None
        self.tags = (self.tags | other.tags) if both else None

    def empty(self) -> bool:
        return not (self.everything or self.paths or self.prefixes or self.tags)


def everything() -> Plan:
    return Plan(everything=True)


def enabled() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


# --- what a change can show on ----------------------------------------------------------


def plan_for(signal, instance=None, narration=None, tags=None, **kwargs) -> Plan:
    """The purge for one signal (run after the commit: the database shows the change).

    `tags`: what the change affects (core/invalidation.tags_for_change), for Varnish."""
    from .invalidation import EVERYTHING

    if tags is not None and EVERYTHING not in tags:
        if not tags:
            return Plan(tags=set())
        plan = url_plan(signal, instance, narration)
        plan.tags = set(tags)
        return plan
    plan = url_plan(signal, instance, narration)
    plan.tags = None
    return plan


def url_plan(signal, instance=None, narration=None) -> Plan:
    """The URLs one signal purges (for backends without tags)."""
    from wagtail.signals import page_published

    from masthead.narration.signals import narration_parts_changed, narration_ready
    from masthead.news.models import ArticlePage

    if signal is page_published:
        if not instance.live:
            return Plan()  # scheduled for later: nothing readers can see changed yet
        if isinstance(instance, ArticlePage) and _is_new(instance):
            return article_plan(instance) or everything()
    elif signal is narration_ready or signal is narration_parts_changed:
        article = ArticlePage.objects.live().filter(pk=narration.article_id).first()
        return narration_plan(article) if article else Plan()
    return everything()


def _is_new(article) -> bool:
    """First published just now, and not already picked to show on other pages.

    (A related-article card that another article's body points at it shows up there when
    that page next expires: the chooser's reference is not indexed while it is a draft.)"""
    from masthead.audience.models import ReadAlsoPick
    from masthead.curation.models import EditorsPick

    if (
        article.first_published_at is None
        or article.first_published_at != article.last_published_at
    ):
        return False  # published before (first_published_at survives an unpublish)
    picked = (
        EditorsPick.objects.filter(article_id=article.pk).exists()
        or ReadAlsoPick.objects.filter(article_id=article.pk).exists()
    )
    return not picked


def article_plan(article) -> Plan | None:
    """The article's page and every listing of it; None if it has no URL."""
    from django.urls import reverse

    from masthead.news.models import SectionPage

    parts = article.get_url_parts()
    if parts is None:
        return None
    root = parts[1]
    paths = {
        parts[2],
        reverse("news:search"),
        reverse("distribution:news-sitemap"),
        *_feeds("home"),
    }
    for ancestor in article.get_ancestors().live().specific():
        ancestor_parts = ancestor.get_url_parts()
        if ancestor_parts is not None:
            paths.add(ancestor_parts[2])
        if isinstance(ancestor, SectionPage):
            paths |= _feeds("section", ancestor.slug)
    for tag in article.tags.all():
        paths |= {reverse("news:tag", args=[tag.slug]), *_feeds("tag", tag.slug)}
        paths.add(reverse("news:topics"))  # its counts
    for link in article.article_authors.select_related("author"):
        slug = link.author.slug
        paths |= {reverse("news:author", args=[slug]), *_feeds("author", slug)}
    # /sitemap.xml and its pages (/sitemap-articles.xml, /sitemap-articles-2.xml, ...)
    sitemaps = reverse("distribution:sitemap-index").removesuffix(".xml")
    return Plan(paths={root + p for p in paths}, prefixes={root + sitemaps})


def narration_plan(article) -> Plan:
    from django.urls import reverse

    parts = article.get_url_parts()
    if parts is None:
        return everything()
    root = parts[1]
    return Plan(paths={root + parts[2], root + reverse("narration:podcast")})


def _feeds(kind: str, slug: str | None = None) -> set[str]:
    from django.urls import reverse

    args = [] if slug is None else [slug]
    return {reverse(f"distribution:{kind}-{fmt}", args=args) for fmt in ("rss", "atom")}


def _site_roots() -> set[str]:
    from wagtail.models import Site

    roots = {site.root_url for site in Site.objects.all()}
    return roots or {settings.WAGTAILADMIN_BASE_URL.rstrip("/")}


# --- sending ----------------------------------------------------------------------------


def send(plan: Plan, roots: set[str]) -> None:
    """PURGE and BAN through every configured backend (never raises).

    `roots` are the sites' root URLs, for a plan that purges everything."""
    from wagtail.contrib.frontend_cache.utils import get_backends

    if plan.everything:
        paths, prefixes = set(), {root + "/" for root in roots}
    else:
        paths, prefixes = plan.paths, plan.prefixes
    for name, backend in get_backends().items():
        try:
            if plan.tags is not None and isinstance(backend, VarnishBackend):
                backend.ban_tags(plan.tags)
                logger.info("Front cache %s: BAN of %d tags", name, len(plan.tags))
                continue
            hosts = backend.invalidates_hostname
            purges = [url for url in sorted(paths) if hosts(urlsplit(url).netloc)]
            bans = [url for url in sorted(prefixes) if hosts(urlsplit(url).netloc)]
            if isinstance(backend, VarnishBackend):
                if backend.send("BAN", bans):
                    backend.send("PURGE", purges)
            else:  # another Wagtail backend (a CDN): those URLs, without the prefixes
                backend.purge_batch(purges + bans)
            logger.info("Front cache %s: %d PURGE, %d BAN", name, len(purges), len(bans))
            logger.debug("Front cache %s: PURGE %s, BAN %s", name, purges, bans)
        except Exception:
            logger.exception("Front cache %s: purge failed", name)


class _Batch:
    """The changes of one transaction: sent once, by the first on-commit callback.

    `hooks` is the connection's list of on-commit callbacks, a new list after each
    commit or rollback: a change made after a rollback starts a new batch."""

    def __init__(self, hooks: list) -> None:
        self.hooks = hooks
        self.changes: list[dict] = []
        self.sent = False


_local = threading.local()
_timers: set[threading.Timer] = set()  # repeats not yet sent (tests wait for them)


def purge_on_commit(sender=None, **kwargs) -> None:
    """Signal receiver (see core/signal_handlers.py): purge what the change shows on,
    after the commit. Connect it after page_cache.invalidate_all's on-commit callback."""
    if kwargs.get("raw") or not enabled():
        return
    hooks = connection.run_on_commit
    batch = getattr(_local, "batch", None)
    if batch is None or batch.sent or batch.hooks is not hooks:
        batch = _local.batch = _Batch(hooks)
    batch.changes.append(kwargs)
    transaction.on_commit(lambda: _flush(batch))


def _flush(batch: _Batch) -> None:
    if batch.sent:
        return
    batch.sent = True
    if getattr(_local, "batch", None) is batch:
        _local.batch = None
    try:
        plan = Plan(tags=set())
        for change in batch.changes:
            plan.merge(plan_for(**change))
            if plan.everything and plan.tags is None:
                break
        if plan.empty():
            return
        roots = _site_roots() if plan.everything else set()
    except Exception:
        logger.exception("Front cache: could not work out what to purge; purging everything")
        plan, roots = everything(), {settings.WAGTAILADMIN_BASE_URL.rstrip("/")}
    send(plan, roots)
    delay = _repeat_delay()
    if delay:
        timer = threading.Timer(delay, _repeat, args=(plan, roots))
        timer.name = "masthead-front-cache-repeat"
        _timers.add(timer)
        timer.start()  # not a daemon: a management command waits for it before exiting


def _repeat(plan: Plan, roots: set[str]) -> None:
    try:
        send(plan, roots)
    finally:
        _timers.discard(threading.current_thread())


def _repeat_delay() -> float:
    if not getattr(settings, "MASTHEAD_PAGE_CACHE_ENABLED", True):
        return 0
    check = float(getattr(settings, "MASTHEAD_PAGE_CACHE_GENERATION_CHECK", 0.5))
    return check + REPEAT_MARGIN if check > 0 else 0


def wait_for_repeats(timeout: float = 5) -> None:
    """Block until the delayed second purges have been sent (for tests and benchmarks)."""
    for timer in list(_timers):
        timer.join(timeout)
