"""Reads for feeds, sitemaps, the content API and webhooks. Constant queries per call."""

from datetime import datetime

from django.db.models import F, Max, Prefetch, QuerySet
from taggit.models import Tag
from wagtail.models import Page, PageQuerySet

from masthead.news.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage

from .models import Webhook


def published_articles() -> PageQuerySet:
    """Live, public articles with hero image, renditions, byline and tags; newest first."""
    return (
        ArticlePage.objects.live()
        .public()
        .defer_streamfields()
        .select_related("hero_image")
        .prefetch_related(
            "hero_image__renditions",
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            ),
            "tags",
        )
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
    )


def feed_articles(
    *,
    limit: int,
    section: SectionPage | None = None,
    tag: Tag | None = None,
    author: Author | None = None,
    with_body: bool = False,
) -> list[ArticlePage]:
    articles = published_articles()
    if with_body:
        articles = articles.defer(None)
    if section is not None:
        articles = articles.descendant_of(section)
    if tag is not None:
        articles = articles.filter(pk__in=tagged_article_ids(tag))
    if author is not None:
        articles = articles.filter(pk__in=authored_article_ids(author))
    return list(articles[:limit])


def tagged_article_ids(tag: Tag) -> QuerySet:
    return ArticlePage.objects.filter(tagged_items__tag=tag).values("pk")


def authored_article_ids(author: Author) -> QuerySet:
    return ArticleAuthor.objects.filter(author=author).values("page_id")


def section_by_slug(slug: str) -> SectionPage | None:
    return SectionPage.objects.live().public().filter(slug=slug).first()


def tag_by_slug(slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def author_by_slug(slug: str) -> Author | None:
    return Author.objects.filter(slug=slug).select_related("photo").first()


# --- sitemaps -------------------------------------------------------------------------


def sitemap_pages() -> PageQuerySet:
    """The home page and the sections: what a crawler reaches besides articles."""
    return Page.objects.live().public().type(HomePage, SectionPage).order_by("path")


def sitemap_articles() -> QuerySet:
    """Rows, not pages: a sitemap page lists up to 50,000 of them. In id order, so a
    page of the sitemap keeps its URLs as new articles are added."""
    return (
        ArticlePage.objects.live()
        .public()
        .order_by("pk")
        .values("pk", "url_path", "last_published_at", "hero_image__file")
    )


def sitemap_authors() -> QuerySet:
    """Authors with at least one live article, with the date of their latest one."""
    return (
        Author.objects.filter(article_links__page__live=True)
        .annotate(lastmod=Max("article_links__page__last_published_at"))
        .order_by("pk")
    )


def sitemap_tags() -> QuerySet:
    return (
        Tag.objects.filter(news_articletag_items__content_object__live=True)
        .annotate(lastmod=Max("news_articletag_items__content_object__last_published_at"))
        .order_by("pk")
    )


def news_sitemap_articles(*, since: datetime, limit: int) -> PageQuerySet:
    """Articles published since `since`, newest first (Google News reads the last 2 days)."""
    return (
        ArticlePage.objects.live()
        .public()
        .defer_streamfields()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-pk")[:limit]
    )


def latest_change(queryset: QuerySet, field: str) -> datetime | None:
    return queryset.order_by().aggregate(latest=Max(field))["latest"]


# --- webhooks -------------------------------------------------------------------------


def webhooks_for(*, event: str) -> list[Webhook]:
    # A newsroom has a handful of endpoints: filtering events in Python keeps the
    # JSON field portable (SQLite has no JSON containment lookup).
    return [w for w in Webhook.objects.filter(is_active=True) if w.wants(event)]
