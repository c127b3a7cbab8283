"""Reads for the public news pages. Every function runs a constant number of queries,
and none reads every article: at 100,000 articles a page costs about what it costs at
100 (bench/scale.py, docs/scale.md)."""

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.query import prefetch_related_objects
from django.utils.functional import cached_property
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, PageQuerySet

from masthead.core.memo import current_generation, memo

from . import images, keyset, page_context
from .lead import lead_html
from .models import ArticleAuthor, ArticlePage, ArticleTag, Author, SectionPage
from .visibility import needs_restriction_check, visible_to_readers

NAV_CACHE_KEY = "masthead:nav-sections:3"  # :2 added slug and depth, :3 access_level
SECTION_BLOCK_SIZE = 3
LATEST_SIZE = 5  # the home page's lead story and top stories
CARD_PICTURES = ("card", "thumb")  # news/includes/card.html, news/blocks/related_article.html
CACHED_COUNT_FROM = 2_000  # listings at least this long keep their count per generation
# Every live article has a publication date (ArticlePage.save sets it). Asking for one
# as a range lets the database walk the published_at index newest first and stop after
# a page of results, where "live, in this section, newest first" made SQLite read and
# sort every article of the section (about 1 ms instead of 200 ms at 100,000 articles).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def card_rendition_specs() -> list[str]:
    """The image sizes cards use: only these are loaded with them."""
    return [f.spec for kind in CARD_PICTURES for f in images.filters_for(kind)]


