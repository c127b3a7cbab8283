"""Wagtail's database search backend, with SQLite's relevance ranking done in one pass.

`WAGTAILSEARCH_BACKENDS` points here (settings/base.py). On PostgreSQL and MySQL this is
exactly Wagtail's `wagtail.search.backends.database`. On SQLite with FTS5 it is Wagtail's
SQLite backend with one change: results ordered by relevance are ranked by one full-text
query. Wagtail's own query annotates every candidate with a correlated subquery that runs
the match again for that row, and FTS5's bm25 counts the term's documents afresh in each
run: the cost grows with the square of the matches. The admin's page search (titles,
best first) did not answer at 100,000 articles; now it takes well under a second.

How: for a bounded slice (a page of results, which is what every listing asks for), the
ids of that slice come from one query over the FTS table, best first, restricted to the
caller's queryset (its filters: live, the user's explorable pages, a content type) by an
IN subquery that SQLite evaluates once; the slice is then that queryset filtered by those
ids, in rank order. Counts, facets, unranked and unbounded searches are Wagtail's own.
"""

from collections import OrderedDict

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Value,
    When,
)
from django.db.models.functions import Cast
from modelsearch.backends.database import SearchBackend as database_backend

INTEGER_KEYS = {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField"}


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    backend = database_backend(params)
    try:
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend
    except (ImportError, LookupError):  # no FTS5: Wagtail's fallback backend
        return backend
    if type(backend) is SQLiteSearchBackend:
        return OnePassSQLiteSearchBackend(params)
    return backend


def _compilers():
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteSearchQueryCompiler,
    )

    class OnePassRanking:
        def search(self, config, start, stop, score_field=None):
            ranked = self.ranked_slice(config, start, stop, score_field)
            if ranked is None:
                return super().search(config, start, stop, score_field)
            return ranked

        def fts_matches(self, config):
            """The FTS rows matching the query, for this model's content types, with the
            object's key as a number where keys are numbers (SQLite compares a number
            column with text values without its index)."""
            from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
            from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
            from modelsearch.utils import get_descendants_content_types_pks

            match = MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS,
                self.build_search_query(normalize(self.query), config),
            )
            types = get_descendants_content_types_pks(self.queryset.model)
            return (
                SQLiteFTSIndexEntry.objects.filter(match)
                # "+ 0": no index on the content type, so SQLite starts from the match.
                .annotate(content_type=F("index_entry__content_type_id") + Value(0))
                .filter(content_type__in=types)
                .annotate(key=self.object_key())
            )

        def matching(self, config):
            """The caller's queryset narrowed to the matches, unordered: for counts and
            facets (SQLite walks the match's keys, not the whole table)."""
            return self.queryset.order_by().filter(pk__in=self.fts_matches(config).values("key"))

        def plain(self):
            from modelsearch.backends.database.sqlite.query import normalize
            from modelsearch.query import MatchAll, Not

            return not isinstance(normalize(self.query), (MatchAll, Not))

        def ranked_slice(self, config, start, stop, score_field):
            if not self.order_by_relevance or score_field is not None or stop is None:
                return None
            if not self.plain():
                return None
            rank = self._build_rank_expression(self.get_search_vectors(), config)
            candidate = self.queryset.order_by().filter(pk=OuterRef("key"))
            ids = list(
                self.fts_matches(config)
                .filter(Exists(candidate))
                .annotate(score=rank)
                .order_by("score", "-key")
                .values_list("key", flat=True)[start:stop]
            )
            position = Case(
                *(When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)),
                output_field=IntegerField(),
            )
            results = self.queryset.filter(pk__in=ids)
            return results.order_by(position) if ids else results

        def object_key(self):
            if self.queryset.model._meta.pk.get_internal_type() in INTEGER_KEYS:
                return Cast("index_entry__object_id", BigIntegerField())
            return F("index_entry__object_id")

    class Search(OnePassRanking, SQLiteSearchQueryCompiler):
        pass

    class Autocomplete(OnePassRanking, SQLiteAutocompleteQueryCompiler):
        pass

    return Search, Autocomplete


def _backend_class():
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteSearchBackend,
        SQLiteSearchResults,
    )

    search, autocomplete = _compilers()

    class Results(SQLiteSearchResults):
        def _matching(self):
            compiler = self.query_compiler
            if not compiler.plain():
                return None
            return compiler.matching(compiler.get_config(self.backend))

        def _do_count(self):
            compiler = self.query_compiler
            if not compiler.plain():
                return super()._do_count()
            # From the match's side: each match's object checked against the queryset.
            candidate = compiler.queryset.order_by().filter(pk=OuterRef("key"))
            matches = compiler.fts_matches(compiler.get_config(self.backend))
            count = matches.filter(Exists(candidate)).count()
            return max(0, min(count, self.stop or count) - self.start)

        def facet(self, field_name):
            matching = self._matching()
            if matching is None or self.query_compiler._get_filterable_field(field_name) is None:
                return super().facet(field_name)
            rows = matching.values(field_name).annotate(count=Count("pk")).order_by("-count")
            return OrderedDict((row[field_name], row["count"]) for row in rows)

    class OnePass(SQLiteSearchBackend):
        query_compiler_class = search
        autocomplete_query_compiler_class = autocomplete
        results_class = Results

    return OnePass


def OnePassSQLiteSearchBackend(params):  # noqa: N802 - builds the class on first use
    global _ONE_PASS
    if _ONE_PASS is None:
        _ONE_PASS = _backend_class()
    return _ONE_PASS(params)


_ONE_PASS = None
