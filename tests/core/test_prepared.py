"""core/prepared.py: a hot query's SQL compiled once, the rows read as the ORM reads them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.core.prepared import Prepared
from masthead.news import models
from masthead.news.models import ArticlePage


def route_args(article: ArticlePage) -> tuple:
    section_path = article.path[: -ArticlePage.steplen]
    return section_path, f"{section_path}~", article.depth, article.slug


def fields(article: ArticlePage) -> dict:
    return {f.attname: getattr(article, f.attname) for f in ArticlePage._meta.concrete_fields}


@pytest.fixture
def prepared():
    # A fresh one per test: compiled on this test's database connection.
    return Prepared(models._article_in_section, ("\x00a", "\x00b", 987_654_321, "\x00c"))


def test_the_article_route_query_is_compiled_once_and_reads_what_the_orm_reads(
    make_article, prepared
):
    article = make_article(title="Harbour bridge reopens")
    other = make_article(title="Council votes on budget")
    found = prepared.all(*route_args(article))
    assert prepared.compiled[connection.alias] is not None  # kept: the SQL is reused
    assert [a.pk for a in found] == [article.pk]
    expected = list(models._article_in_section(*route_args(article)))[0]
    assert fields(found[0]) == fields(expected)
    assert found[0].hero_image == expected.hero_image  # with the related rows it selects
    assert set(found[0]._state.fields_cache) == {"hero_image", "narration"}
    # Other arguments, the same kept SQL, the other article.
    sql = prepared.compiled[connection.alias][0]
    with CaptureQueriesContext(connection) as queries:
        assert [a.pk for a in prepared.all(*route_args(other))] == [other.pk]
    assert len(queries) == 1
    assert other.slug in queries[0]["sql"] or connection.vendor == "postgresql"
    assert prepared.compiled[connection.alias][0] == sql


def test_a_prepared_run_does_not_compile_the_sql(make_article, prepared, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler

    article = make_article()
    prepared.all(*route_args(article))  # compiles, once
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or as_sql(self, *a, **k)
    )
    assert [a.pk for a in prepared.all(*route_args(article))] == [article.pk]
    assert compiled == []
    list(models._article_in_section(*route_args(article)))  # the ORM's own way compiles
    assert compiled


def test_no_match_gives_nothing(make_article, prepared):
    article = make_article()
    section_path, upper, depth, _ = route_args(article)
    assert prepared.all(section_path, upper, depth, "no-such-article") == []
    assert prepared.all(section_path, upper, depth + 1, article.slug) == []


def test_a_query_that_transforms_its_arguments_is_compiled_every_time(make_article):
    article = make_article(title="Tram line extended")

    def by_prefix(prefix: str):
        return ArticlePage.objects.filter(slug__startswith=prefix)  # LIKE: the value escaped

    prepared = Prepared(by_prefix, ("\x00prefix",))
    assert [a.pk for a in prepared.all(article.slug[:6])] == [article.pk]
    assert prepared.compiled[connection.alias] is None  # nothing kept: the ORM compiles


def test_a_stand_in_no_row_can_match_keeps_nothing(make_article):
    article = make_article()

    def by_depth(depth: int):
        return ArticlePage.objects.filter(depth=depth)

    prepared = Prepared(by_depth, (-1,))  # a negative depth: the ORM answers without SQL
    assert [a.pk for a in prepared.all(article.depth)] == [article.pk]
    assert prepared.compiled[connection.alias] is None
