"""Reader search at archive scale: the full-text index finds the matches, the one
reader-visibility selector (news/visibility.py) filters them, and no request scores or
counts more than a bounded number of them.

Wagtail's database backends (what settings configure: SQLite FTS5, PostgreSQL tsvector)
keep the index; this module only asks it better questions, with Wagtail's own query
compilers (the same query syntax, the same scores):

- **Found by the index.** On PostgreSQL Wagtail matches `title || body`, an expression no
  index served: every article's vectors were read for each search (1.7-2 s at 100,000
  articles). A GIN index on that expression (migration news 0005) serves it now. On
  SQLite the FTS5 table is the index; the match starts there, not from every article.
- **Bounded.** Ranking reads each match's vectors (PostgreSQL) or position lists
  (SQLite bm25): for a word in half of 100,000 articles that cost seconds whatever the
  index. So the matches are counted only up to `MASTHEAD_SEARCH_RANKED_MAX` (one query
  that stops there). Up to that many, they are ranked best first, as Wagtail ranks
  them. Beyond it, the search lists that many of its newest matches, newest first:
  the publication-date index is walked and each article checked against the index,
  which stops after a page. For a news archive a common word's newest stories are the
  ones a reader wants; the page says so and invites another word.
- **Visible only.** Both ways the rows are filtered by `visible_to_readers`
  inside the same SQL (drafts, restricted and private articles never count or show);
  Wagtail's own `.search()` results, used as a fallback for other backends, are
  narrowed by `searchable`.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
from wagtail.models import Page

from .models import ArticlePage
from .visibility import searchable, visible_to_readers


def ranked_max() -> int:
    return max(1, int(getattr(settings, "MASTHEAD_SEARCH_RANKED_MAX", 500)))


def article_content_types() -> list[int]:
    from modelsearch.utils import get_descendants_content_types_pks

    return get_descendants_content_types_pks(ArticlePage)


class SQLiteFullText:
    """Wagtail's FTS5 table (SQLite): entries matching a query, and their bm25."""

    def __init__(self, compiler, query) -> None:
        from modelsearch.backends.database.sqlite.query import MatchExpression
        from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

        self.model = SQLiteFTSIndexEntry
        self.match = MatchExpression(
            compiler.fields or compiler.FTS_TABLE_FIELDS, compiler.build_search_query(query)
        )
        # bm25 is lower for better matches.
        self.best_first = (compiler._build_rank_expression(compiler.get_search_vectors(), None),)

    def entries(self) -> QuerySet:
        return (
            self.model.objects.filter(self.match)
            # "+ 0": no index on the content type, so SQLite starts from the full-text
            # match (which stops at the matching entries), not from every article's entry.
            .annotate(content_type=F("index_entry__content_type_id") + Value(0))
            .filter(content_type__in=article_content_types())
            .annotate(article_id=Cast("index_entry__object_id", BigIntegerField()))
        )

    def matches_article(self) -> Exists:
        """For a queryset of articles: the article's own entry matches (one entry looked
        up by its key, then the match checked for that row of the FTS table alone)."""
        entry = self.model.objects.filter(
            self.match,
            index_entry__content_type_id__in=article_content_types(),
            index_entry__object_id=Cast(OuterRef("pk"), CharField()),
        )
        return Exists(entry)


