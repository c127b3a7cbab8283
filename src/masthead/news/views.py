"""Author, tag and search listings (Wagtail serves home, section and article pages)."""

import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from . import selectors
from .models import ArticlePage, Author

MAX_QUERY_LENGTH = 200
logger = logging.getLogger("masthead.news")


def search_terms(query: str) -> str:
    """Quotes make a phrase search; an unbalanced one would be a syntax error on SQLite."""
    return query.replace('"', " ") if query.count('"') % 2 else query


def _page(request: HttpRequest, items):
    return Paginator(items, settings.MASTHEAD_PAGE_SIZE).get_page(request.GET.get("page"))


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    page_obj = _page(request, selectors.articles_by_author(author))
    return render(request, "news/author_page.html", {"author": author, "page_obj": page_obj})


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    page_obj = _page(request, selectors.articles_by_tag(slug))
    return render(request, "news/tag_page.html", {"tag": tag, "page_obj": page_obj})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    error = ""
    page_obj = None
    if len(query) > MAX_QUERY_LENGTH:
        error = f"Search terms are limited to {MAX_QUERY_LENGTH} characters."
    elif not search_terms(query).strip():
        error = "Type a word or two: a person, a place, a topic."
    elif query:
        try:
            # A savepoint, so a refused search leaves the connection usable (PostgreSQL).
            with transaction.atomic():
                results = ArticlePage.objects.live().search(search_terms(query))
                page_obj = _page(request, results)
                ids = [a.pk for a in page_obj.object_list]
        except DatabaseError:
            # The search engine could not parse the terms (stray operators, say).
            logger.info("Search query refused by the backend: %r", query)
            error, page_obj, ids = "We couldn’t understand that search. Try plain words.", None, []
    if page_obj is not None:
        # Re-load the page of results with card data in constant queries, keeping rank.
        cards = {a.pk: a for a in selectors.article_cards_queryset().filter(pk__in=ids)}
        page_obj.object_list = [cards[i] for i in ids if i in cards]
    context = {"query": query, "page_obj": page_obj, "error": error}
    return render(request, "news/search_page.html", context)
