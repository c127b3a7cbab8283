"""Sitemaps: an index of paged sitemaps (pages, articles with their images, authors,
topics) and the Google News sitemap of the last two days' articles.

Built on django.contrib.sitemaps. Each page of a sitemap runs a constant number of
queries: articles come as plain rows with their hero image in one join, authors and
topics with the date of their latest article in one aggregate. Pages are written with
an XML generator, not a template: about 0.05 ms a URL (a full page of 50,000 in a few
seconds) where page objects and a template took five times as long.
"""

from datetime import timedelta
from io import StringIO
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag
from wagtail.images import get_image_model

from masthead.core.xml import XmlSafeGenerator, xml_text
from masthead.news.models import Author

from . import branding, selectors
from .links import UrlPathResolver, page_path

MAX_URLS = 50_000  # the sitemaps.org limit per file
NEWS_MAX_URLS = 1_000  # Google News reads at most 1,000 URLs per news sitemap


def urls_per_sitemap() -> int:
    return max(1, min(MAX_URLS, int(getattr(settings, "MASTHEAD_SITEMAP_LIMIT", MAX_URLS))))


class PagedSitemap(Sitemap):
    # Set by the view: Wagtail remembers the site root paths on the request, so page URLs
    # cost no cache lookup each (50,000 of them make a difference).
    request = None

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
        return page_path(page, self.request)

    def lastmod(self, page):
        return page.sitemap_lastmod

    def get_latest_lastmod(self):
        return selectors.latest_change(selectors.visible_articles(), "last_published_at")


def latest_article_by_prefix(length: int) -> dict[str, Any]:
    """{tree path prefix of `length` (a section): latest publication of an article in it
    that readers may see}."""
    rows = (
        selectors.visible_articles()
        .annotate(prefix=Substr("path", 1, length))
        .values("prefix")
        .annotate(latest=Max("last_published_at"))
        .order_by()
    )
    return {row["prefix"]: row["latest"] for row in rows}


class ArticleSitemap(PagedSitemap):
    def items(self):
        return selectors.sitemap_articles()

    @cached_property
    def resolve(self) -> UrlPathResolver:
        return UrlPathResolver()

    @cached_property
    def image_storage(self):
        return get_image_model()._meta.get_field("file").storage

    def location(self, row: dict) -> str:
        return self.resolve(row["url_path"])

    def lastmod(self, row: dict):
        return row["last_published_at"]

    def image_urls(self, row: dict) -> list[str]:
        # The original: image sitemaps want the largest version Google may index.
        name = row["hero_image__file"]
        return [self.image_storage.url(name)] if name else []

    def get_latest_lastmod(self):
        return selectors.latest_change(selectors.visible_articles(), "last_published_at")


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


def w3c_datetime(value) -> str:
    return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()


def write_urlset(urls: list[dict[str, Any]]) -> str:
    """A <urlset> with <loc>, <lastmod> and image entries (escaping by the XML writer)."""
    out = StringIO()
    xml = XmlSafeGenerator(out, "utf-8")
    xml.startDocument()
    xml.startElement("urlset", {"xmlns": SITEMAP_NS, "xmlns:image": IMAGE_NS})
    for url in urls:
        xml.startElement("url", {})
        xml.addQuickElement("loc", url["location"])
        if url.get("lastmod"):
            xml.addQuickElement("lastmod", w3c_datetime(url["lastmod"]))
        for image in url.get("images", ()):
            xml.startElement("image:image", {})
            xml.addQuickElement("image:loc", image)
            xml.endElement("image:image")
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return out.getvalue()
