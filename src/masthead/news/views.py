"""Author, tag, topic, corrections and search listings (Wagtail serves home, section and
article pages)."""

import logging

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from masthead.core import invalidation

from . import corrections, selectors
from .models import Author
from .search import search_listing
from .topics import topics_with_counts

MAX_QUERY_LENGTH = 200
logger = logging.getLogger("masthead.news")


def search_terms(query: str) -> str:
    """Quotes make a phrase search; an unbalanced one would be a syntax error on SQLite."""
    return query.replace('"', " ") if query.count('"') % 2 else query


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The photo's renditions with it: the page, its social tags and its structured data
    # ask for three sizes, and each ask went through the cache (writing it back: file
    # writes on every request, a third of the page) instead of reading them here.
    authors = Author.objects.select_related("photo").prefetch_related("photo__renditions")
    author = get_object_or_404(authors, slug=slug)
    page_obj = selectors.author_listing(author, request.GET.get("page"), request.GET.get("before"))
    invalidation.tag(f"author-{author.pk}")  # a new article by them joins this listing
    return render(request, "news/author_page.html", {"author": author, "page_obj": page_obj})


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    page_obj = selectors.tag_listing(tag, request.GET.get("page"), request.GET.get("before"))
    invalidation.tag(f"tag-{tag.pk}")
    return render(request, "news/tag_page.html", {"tag": tag, "page_obj": page_obj})


def topic_index(request: HttpRequest) -> HttpResponse:
    topics = list(topics_with_counts())
    return render(request, "news/topic_index.html", {"topics": topics})


def corrections_page(request: HttpRequest) -> HttpResponse:
    page_obj = corrections.corrections_listing(request.GET.get("page"))
    return render(request, "news/corrections_page.html", {"page_obj": page_obj})


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
                page_obj = search_listing(search_terms(query), request.GET.get("page"))
        except DatabaseError:
            # The search engine could not parse the terms (stray operators, say).
            logger.info("Search query refused by the backend: %r", query)
            error, page_obj = "We couldn’t understand that search. Try plain words.", None
    context = {"query": query, "page_obj": page_obj, "error": error}
    return render(request, "news/search_page.html", context)
