"""Reads for feeds, sitemaps, the content API and webhooks. Constant queries per call."""

from datetime import datetime

from django.db.models import Exists, F, Max, OuterRef, Prefetch, QuerySet, Subquery
from taggit.models import Tag
from wagtail.models import Page, PageQuerySet

from masthead.news import visibility
from masthead.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    Author,
    HomePage,
    SectionPage,
)
from masthead.news.visibility import has_visible_page, visible_to_readers

from .models import Webhook


def published_articles(*, searchable: bool = False) -> PageQuerySet:
    """Articles readers may see (news/visibility.py) with hero image, renditions, byline
    and tags; newest first. `searchable`: in the form Wagtail's search takes (the API's
    ?search=)."""
    articles = ArticlePage.objects.all()
    articles = visibility.searchable(articles) if searchable else visible_to_readers(articles)
    return (
        articles.defer_streamfields()
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
    return visible_to_readers(SectionPage.objects.filter(slug=slug)).first()


def tag_by_slug(slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def author_by_slug(slug: str) -> Author | None:
    return Author.objects.filter(slug=slug).select_related("photo").first()


# --- sitemaps -------------------------------------------------------------------------


def sitemap_pages() -> PageQuerySet:
    """The home page and the sections: what a crawler reaches besides articles."""
    return visible_to_readers(Page.objects.type(HomePage, SectionPage)).order_by("path")


def visible_article_pages() -> PageQuerySet:
    """Visible articles as rows of the page table alone. On SQLite an article row keeps
    its body before its later columns (hero image): scanning or joining it reads every
    body, hundreds of megabytes at 100,000 articles."""
    from modelsearch.utils import get_descendants_content_types_pks

    articles = Page.objects.filter(
        content_type_id__in=get_descendants_content_types_pks(ArticlePage)
    )
    return visible_to_readers(articles)


def sitemap_article_rows(*, after: int, limit: int) -> list[dict]:
    """Rows, not pages, of the visible articles from the `after`-th on in id order (a
    page of the sitemap keeps its URLs as new articles are added): a keyset range. The
    id the range starts after is found by walking the page-id index in the same query;
    then at most `limit` rows are read from there, with their hero image's file."""
    visible = visible_article_pages().order_by("pk")
    rows = visible.values("pk", "url_path", "last_published_at")
    if after > 0:
        rows = rows.filter(pk__gt=Subquery(visible.values("pk")[after - 1 : after]))
    rows = list(rows[:limit])
    if rows:
        files = hero_files(first=rows[0]["pk"], last=rows[-1]["pk"])
        for row in rows:
            row["hero_image__file"] = files.get(row["pk"])
    return rows


def hero_files(*, first: int, last: int) -> dict[int, str]:
    """{article id: its hero image's file} for articles with ids from `first` to `last`,
    read from the hero-image index of the article table ("+ 0" keeps the id range off
    the table itself, whose rows hold the bodies), joined to the handful of images."""
    return dict(
        ArticlePage.objects.order_by()
        .annotate(key=F("pk") + 0)
        .filter(hero_image__isnull=False, key__gte=first, key__lte=last)
        .values_list("key", "hero_image__file")
    )


def sitemap_authors() -> QuerySet:
    """Authors with at least one article readers may see (an EXISTS per author, which
    stops at the first)."""
    return Author.objects.filter(has_visible_byline()).order_by("pk")


def has_visible_byline() -> Exists:
    bylines = ArticleAuthor.objects.filter(author=OuterRef("pk"))
    return Exists(bylines.filter(has_visible_page("page_id")))


def sitemap_tags() -> QuerySet:
    """Tags of at least one article readers may see (an EXISTS per tag)."""
    tagged = ArticleTag.objects.filter(tag=OuterRef("pk"))
    return Tag.objects.filter(
        Exists(tagged.filter(has_visible_page("content_object_id")))
    ).order_by("pk")


def news_sitemap_articles(*, since: datetime, limit: int) -> PageQuerySet:
    """Articles published since `since`, newest first (Google News reads the last 2 days)."""
    return (
        visible_to_readers(ArticlePage.objects.all())
        .defer_streamfields()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-pk")[:limit]
    )


def visible_articles() -> PageQuerySet:
    return visible_to_readers(ArticlePage.objects.all())


def visible_sections() -> PageQuerySet:
    return visible_to_readers(SectionPage.objects.all())


def tags_with_visible_articles() -> QuerySet:
    """Tags of at least one article readers may see: a tag of drafts or restricted
    articles alone could give a story away."""
    tagged = ArticleTag.objects.filter(has_visible_page("content_object_id")).values("tag_id")
    return Tag.objects.filter(pk__in=tagged)


def authors_with_visible_articles() -> QuerySet:
    bylines = ArticleAuthor.objects.filter(has_visible_page("page_id")).values("author_id")
    return Author.objects.filter(pk__in=bylines)


def latest_change(queryset: QuerySet, field: str) -> datetime | None:
    return queryset.order_by().aggregate(latest=Max(field))["latest"]


# --- webhooks -------------------------------------------------------------------------


def webhooks_for(*, event: str) -> list[Webhook]:
    # A newsroom has a handful of endpoints: filtering events in Python keeps the
    # JSON field portable (SQLite has no JSON containment lookup).
    return [w for w in Webhook.objects.filter(is_active=True) if w.wants(event)]