def article_cards_queryset() -> PageQuerySet:
    """Articles readers may see (news/visibility.py) with everything a card shows (image,
    its card sizes, byline), newest first. The body is left in the database: no card
    shows it."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=card_rendition_specs())
    )
    return (
        visible_to_readers(ArticlePage.objects.all())
        .defer("body")
        .annotate(lead_html=lead_html())
        .select_related("hero_image")
        .prefetch_related(
            # Every size of every image would be some 30 renditions a card.
            Prefetch("hero_image__renditions", queryset=renditions),
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            ),
        )
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
    )


def _hero_renditions() -> QuerySet:
    return get_image_model().get_rendition_model().objects.filter(filter_spec__in=_hero_specs())


def _hero_specs() -> tuple[str, ...]:
    """The hero's sizes on the article page, and those other apps render from it (its
    social and structured data: page_context.add_hero_specs)."""
    return (*(f.spec for f in images.filters_for("hero")), *page_context.extra_hero_specs())


def newest_first(queryset: QuerySet) -> QuerySet:
    """`queryset` newest first, in an order the published_at index gives without a sort."""
    return queryset.filter(published_at__gt=EARLIEST).order_by("-published_at", "-pk")


class CardStore:
    """Cards of live articles kept in this process until their article changes.

    The same few cards (most popular, editors' picks, the home page's) appear on every
    page; loading them with their image, renditions and byline was a third of an article
    page's render. Each card is kept with the invalidation stamp it was loaded under
    (core/invalidation.py) and is stale once a change names its page (`page-<id>`: a
    publish, unpublish, move or deletion of that article) or everything (a change of
    picks, authors, sections, view restrictions); a publish of another article leaves it
    warm. Cards also expire after MASTHEAD_PAGE_CACHE_SECONDS, the page cache's own bound
    on staleness, and at most MASTHEAD_CARD_CACHE_SIZE are kept (the least recently used
    go first). An id that is not an article readers may see (news/visibility.py) is
    remembered as None. Size 0 turns the store off.
    """

    def __init__(self) -> None:
        self.cards: OrderedDict[int, tuple[float, ArticlePage | None, int]] = OrderedDict()
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.cards.clear()

    def get_many(self, ids: set[int], stamp: int) -> dict[int, ArticlePage | None]:
        """The kept cards among `ids` still fresh (`stamp`: the current sequence)."""
        from masthead.core.invalidation import fresh

        now = time.monotonic()
        with self.lock:
            found = {}
            for pk in ids:
                entry = self.cards.get(pk)
                if entry is not None and entry[0] > now and fresh(entry[2], (f"page-{pk}",)):
                    self.cards.move_to_end(pk)
                    found[pk] = entry[1]
            return found

    def put_many(
        self, cards: dict[int, ArticlePage | None], stamp: int, *, size: int, seconds: float
    ) -> None:
        """Keep `cards`, loaded under `stamp` (the sequence read before loading them)."""
        expires = time.monotonic() + seconds
        with self.lock:
            for pk, card in cards.items():
                self.cards[pk] = (expires, card, stamp)
                self.cards.move_to_end(pk)
            while len(self.cards) > size:
                self.cards.popitem(last=False)


card_store = CardStore()


def _load_cards(ids: set[int]) -> dict[int, ArticlePage]:
    return {a.pk: a for a in article_cards_queryset().filter(pk__in=ids)} if ids else {}


def cards_by_id(ids: Iterable[int]) -> dict[int, ArticlePage]:
    """{id: card} of the articles readers may see among `ids`: from this process's CardStore, the
    rest in one query (and its two prefetches).

    Cards are shared between requests: set nothing on them (`with_views` copies).
    """
    wanted = set(ids)
    size = settings.MASTHEAD_CARD_CACHE_SIZE
    if not wanted or size <= 0:
        return _load_cards(wanted)
    stamp = current_generation()
    found = card_store.get_many(wanted, stamp)
    missing = wanted - found.keys()
    if missing:
        loaded = _load_cards(missing)
        fresh = {pk: loaded.get(pk) for pk in missing}
        card_store.put_many(fresh, stamp, size=size, seconds=settings.MASTHEAD_PAGE_CACHE_SECONDS)
        found.update(fresh)
    return {pk: card for pk, card in found.items() if card is not None}


class Listing:
    """A listing's cards, newest first, for a paginator: counted in the page table alone,
    and each page read the cheaper of two ways, as ids; the cards come from the
    CardStore (`cards_by_id`), so a card is loaded and rendered once per publish, not
    once per request.

    `walk` lets the database follow the published_at index newest first, checking each
    article for membership, and stop after the page: cheap when members are common
    (a big section or tag). `pick` reads the members from their own index and sorts
    them: cheap when they are few. Left to itself SQLite picked the second way even for
    a tag on a quarter of 100,000 articles (0.9 s instead of 2 ms).

    With a `cursor` (news/keyset.py: the publication time and id of the last card of
    the page before), a page starts after it instead of after an OFFSET: page 50 costs
    what page 1 costs.
    """

    def __init__(
        self, *, walk: QuerySet, pick: QuerySet, count_queryset: QuerySet, key: str,
        cursor: keyset.Cursor | None = None,
    ) -> None:  # fmt: skip
        self.walk, self.pick, self.count_queryset, self.key = walk, pick, count_queryset, key
        self.cursor = cursor

    @cached_property
    def total(self) -> int:
        """The count; a big one is kept until the next publish (counting a tag on 27,000
        of 100,000 articles took 30 ms, the rest of the page as much)."""
        key = f"masthead:listing-count:{current_generation()}:{self.key}"
        total = cache.get(key)
        if total is None:
            total = self.count_queryset.count()
            if total >= CACHED_COUNT_FROM:
                cache.set(key, total, 3600)
        return total

    def count(self) -> int:
        return self.total

    def ids(self, key: slice) -> list[int]:
        start, stop = key.start or 0, key.stop or 0
        if self.cursor is not None:
            start, stop = 0, stop - start
        # Walking reads about (rows wanted) × (articles / members) index entries;
        # picking reads every member once.
        walking_cost = stop * article_count()
        walk = self.total * self.total >= walking_cost

        def rows() -> QuerySet:
            rows = newest_first(self.walk if walk else self.pick)
            if self.cursor is not None:
                rows = rows.filter(keyset.older_than(self.cursor))
            return rows.values_list("pk")[start:stop]

        return compiled_ids(("listing", self.key, walk, start, stop, self.cursor), rows)

    def __getitem__(self, key: slice) -> list[ArticlePage]:
        ids = self.ids(key)
        cards = cards_by_id(ids)
        return [cards[pk] for pk in ids if pk in cards]


def listing_page(listing: Listing, number, cursor: str | None = None) -> Any:
    """Page `number` of `listing`; `cursor` (the `before` parameter of an "Older" link)
    lets it start after the last card of the page before rather than count its way
    there. Each page carries `next_cursor` for its own "Older" link."""
    listing.cursor = keyset.parse(cursor)
    page_obj = Paginator(listing, settings.MASTHEAD_PAGE_SIZE).get_page(number)
    cards = page_obj.object_list
    page_obj.next_cursor = keyset.of(cards[-1]) if cards and page_obj.has_next() else ""
    return page_obj


def article_count() -> int:
    """Articles in the archive, drafts included, for estimates; cached for an hour.

    PostgreSQL counts by reading the whole table (50 ms at 100,000 articles): its own
    estimate from the last ANALYZE is close enough here.
    """
    count = cache.get("masthead:article-count")
    if count is None:
        count = _estimated_rows(ArticlePage._meta.db_table)
        if count is None:
            count = ArticlePage.objects.count()
        cache.set("masthead:article-count", count, 3600)
    return max(count, 1)


def _estimated_rows(table: str) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    # -1 (or nothing) until the table was first analyzed: count then.
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


def nav_sections() -> list[dict[str, Any]]:
    """Sections shown in the site navigation; cached, invalidated on publish, and kept
    by each process until the next publish (core/memo.py): a page asks for them thrice."""
    return memo.get(("nav-sections",), _nav_sections, tags=())  # sections: "everything"


def _nav_sections() -> list[dict[str, Any]]:
    sections = cache.get(NAV_CACHE_KEY)
    if sections is None:
        sections = [
            {
                "id": s.pk,
                "title": s.title,
                "url": s.url,
                "path": s.path,
                "slug": s.slug,
                "depth": s.depth,
                "access_level": s.access_level,
            }  # fmt: skip
            # By type: the content-type index finds the few sections, where a join from
            # the page table read every page (0.1 s at 100,000 articles).
            for s in SectionPage.objects.live().type(SectionPage).order_by("path")
        ]
        cache.set(NAV_CACHE_KEY, sections, 300)
    return sections


def section_for(page: Page) -> dict[str, Any] | None:
    """The navigation entry of the section a page lives in, without a query."""
    for section in nav_sections():
        if page.path.startswith(section["path"]):
            return section
    return None


def _children_of(path: str, depth: int) -> Q:
    # A range on the tree path (an index the database can use) rather than a LIKE.
    # Treebeard paths use 0-9A-Z, all sorting before "~".
    return Q(path__gte=path, path__lt=f"{path}~", depth=depth + 1)


def section_listing(section: SectionPage, number, cursor: str | None = None) -> Any:
    """One page of a section's articles, newest first.

    The walk filters on the path with a LIKE, which SQLite cannot answer from the path
    index, so it follows published_at; the pick and the count use a range on the path,
    which it can.
    """
    cards = visible_to_readers(ArticlePage.objects.all())
    children = _children_of(section.path, section.depth)
    listing = Listing(
        walk=cards.filter(path__startswith=section.path, depth=section.depth + 1),
        pick=cards.filter(children),
        count_queryset=visible_to_readers(Page.objects.filter(children)),
        key=f"section:{section.pk}",
    )
    return listing_page(listing, number, cursor)


def home_context(*, popular: list[tuple[int, int]] = (), picks: list[int] = ()) -> dict[str, Any]:
    """Lead, top stories, a block per section and the rails (`popular`: ranked (id, views),
    `picks`: ids, chosen by the apps above news; see masthead/pages): the ids in one
    query, every card in one more (none when the CardStore has them: cards_by_id),
    however many sections and articles there are.
    """
    sections = nav_sections()
    key = ("home", tuple(s["path"] for s in sections))
    ids = set(compiled_ids(key, lambda: _home_ids(sections)))
    found = cards_by_id(ids | {pk for pk, _ in popular} | set(picks))
    cards = sorted(
        (found[pk] for pk in ids if pk in found),
        key=lambda a: (a.published_at is not None, a.published_at, a.pk),
        reverse=True,
    )
    latest = cards[:LATEST_SIZE]
    return {
        "lead": latest[0] if latest else None,
        "top_stories": latest[1:],
        "section_blocks": section_blocks(cards, sections, exclude={a.pk for a in latest}),
        "most_popular": with_views(popular, found),
        "editors_picks": [found[pk] for pk in picks if pk in found],
    }


def _home_ids(sections: list[dict[str, Any]]) -> QuerySet:
    """The ids of the home page's articles: the newest few, and each section's.

    Each section's newest few come from a subquery of their own that stops after a
    handful of rows, not from ranking every article of every section; the subqueries
    are joined with UNION ALL (ORed together, PostgreSQL scanned every article).
    """
    visible = visible_to_readers(ArticlePage.objects.all())
    newest = [newest_first(visible).values("pk")[:LATEST_SIZE]]
    newest += [
        # A section's newest beyond the latest few: enough for its block in any case.
        # The path as a LIKE, so the database walks published_at (see Listing).
        newest_first(visible.filter(path__startswith=s["path"])).values("pk")[
            : SECTION_BLOCK_SIZE + LATEST_SIZE
        ]
        for s in sections
    ]
    # SQLite allows no LIMIT in a UNION's parts, but does inside their subqueries.
    parts = [ArticlePage.objects.filter(pk__in=q).order_by().values_list("pk") for q in newest]
    return parts[0].union(*parts[1:], all=True)


_compiled_sql: dict[tuple, tuple[str, tuple]] = {}
COMPILED_KEPT = 64


def compiled_ids(key: tuple, build: Callable[[], QuerySet]) -> list[Any]:
    """The first column of `build()`'s rows, its SQL compiled once per process for `key`.

    `key` must name everything the SQL depends on besides the visibility rule, which is
    added here (news/visibility.py leaves its check out when no restriction exists).
    Building and compiling the home page's UNION of six subqueries was 60 % of the
    page's render, running it a tenth.
    """
    full_key = (connection.alias, connection.vendor, needs_restriction_check(), *key)
    compiled = _compiled_sql.get(full_key)
    if compiled is None:
        queryset = build()
        try:
            sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # a slice of nothing ([0:0], an empty listing's page)
            return []
        compiled = (sql, tuple(params))
        if len(_compiled_sql) >= COMPILED_KEPT:
            _compiled_sql.clear()
        _compiled_sql[full_key] = compiled
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return [row[0] for row in cursor.fetchall()]


def section_blocks(
    cards: list[ArticlePage], sections: list[dict[str, Any]], *, exclude: set[int]
) -> list[dict[str, Any]]:
    """The newest few cards of every section (`cards` are newest first)."""
    blocks = []
    for section in sections:
        articles = [a for a in cards if a.path.startswith(section["path"]) and a.pk not in exclude][
            :SECTION_BLOCK_SIZE
        ]
        if articles:
            blocks.append({"section": section, "articles": articles})
    return blocks


def with_views(ranking: list[tuple[int, int]], cards: dict[int, ArticlePage]) -> list:
    """The ranked articles that have cards, each with its view count."""
    articles = []
    for pk, views in ranking:
        if pk in cards:
            # Cards are shared (CardStore): the views are this list's, the card's rendered
            # HTML (news_tags.card) stays the card's.
            cards[pk].__dict__.setdefault("_card_html", {})
            card = copy.copy(cards[pk])
            card.views = views
            articles.append(card)
    return articles


def article_context(article: ArticlePage) -> dict[str, Any]:
    """What news itself puts around the article: section, byline, tags, corrections.
    The cards and the player come from the apps above news (masthead/pages)."""
    section = section_for(article)
    # The hero's renditions with the image, only the sizes this page shows: no cache
    # round trips per size.
    prefetch_related_objects(
        [article], Prefetch("hero_image__renditions", queryset=_hero_renditions())
    )
    return {
        "section": section,
        "current_section_id": section["id"] if section else None,
        "byline": list(article.article_authors.select_related("author", "author__photo")),
        "article_tags": list(article.tags.all()),
        "corrections_log": list(article.corrections.all()),
    }


def _members_listing(members: QuerySet, key: str) -> Listing:
    """Visible articles whose id is among `members` (a one-column subquery of ids).

    The walk asks, for each article on the way down the published_at index, whether it
    is a member (a correlated EXISTS: an index probe each). `id IN (members)` made
    SQLite build the whole member list first, every request (27,000 rows for a tag on a
    quarter of 100,000 articles).
    """
    cards = ArticlePage.objects.all()
    (column,) = members.query.values_select
    return Listing(
        walk=visible_to_readers(cards).filter(Exists(members.filter(**{column: OuterRef("pk")}))),
        pick=visible_to_readers(cards).filter(pk__in=members),
        count_queryset=visible_to_readers(Page.objects.filter(pk__in=members)),
        key=key,
    )


def author_listing(author: Author, number, cursor: str | None = None) -> Any:
    """One page of an author's articles, newest first."""
    bylines = ArticleAuthor.objects.filter(author=author).values("page_id")
    return listing_page(_members_listing(bylines, f"author:{author.pk}"), number, cursor)


def tag_listing(tag: Tag, number, cursor: str | None = None) -> Any:
    """One page of a tag's articles, newest first."""
    tagged = ArticleTag.objects.filter(tag=tag).values("content_object_id")
    return listing_page(_members_listing(tagged, f"tag:{tag.pk}"), number, cursor)