class PostgresFullText:
    """Wagtail's index entries (PostgreSQL): entries whose `title || body` matches."""

    def __init__(self, compiler, query, config) -> None:
        from django.contrib.postgres.search import SearchVectorField
        from wagtail.search.models import IndexEntry

        self.model = IndexEntry
        self.tsquery = compiler.build_tsquery(query, config=config)
        # The expression of Wagtail's own filter, which the GIN index of migration 0005 is on.
        self.vector = CombinedExpression(
            F("title"), "||", F("body"), output_field=SearchVectorField()
        )
        vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
        self.best_first = (compiler._build_rank_expression(vectors, config).desc(),)

    def _matching(self) -> QuerySet:
        return self.model.objects.annotate(document=self.vector).filter(document=self.tsquery)

    def entries(self) -> QuerySet:
        return (
            self._matching()
            .filter(content_type_id__in=article_content_types())
            .annotate(article_id=Cast("object_id", BigIntegerField()))
        )

    def matches_article(self) -> Exists:
        entry = self._matching().filter(
            content_type_id__in=article_content_types(),
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        return Exists(entry)


def full_text_for(results) -> SQLiteFullText | PostgresFullText | None:
    """The index behind Wagtail search results, when it is one of the database backends
    this module knows and the query is a search (not "everything" or a negation)."""
    from modelsearch.backends.database.postgres.postgres import (
        PostgresAutocompleteQueryCompiler,
        PostgresSearchQueryCompiler,
    )
    from modelsearch.query import MatchAll, Not

    compiler = getattr(results, "query_compiler", None)
    if compiler is None:
        return None
    if isinstance(compiler, PostgresSearchQueryCompiler):
        if isinstance(compiler, PostgresAutocompleteQueryCompiler):
            return None
        if isinstance(compiler.query, (MatchAll, Not)):
            return None
        return PostgresFullText(compiler, compiler.query, compiler.get_config(results.backend))
    try:
        from modelsearch.backends.database.sqlite.query import normalize
        from modelsearch.backends.database.sqlite.sqlite import (
            SQLiteAutocompleteQueryCompiler,
            SQLiteFTSIndexEntry,
            SQLiteSearchQueryCompiler,
        )
    except (ImportError, LookupError):  # SQLite without FTS5 (Wagtail's fallback backend)
        return None
    if not isinstance(compiler, SQLiteSearchQueryCompiler) or SQLiteFTSIndexEntry is None:
        return None
    if isinstance(compiler, SQLiteAutocompleteQueryCompiler):
        return None
    query = normalize(compiler.query)
    if isinstance(query, (MatchAll, Not)):
        return None
    return SQLiteFullText(compiler, query)


# --- the two orders ----------------------------------------------------------------------


@dataclass
class BestFirst:
    """All the visible matches (no more than `ranked_max()`), best first, as ids."""

    entries: QuerySet
    order: tuple
    total: int
    by_relevance = True
    more = False

    def count(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[int]:
        ranked = self.entries.order_by(*self.order, F("article_id").desc())
        return list(ranked.values_list("article_id", flat=True)[key])


@dataclass
class NewestFirst:
    """The newest `total` visible matches of a search that has more, newest first."""

    articles: QuerySet
    total: int
    by_relevance = False
    more = True

    def count(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[int]:
        return list(self.articles.values_list("pk", flat=True)[key])


def visible_matches(full_text) -> BestFirst | NewestFirst:
    from .selectors import EARLIEST

    visible = visible_to_readers(Page.objects.filter(pk=OuterRef("article_id")))
    entries = full_text.entries().filter(Exists(visible))
    limit = ranked_max()
    found = entries.values("pk")[: limit + 1].count()  # stops at limit + 1
    if found <= limit:
        return BestFirst(entries, full_text.best_first, found)
    # Every live article has a date: asking for one as a range walks the date index.
    articles = (
        visible_to_readers(ArticlePage.objects.filter(published_at__gt=EARLIEST))
        .filter(full_text.matches_article())
        .order_by("-published_at", "-pk")
    )
    return NewestFirst(articles, limit)


def search_listing(terms: str, number) -> Any:
    """One page of articles readers may see matching `terms`, as cards; the page's
    `by_relevance` and `more` say which order it is in and whether more matched.

    May raise DatabaseError when the search engine cannot parse the terms.
    """
    from .selectors import cards_by_id

    results = searchable(ArticlePage.objects.all()).search(terms)
    full_text = full_text_for(results)
    items = visible_matches(full_text) if full_text is not None else results
    page_obj = Paginator(items, settings.MASTHEAD_PAGE_SIZE).get_page(number)
    ids = [item if isinstance(item, int) else item.pk for item in page_obj.object_list]
    # Re-load the page of results with card data in constant queries, keeping the order.
    cards = cards_by_id(ids)
    page_obj.object_list = [cards[pk] for pk in ids if pk in cards]
    page_obj.by_relevance = getattr(items, "by_relevance", True)
    page_obj.more = getattr(items, "more", False)
    return page_obj
