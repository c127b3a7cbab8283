"""Checks of the content API's query parameters: a bad value is a 400 with a message.

Wagtail's API passes some values straight to the database or the search backend, where
a stray quote, a 20-digit offset or an unknown operator became a 500. Everything a
client sends is checked here first; see docs/distribution.md, "Parameters".
"""

import re
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, QueryDict
from wagtail.api.v2 import filters
from wagtail.api.v2.utils import BadRequestError

from masthead.news.views import search_terms

MAX_VALUE_LENGTH = 500
MAX_SEARCH_LENGTH = 200  # as the site's own search page
MAX_NUMBER = 2**31 - 1  # ids and offsets: the smallest integer column of the databases
SEARCH_OPERATORS = ("and", "or")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INTEGER_FIELDS = (models.IntegerField, models.AutoField, models.ForeignKey)


def whole_number(name: str, value: str, *, minimum: int = 0) -> int:
    if not (value.isascii() and value.isdigit()) or not minimum <= int(value) <= MAX_NUMBER:
        raise BadRequestError(f"{name} must be a whole number from {minimum} to {MAX_NUMBER}")
    return int(value)


def check_query(query: QueryDict) -> None:
    """Refuse values no endpoint can use, whichever endpoint is asked."""
    for name, values in query.lists():
        for value in values:
            if len(value) > MAX_VALUE_LENGTH:
                raise BadRequestError(f"{name} is too long (at most {MAX_VALUE_LENGTH} characters)")
            if CONTROL_CHARACTERS.search(value):
                raise BadRequestError(f"{name} contains control characters")
    if "offset" in query:
        whole_number("offset", query["offset"])
    if "limit" in query:
        whole_number("limit", query["limit"])
    if "random" in query.get("order", "").split(","):
        # A full sort of the table on every request, and a response no cache can share.
        raise BadRequestError("order=random is not supported")
    if "search_operator" in query and query["search_operator"] not in SEARCH_OPERATORS:
        raise BadRequestError("search_operator must be 'and' or 'or'")
    if len(query.get("search", "")) > MAX_SEARCH_LENGTH:
        raise BadRequestError(f"search is limited to {MAX_SEARCH_LENGTH} characters")


def check_field_filters(query: QueryDict, *, model, fields) -> None:
    """Integer fields (?id=, ?hero_image=) take whole numbers the database can store."""
    for name in set(query) & set(fields):
        try:
            field = model._meta.get_field(name)
        except LookupError:
            continue
        if isinstance(field, INTEGER_FIELDS):
            whole_number(name, query[name])


def check_object_id(pk) -> None:
    """A detail URL's id beyond any stored row: not found (not an overflow error)."""
    if pk is not None and not 0 < int(pk) <= MAX_NUMBER:
        raise Http404("not found")


class SiteParameterMixin:
    """?site=<host name>[:<port>] on page endpoints: a site that does not exist is a 400."""

    def get_base_queryset(self):
        from wagtail.models import Site

        try:
            return super().get_base_queryset()
        except (Site.DoesNotExist, ValueError, ValidationError) as error:
            raise BadRequestError("site: no site has this host name (and port)") from error


class CheckedFieldsFilter(filters.FieldsFilter):
    """?<field>=<value>: a value the field cannot hold (a date that is not one) is a 400."""

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except ValidationError as error:
            raise BadRequestError(f"field filter error: {'; '.join(error.messages)}") from error


class CheckedSearchFilter(filters.SearchFilter):
    """?search=: an unbalanced quote is ignored, as on the site's search page."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return super().filter_queryset(request, queryset, view)
        query = request.GET.copy()
        query["search"] = search_terms(query["search"])
        if not query["search"].strip():
            raise BadRequestError("search needs a word or two")
        return super().filter_queryset(SimpleNamespace(GET=query), queryset, view)
