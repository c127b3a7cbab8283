"""The read-only content API (Wagtail API v2) at /api/v2/: articles, sections, authors, topics.

Anonymous and read-only: no session or password authentication is consulted, so a
response never depends on who asks, and restricted pages stay out of it. Listings run a
constant number of queries (bylines, tags and images are prefetched).
"""

from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.urls import reverse
from rest_framework.fields import Field
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from taggit.models import Tag
from wagtail.api import APIField
from wagtail.api.v2.filters import OrderingFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet

from masthead.news.models import ArticleAuthor, ArticlePage, ArticleTag, Author, SectionPage
from masthead.news.selectors import section_for

from . import api_params, images, selectors
from .api_params import CheckedFieldsFilter as FieldsFilter
from .api_params import CheckedSearchFilter as SearchFilter
from .body_html import bodies_html
from .links import page_path

CACHE_SECONDS = 60


class PublicReadOnlyMixin:
    renderer_classes = [JSONRenderer]
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Fields are declared here rather than as `api_fields` on the models (news owns them).
    api_fields: list = []
    extra_meta_fields: list = []

    @classmethod
    def get_body_fields(cls, model):
        return cls._convert_api_fields([*cls.body_fields, *cls.api_fields])

    @classmethod
    def get_meta_fields(cls, model):
        return cls._convert_api_fields([*cls.meta_fields, *cls.extra_meta_fields])

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Every parameter is checked before any query: a bad one is a 400, never a 500.
        api_params.check_query(request.GET)
        api_params.check_object_id(kwargs.get("pk"))
        fields = self.get_available_fields(self.model, db_fields_only=True)
        api_params.check_field_filters(request.GET, model=self.model, fields=fields)

    def listing_view(self, request):
        if "search" not in request.GET:
            return super().listing_view(request)
        try:
            with transaction.atomic():  # a savepoint: a refused search leaves the connection usable
                return super().listing_view(request)
        except DatabaseError as error:  # terms the search engine cannot parse
            raise BadRequestError("search could not be understood; try plain words") from error

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response


def _absolute(context) -> Callable[[str], str]:
    return context["request"].build_absolute_uri


def feed_links(context, kind: str, slug: str) -> dict[str, str]:
    absolute = _absolute(context)
    return {
        fmt: absolute(reverse(f"distribution:{kind}-{fmt}", args=[slug])) for fmt in ("rss", "atom")
    }


