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

from django.db.models import BigIntegerField, Case, CharField, F, IntegerField, Value, When
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

        def ranked_slice(self, config, start, stop, score_field):
            from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
            from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
            from modelsearch.query import MatchAll, Not
            from modelsearch.utils import get_descendants_content_types_pks

            query = normalize(self.query)
            if (
                not self.order_by_relevance
                or score_field is not None
                or stop is None
                or isinstance(query, (MatchAll, Not))
            ):
                return None
            match = MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config)
            )
            rank = self._build_rank_expression(self.get_search_vectors(), config)
            candidates = self.queryset.order_by().annotate(key=Cast("pk", output_field=CharField()))
            ids = list(
                SQLiteFTSIndexEntry.objects.filter(match)
                # "+ 0": no index on the content type, so SQLite starts from the match.
                .annotate(content_type=F("index_entry__content_type_id") + Value(0))
                .filter(
                    content_type__in=get_descendants_content_types_pks(self.queryset.model),
                    index_entry__object_id__in=candidates.values("key"),
                )
                .annotate(score=rank, tie=self.tie_break())
                .order_by("score", "-tie")
                .values_list("index_entry__object_id", flat=True)[start:stop]
            )
            pk_field = self.queryset.model._meta.pk
            pks = [pk_field.to_python(pk) for pk in ids]
            position = Case(
                *(When(pk=pk, then=Value(n)) for n, pk in enumerate(pks)),
                output_field=IntegerField(),
            )
            results = self.queryset.filter(pk__in=pks)
            return results.order_by(position) if pks else results

        def tie_break(self):
            # Wagtail breaks ties by "-pk": numerically, where the ids are numbers.
            if self.queryset.model._meta.pk.get_internal_type() in INTEGER_KEYS:
                return Cast("index_entry__object_id", BigIntegerField())
            return F("index_entry__object_id")

    class Search(OnePassRanking, SQLiteSearchQueryCompiler):
        pass

    class Autocomplete(OnePassRanking, SQLiteAutocompleteQueryCompiler):
        pass

    return Search, Autocomplete


def _backend_class():
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    search, autocomplete = _compilers()

    class OnePass(SQLiteSearchBackend):
        query_compiler_class = search
        autocomplete_query_compiler_class = autocomplete

    return OnePass


def OnePassSQLiteSearchBackend(params):  # noqa: N802 - builds the class on first use
    global _ONE_PASS
    if _ONE_PASS is None:
        _ONE_PASS = _backend_class()
    return _ONE_PASS(params)


_ONE_PASS = None
