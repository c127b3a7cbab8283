"""Sitemaps: an index of paged sitemaps (pages, articles with their images, authors,
topics) and the Google News sitemap of the last two days' articles.

Every file costs about the same at 100,000 articles as at 100 (bench/search_scale.py,
docs/scale.md), in a constant number of queries:

- **The index** counts and dates in one aggregate over the visible articles (no join,
  no per-author or per-topic aggregate); the author and topic sitemaps are counted by
  an EXISTS per author or tag, which stops at its first visible article.
- **A page of articles** is a keyset range: the id its page starts after is found by
  walking the page-id index, then the page's rows are read from there as plain values
  (`.values()`: path, date, hero image file), never as page objects.
- **Writing** is string formatting of already-escaped pieces (a few microseconds a URL);
  each hero image's URL and the site's URL prefix are worked out once per file.
- **Size**: `MASTHEAD_SITEMAP_LIMIT` URLs a file, 5,000 by default (the protocol allows
  50,000; a file of 5,000 stays under 200 ms to build on a busy machine).
"""

from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from masthead.core.xml import NOT_XML_CHARACTERS, xml_text
from masthead.news.models import Author

from . import branding, selectors
from .links import UrlPathResolver, page_path

MAX_URLS = 50_000  # the sitemaps.org limit per file
DEFAULT_URLS = 5_000
NEWS_MAX_URLS = 1_000  # Google News reads at most 1,000 URLs per news sitemap


def urls_per_sitemap() -> int:
    return max(1, min(MAX_URLS, int(getattr(settings, "MASTHEAD_SITEMAP_LIMIT", DEFAULT_URLS))))


def files_for(count: int) -> int:
    return -(-count // urls_per_sitemap())


class ArticleStats:
    """How many articles readers may see and the latest publication among them: one
    aggregate, shared by the index's entries."""

    def __init__(self) -> None:
        row = (
            selectors.visible_article_pages()
            .order_by()
            .aggregate(count=Count("pk"), latest=Max("last_published_at"))
        )
        self.count, self.latest = row["count"], row["latest"]


class PageSitemap:
    """The home page and the sections; each changes when an article in it is published."""

    def files(self, stats: ArticleStats) -> tuple[int, Any]:
        return (1 if selectors.sitemap_pages().exists() else 0), stats.latest

    def urls(self, request, number: int) -> list[dict[str, Any]]:
        pages = list(selectors.sitemap_pages()) if number == 1 else []
        if not pages:
            return []
        latest = latest_article_by_prefix(len(max(pages, key=lambda p: p.depth).path))
        urls = []
        for page in pages:
            dates = [page.last_published_at] + [
                date for prefix, date in latest.items() if prefix.startswith(page.path)
            ]
            lastmod = max((d for d in dates if d is not None), default=None)
            urls.append({"location": page_path(page, request), "lastmod": lastmod})
        return urls


def latest_article_by_prefix(length: int) -> dict[str, Any]:
    """{tree path prefix of `length` (a section): latest publication of an article in it
    that readers may see}."""
    rows = (
        selectors.visible_article_pages()
        .annotate(prefix=Substr("path", 1, length))
        .values("prefix")
        .annotate(latest=Max("last_published_at"))
        .order_by()
    )
    return {row["prefix"]: row["latest"] for row in rows}


class ArticleSitemap:
    def files(self, stats: ArticleStats) -> tuple[int, Any]:
        return files_for(stats.count), stats.latest

    def urls(self, request, number: int) -> list[dict[str, Any]]:
        limit = urls_per_sitemap()
        rows = selectors.sitemap_article_rows(after=(number - 1) * limit, limit=limit)
        resolve = UrlPathResolver()
        images = ImageUrls()
        return [
            {
                "location": resolve(row["url_path"]),
                "lastmod": row["last_published_at"],
                "images": images(row["hero_image__file"]),
            }
            for row in rows
        ]


class ImageUrls:
    """The original image's URL (image sitemaps want the largest version Google may
    index), worked out once per file: seeded archives reuse a handful of images."""

    def __init__(self) -> None:
        from wagtail.images import get_image_model

        self.storage = get_image_model()._meta.get_field("file").storage
        self.known: dict[str, list[str]] = {}

    def __call__(self, name: str | None) -> list[str]:
        if not name:
            return []
        if name not in self.known:
            self.known[name] = [self.storage.url(name)]
        return self.known[name]


class MemberSitemap:
    """Authors or topics with at least one article readers may see. Without <lastmod>
    (the protocol makes it optional): the date of each one's latest article is an
    aggregate over every byline or tagging, seconds at 100,000 articles."""

    def rows(self) -> QuerySet:
        raise NotImplementedError

    def location(self, item) -> str:
        raise NotImplementedError

    def files(self, stats: ArticleStats) -> tuple[int, Any]:
        # The latest article's date stands for the file's: any publication may add an
        # author or a topic to it.
        count = self.rows().count()
        return files_for(count), (stats.latest if count else None)

    def urls(self, request, number: int) -> list[dict[str, Any]]:
        limit = urls_per_sitemap()
        start = (number - 1) * limit
        return [{"location": self.location(i)} for i in self.rows()[start : start + limit]]


class AuthorSitemap(MemberSitemap):
    def rows(self):
        return selectors.sitemap_authors()

    def location(self, author: Author) -> str:
        return author.get_absolute_url()


class TagSitemap(MemberSitemap):
    def rows(self):
        return selectors.sitemap_tags()

    def location(self, tag: Tag) -> str:
        return reverse("news:tag", args=[tag.slug])


SITEMAPS: dict[str, type] = {
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


def news_entries(request) -> list[dict[str, Any]]:
    since = timezone.now() - news_window()
    articles = selectors.news_sitemap_articles(since=since, limit=NEWS_MAX_URLS)
    return [
        {
            "loc": request.build_absolute_uri(page_path(article, request)),
            "publication_date": article.published_at,
            "title": xml_text(article.title),  # the template cannot drop them
        }
        for article in articles
    ]


def news_publication() -> dict[str, str]:
    return {"name": xml_text(branding.site_name()), "language": news_language()}


# --- writing -----------------------------------------------------------------------------

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"


def write_urlset(urls: list[dict[str, Any]], prefix: str) -> str:
    """A <urlset> with <loc>, <lastmod> and image entries; `prefix` ("https://host") goes
    before root-relative locations. Text is cleaned of what XML cannot carry and escaped."""
    zone = timezone.get_current_timezone()
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f"<urlset xmlns={quoteattr(SITEMAP_NS)} xmlns:image={quoteattr(IMAGE_NS)}>",
    ]
    add = parts.append
    images: dict[str, str] = {}  # a handful of hero images, each written many times
    for url in urls:
        add(f"<url><loc>{_absolute(url['location'], prefix)}</loc>")
        lastmod = url.get("lastmod")
        if lastmod:
            local = lastmod.astimezone(zone) if timezone.is_aware(lastmod) else lastmod
            add(f"<lastmod>{local.isoformat()}</lastmod>")
        for image in url.get("images", ()):
            if image not in images:
                images[image] = _absolute(image, prefix)
            add(f"<image:image><image:loc>{images[image]}</image:loc></image:image>")
        add("</url>")
    add("</urlset>")
    return "".join(parts)


def _absolute(location: str, prefix: str) -> str:
    if location.startswith("/"):
        location = prefix + location
    return escape(xml_text(location) if NOT_XML_CHARACTERS.search(location) else location)
