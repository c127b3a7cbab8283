"""Reads for the public news pages. Every function runs a constant number of queries."""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber, Substr
from wagtail.models import Page, PageQuerySet

from .models import ArticleAuthor, ArticlePage, Author, SectionPage

NAV_CACHE_KEY = "masthead:nav-sections"
SECTION_BLOCK_SIZE = 3


def article_cards_queryset() -> PageQuerySet:
    """Live articles with everything a card shows (image, renditions, byline), newest first."""
    return (
        ArticlePage.objects.live()
        .select_related("hero_image")
        .prefetch_related(
            "hero_image__renditions",
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            ),
        )
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
    )


def nav_sections() -> list[dict[str, Any]]:
    """Sections shown in the site navigation; cached, invalidated on publish."""
    sections = cache.get(NAV_CACHE_KEY)
    if sections is None:
        sections = [
            {"id": s.pk, "title": s.title, "url": s.url, "path": s.path}
            for s in SectionPage.objects.live().order_by("path")
        ]
        cache.set(NAV_CACHE_KEY, sections, 300)
    return sections


def section_for(page: Page) -> dict[str, Any] | None:
    """The navigation entry of the section a page lives in, without a query."""
    for section in nav_sections():
        if page.path.startswith(section["path"]):
            return section
    return None


def home_context() -> dict[str, Any]:
    from masthead.audience.selectors import most_popular
    from masthead.curation.selectors import editors_picks

    latest = list(article_cards_queryset()[:5])
    return {
        "lead": latest[0] if latest else None,
        "top_stories": latest[1:],
        "section_blocks": section_blocks(exclude_ids=[a.pk for a in latest]),
        "most_popular": most_popular(limit=settings.MASTHEAD_MOST_POPULAR_LIMIT),
        "editors_picks": editors_picks(limit=settings.MASTHEAD_EDITORS_PICKS_LIMIT),
    }


def section_blocks(*, exclude_ids: list[int]) -> list[dict[str, Any]]:
    """The latest few articles of every section, in one query (a window per section)."""
    sections = nav_sections()
    if not sections:
        return []
    prefix_length = len(sections[0]["path"])
    ranked = (
        article_cards_queryset()
        .exclude(pk__in=exclude_ids)
        .annotate(
            section_path=Substr("path", 1, prefix_length),
            rank=Window(
                RowNumber(),
                partition_by=Substr("path", 1, prefix_length),
                order_by=[F("published_at").desc(nulls_last=True), F("pk").desc()],
            ),
        )
        .filter(rank__lte=SECTION_BLOCK_SIZE)
    )
    by_section: dict[str, list[ArticlePage]] = {}
    for article in ranked:
        by_section.setdefault(article.section_path, []).append(article)
    return [
        {"section": s, "articles": by_section[s["path"]]}
        for s in sections
        if by_section.get(s["path"])
    ]


def article_context(article: ArticlePage) -> dict[str, Any]:
    from masthead.audience.selectors import most_popular
    from masthead.curation.selectors import editors_picks
    from masthead.narration.selectors import playable_narration

    section = section_for(article)
    return {
        "section": section,
        "current_section_id": section["id"] if section else None,
        "byline": list(article.article_authors.select_related("author", "author__photo")),
        "article_tags": list(article.tags.all()),
        "corrections_log": list(article.corrections.all()),
        "narration": playable_narration(article_id=article.pk) if article.narrate else None,
        "most_popular": most_popular(
            limit=settings.MASTHEAD_MOST_POPULAR_LIMIT, exclude_id=article.pk
        ),
        "editors_picks": editors_picks(
            limit=settings.MASTHEAD_EDITORS_PICKS_LIMIT, exclude_id=article.pk
        ),
    }


def articles_by_author(author: Author) -> QuerySet:
    return article_cards_queryset().filter(article_authors__author=author).distinct()


def articles_by_tag(slug: str) -> QuerySet:
    return article_cards_queryset().filter(tags__slug=slug).distinct()