class WholeObjectField(Field):
    """A read-only field computed from the whole object."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)


class PageHtmlUrlField(WholeObjectField):
    def to_representation(self, page) -> str:
        return _absolute(self.context)(page_path(page, self.context["request"]))


class ArticleSectionField(WholeObjectField):
    def to_representation(self, article: ArticlePage) -> dict | None:
        section = section_for(article)
        if section is None:
            return None
        router = self.context["router"]
        return {
            "id": section["id"],
            "title": section["title"],
            "html_url": _absolute(self.context)(section["url"]),
            "detail_url": _absolute(self.context)(
                router.get_object_detail_urlpath(SectionPage, section["id"])
            ),
        }


class ArticleAuthorsField(WholeObjectField):
    def to_representation(self, article: ArticlePage) -> list[dict]:
        absolute = _absolute(self.context)
        return [
            {
                "id": link.author.pk,
                "name": link.author.name,
                "slug": link.author.slug,
                "role": link.role,
                "html_url": absolute(link.author.get_absolute_url()),
            }
            for link in article.article_authors.all()
        ]


class ArticleTagsField(WholeObjectField):
    def to_representation(self, article: ArticlePage) -> list[dict]:
        absolute = _absolute(self.context)
        return [
            {
                "name": t.name,
                "slug": t.slug,
                "html_url": absolute(reverse("news:tag", args=[t.slug])),
            }
            for t in article.tags.all()
        ]


class HeroImageField(WholeObjectField):
    SIZES = {"16x9": images.WIDE, "4x3": images.STANDARD, "1x1": images.SQUARE}

    def to_representation(self, article: ArticlePage) -> dict | None:
        if article.hero_image is None:
            return None
        absolute = _absolute(self.context)
        found = images.renditions(article.hero_image, *self.SIZES.values())
        return {
            "alt": article.hero_alt,
            "caption": article.hero_caption,
            "credit": article.hero_credit,
            "renditions": {
                name: images.sized(found[spec], absolute).__dict__
                for name, spec in self.SIZES.items()
            },
        }


class BodyHtmlField(WholeObjectField):
    def to_representation(self, article: ArticlePage) -> str:
        return bodies_html([article], self.context["request"])[article.pk]


class SummaryField(WholeObjectField):
    def to_representation(self, article: ArticlePage) -> str:
        return article.summary


class ArticleFilter(BaseFilterBackend):
    """?section=<slug>, ?tag=<slug>, ?author=<slug>: a slug that matches nothing gives
    an empty list."""

    def filter_queryset(self, request, queryset, view):
        if slug := request.GET.get("section"):
            section = selectors.section_by_slug(slug)
            queryset = queryset.descendant_of(section) if section else queryset.none()
        if slug := request.GET.get("tag"):
            tagged = ArticleTag.objects.filter(tag__slug=slug).values("content_object_id")
            queryset = queryset.filter(pk__in=tagged)
        if slug := request.GET.get("author"):
            authored = ArticleAuthor.objects.filter(author__slug=slug).values("page_id")
            queryset = queryset.filter(pk__in=authored)
        return queryset


PAGE_META_FIELDS = [f for f in PagesAPIViewSet.meta_fields if f != "html_url"]


class ArticlesAPIViewSet(PublicReadOnlyMixin, api_params.SiteParameterMixin, PagesAPIViewSet):
    name = "articles"
    model = ArticlePage
    filter_backends = [ArticleFilter, FieldsFilter, OrderingFilter, SearchFilter]
    known_query_parameters = BaseAPIViewSet.known_query_parameters.union(
        ["section", "tag", "author", "site"]
    )
    api_fields = [
        "dek",
        APIField("summary", serializer=SummaryField()),
        "published_at",
        "last_updated_at",
        "reading_time_minutes",
        APIField("section", serializer=ArticleSectionField()),
        APIField("authors", serializer=ArticleAuthorsField()),
        APIField("tags", serializer=ArticleTagsField()),
        APIField("hero_image", serializer=HeroImageField()),
        APIField("body_html", serializer=BodyHtmlField()),
    ]
    meta_fields = PAGE_META_FIELDS
    extra_meta_fields = [APIField("html_url", serializer=PageHtmlUrlField())]
    listing_default_fields = PagesAPIViewSet.listing_default_fields + [
        "dek",
        "published_at",
        "last_updated_at",
        "section",
        "authors",
        "tags",
        "hero_image",
    ]
    detail_only_fields = ["parent", "body_html"]

    def get_queryset(self):
        in_site = self.get_base_queryset().values("pk")
        return selectors.published_articles(searchable=True).filter(pk__in=in_site)


class SectionFeedsField(WholeObjectField):
    def to_representation(self, section: SectionPage) -> dict[str, str]:
        return feed_links(self.context, "section", section.slug)


class SectionsAPIViewSet(PublicReadOnlyMixin, api_params.SiteParameterMixin, PagesAPIViewSet):
    name = "sections"
    model = SectionPage
    filter_backends = [FieldsFilter, OrderingFilter]
    known_query_parameters = BaseAPIViewSet.known_query_parameters.union(["site"])
    api_fields = ["intro", APIField("feeds", serializer=SectionFeedsField())]
    meta_fields = PAGE_META_FIELDS
    extra_meta_fields = [APIField("html_url", serializer=PageHtmlUrlField())]
    listing_default_fields = PagesAPIViewSet.listing_default_fields + ["intro", "feeds"]

    def get_queryset(self):
        in_site = self.get_base_queryset().values("pk")
        return selectors.visible_sections().filter(pk__in=in_site).order_by("path")


class AuthorHtmlUrlField(WholeObjectField):
    def to_representation(self, author: Author) -> str:
        return _absolute(self.context)(author.get_absolute_url())


class AuthorFeedsField(WholeObjectField):
    def to_representation(self, author: Author) -> dict[str, str]:
        return feed_links(self.context, "author", author.slug)


class AuthorPhotoField(WholeObjectField):
    def to_representation(self, author: Author) -> dict | None:
        if author.photo is None:
            return None
        rendition = images.renditions(author.photo, images.PORTRAIT)[images.PORTRAIT]
        return {
            "alt": author.photo_alt,
            **images.sized(rendition, _absolute(self.context)).__dict__,
        }


class AuthorsAPIViewSet(PublicReadOnlyMixin, BaseAPIViewSet):
    """Authors are snippets, not pages: a plain endpoint over the model."""

    name = "authors"
    model = Author
    filter_backends = [FieldsFilter, OrderingFilter]
    body_fields = ["id", "name", "slug", "role", "bio"]
    meta_fields = ["type", "detail_url"]
    listing_default_fields = ["id", "type", "detail_url", "html_url", "name", "slug", "role"]
    nested_default_fields = ["id", "type", "detail_url", "name"]

    api_fields = [
        APIField("photo", serializer=AuthorPhotoField()),
        APIField("feeds", serializer=AuthorFeedsField()),
    ]
    extra_meta_fields = [APIField("html_url", serializer=AuthorHtmlUrlField())]

    def get_queryset(self):
        # Authors of at least one article readers may see (news/visibility.py).
        return (
            selectors.authors_with_visible_articles()
            .select_related("photo")
            .prefetch_related("photo__renditions")
            .order_by("name")
        )


class TagHtmlUrlField(WholeObjectField):
    def to_representation(self, tag: Tag) -> str:
        return _absolute(self.context)(reverse("news:tag", args=[tag.slug]))


class TagFeedsField(WholeObjectField):
    def to_representation(self, tag: Tag) -> dict[str, str]:
        return feed_links(self.context, "tag", tag.slug)


class TagsAPIViewSet(PublicReadOnlyMixin, BaseAPIViewSet):
    """Topics of articles readers may see only: a draft's or a restricted article's tags
    could give a story away."""

    name = "tags"
    model = Tag
    filter_backends = [FieldsFilter, OrderingFilter]
    body_fields = ["id", "name", "slug"]
    meta_fields = ["type", "detail_url"]
    listing_default_fields = ["id", "type", "detail_url", "html_url", "name", "slug"]

    api_fields = [APIField("feeds", serializer=TagFeedsField())]
    extra_meta_fields = [APIField("html_url", serializer=TagHtmlUrlField())]

    def get_queryset(self):
        return selectors.tags_with_visible_articles().order_by("name")


api_router = WagtailAPIRouter("masthead_api")
for endpoint in (ArticlesAPIViewSet, SectionsAPIViewSet, AuthorsAPIViewSet, TagsAPIViewSet):
    api_router.register_endpoint(endpoint.name, endpoint)
