"""Sitemaps: an index of paged sitemaps (pages, articles with their images, authors,
topics) and the Google News sitemap of the last two days' articles.

Built on django.contrib.sitemaps. Each page of a sitemap runs a constant number of
queries: articles come with their hero image in one join, authors and topics with the
date of their latest article in one aggregate.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from masthead.news.models import ArticlePage, Author

from . import branding, selectors
from .links import page_path

MAX_URLS = 50_000  # the sitemaps.org limit per file
NEWS_MAX_URLS = 1_000  # Google News reads at most 1,000 URLs per news sitemap


def urls_per_sitemap() -> int:
    return max(1, min(MAX_URLS, int(getattr(settings, "MASTHEAD_SITEMAP_LIMIT", MAX_URLS))))


class PagedSitemap(Sitemap):
    @property
    def limit(self) -> int:
        return urls_per_sitemap()

    def image_urls(self, item) -> list[str]:
        return []

    def _urls(self, page, protocol, domain) -> list[dict[str, Any]]:
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["images"] = [
                f"{protocol}://{domain}{src}" if src.startswith("/") else src
                for src in self.image_urls(url["item"])
            ]
        return urls


class PageSitemap(PagedSitemap):
    """The home page and the sections; each changes when an article in it is published."""

    def items(self) -> list:
        pages = list(selectors.sitemap_pages())
        if not pages:
            return pages
        latest = latest_article_by_prefix(len(max(pages, key=lambda p: p.depth).path))
        for page in pages:
            dates = [page.last_published_at] + [
                date for prefix, date in latest.items() if prefix.startswith(page.path)
            ]
            page.sitemap_lastmod = max((d for d in dates if d is not None), default=None)
        return pages

    def location(self, page) -> str:
        return page_path(page)

    def lastmod(self, page):
        return page.sitemap_lastmod

    def get_latest_lastmod(self):
        return selectors.latest_change(ArticlePage.objects.live(), "last_published_at")


def latest_article_by_prefix(length: int) -> dict[str, Any]:
    """{tree path prefix of `length` (a section): latest publication of an article in it}."""
    rows = (
        ArticlePage.objects.live()
        .annotate(prefix=Substr("path", 1, length))
        .values("prefix")
        .annotate(latest=Max("last_published_at"))
        .order_by()
    )
    return {row["prefix"]: row["latest"] for row in rows}


class ArticleSitemap(PagedSitemap):
    def items(self):
        return selectors.sitemap_articles()

    def location(self, article) -> str:
        return page_path(article)

    def lastmod(self, article):
        return article.last_published_at

    def image_urls(self, article) -> list[str]:
        # The original: image sitemaps want the largest version Google may index.
        return [article.hero_image.file.url] if article.hero_image_id else []

    def get_latest_lastmod(self):
        return selectors.latest_change(ArticlePage.objects.live(), "last_published_at")


class AuthorSitemap(PagedSitemap):
    def items(self):
        return selectors.sitemap_authors()

    def location(self, author: Author) -> str:
        return author.get_absolute_url()

    def lastmod(self, author: Author):
        return author.lastmod

    def get_latest_lastmod(self):
        return selectors.latest_change(selectors.sitemap_authors(), "lastmod")


class TagSitemap(PagedSitemap):
    def items(self):
        return selectors.sitemap_tags()

    def location(self, tag: Tag) -> str:
        return reverse("news:tag", args=[tag.slug])

    def lastmod(self, tag: Tag):
        return tag.lastmod

    def get_latest_lastmod(self):
        return selectors.latest_change(selectors.sitemap_tags(), "lastmod")


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "topics": TagSitemap,
}


# --- Google News ------------------------------------------------------------------------


def news_language() -> str:
    """ISO 639 code Google News expects: "en" for en-us; zh-cn and zh-tw are kept whole."""
    code = getattr(settings, "MASTHEAD_NEWS_LANGUAGE", "") or settings.LANGUAGE_CODE
    code = code.lower()
    return code if code in ("zh-cn", "zh-tw") else code.split("-")[0]


def news_window() -> timedelta:
    return timedelta(hours=int(getattr(settings, "MASTHEAD_NEWS_SITEMAP_HOURS", 48)))


def news_entries(absolute) -> list[dict[str, Any]]:
    since = timezone.now() - news_window()
    articles = selectors.news_sitemap_articles(since=since, limit=NEWS_MAX_URLS)
    return [
        {
            "loc": absolute(page_path(article)),
            "publication_date": article.published_at,
            "title": article.title,
        }
        for article in articles
    ]


def news_publication() -> dict[str, str]:
    return {"name": branding.site_name(), "language": news_language()}
