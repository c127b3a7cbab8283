"""RSS 2.0 and Atom feeds of the home page, each section, each tag and each author.

Each item carries every author, the section and tags as categories, the hero image as
media:content, the publication and substantive-update dates, and either the summary or
the full body (`MASTHEAD_FEED_CONTENT`). Per-request data is prepared in `items()` and
stored on the items, because one Feed instance serves every request (thread-safe).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from masthead.core.xml import XmlSafeFeed
from masthead.news.models import ArticlePage
from masthead.news.selectors import section_for

from . import branding, images, selectors
from .body_html import bodies_html
from .links import page_path

MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"


def full_content() -> bool:
    return getattr(settings, "MASTHEAD_FEED_CONTENT", "summary") == "full"


def feed_size() -> int:
    return int(getattr(settings, "MASTHEAD_FEED_ITEMS", 30))


def add_media_content(handler, image: images.SizedImage | None, credit: str) -> None:
    # No media:description (the alt text): feedparser, and the readers built on it,
    # take it for the entry's content and would show it instead of the summary.
    if image is None:
        return
    size = {"width": str(image.width), "height": str(image.height)}
    handler.startElement(
        "media:content", {"url": image.url, "medium": "image", "type": "image/jpeg", **size}
    )
    if credit:
        handler.addQuickElement("media:credit", credit)
    handler.endElement("media:content")


class NewsRssFeed(XmlSafeFeed, Rss201rev2Feed):
    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:media": MEDIA_NS,
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:dcterms": DCTERMS_NS,
        }

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        logo = self.feed["logo"]
        handler.startElement("image", {})
        handler.addQuickElement("url", logo.url)
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.endElement("image")

    def add_item_elements(self, handler, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("dcterms:modified", item["updateddate"].isoformat())
        if item["content"]:
            handler.addQuickElement("content:encoded", item["content"])
        add_media_content(handler, item["image"], item["image_credit"])


class NewsAtomFeed(XmlSafeFeed, Atom1Feed):
    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        handler.addQuickElement("logo", self.feed["logo"].url)

    def add_item_elements(self, handler, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})
        add_media_content(handler, item["image"], item["image_credit"])


FEED_TYPES = {"rss": NewsRssFeed, "atom": NewsAtomFeed}


@dataclass(frozen=True)
class FeedScope:
    request: HttpRequest
    kind: str  # home | section | tag | author
    obj: Any
    title: str
    link: str
    description: str


class ArticleFeed(Feed):
    """One feed view per (scope, format); see urls.py."""

    def __init__(self, kind: str, fmt: str) -> None:
        super().__init__()
        self.kind, self.fmt = kind, fmt
        self.feed_type = FEED_TYPES[fmt]

    def get_object(self, request: HttpRequest, slug: str | None = None) -> FeedScope:
        site = branding.site_name()
        if self.kind == "home":
            tagline = getattr(settings, "MASTHEAD_TAGLINE", "")
            return FeedScope(request, "home", None, site, "/", tagline or site)
        finder = {
            "section": selectors.section_by_slug,
            "tag": selectors.tag_by_slug,
            "author": selectors.author_by_slug,
        }[self.kind]
        obj = finder(slug)
        if obj is None:
            raise Http404(f"No {self.kind} called {slug!r}")
        if self.kind == "section":
            link, title = page_path(obj, request), obj.title
            description = obj.search_description or obj.intro or f"{obj.title} from {site}"
        elif self.kind == "tag":
            link, title = reverse("news:tag", args=[obj.slug]), obj.name
            description = f"Articles about {obj.name} from {site}"
        else:
            link, title = obj.get_absolute_url(), obj.name
            description = f"Articles by {obj.name} for {site}"
        return FeedScope(request, self.kind, obj, f"{title} — {site}", link, description)

    def title(self, scope: FeedScope) -> str:
        return scope.title

    def link(self, scope: FeedScope) -> str:
        return scope.link

    def description(self, scope: FeedScope) -> str:
        # RSS readers render the channel description as HTML (feedparser does): the
        # plain text (an author's name, a section's intro) is escaped, as item
        # descriptions are. Atom's subtitle is a text construct and stays as typed.
        return escape(scope.description)

    def subtitle(self, scope: FeedScope) -> str:
        return scope.description

    def feed_url(self, scope: FeedScope) -> str:
        name = f"distribution:{self.kind}-{self.fmt}"
        args = [] if scope.obj is None else [scope.obj.slug]
        return reverse(name, args=args)

    def author_name(self, scope: FeedScope) -> str:
        return branding.site_name()

    def feed_extra_kwargs(self, scope: FeedScope) -> dict[str, Any]:
        return {"logo": branding.publisher_logo(scope.request.build_absolute_uri)}

    def items(self, scope: FeedScope) -> list[ArticlePage]:
        full = full_content()
        articles = selectors.feed_articles(
            limit=feed_size(),
            section=scope.obj if scope.kind == "section" else None,
            tag=scope.obj if scope.kind == "tag" else None,
            author=scope.obj if scope.kind == "author" else None,
            with_body=full,
        )
        bodies = bodies_html(articles, scope.request) if full else {}
        for article in articles:
            prepare_item(article, scope.request, bodies.get(article.pk))
        return articles

    def item_title(self, article: ArticlePage) -> str:
        return article.title

    def item_link(self, article: ArticlePage) -> str:
        return article.feed["link"]

    def item_description(self, article: ArticlePage) -> str:
        return escape(article.summary)  # plain text inside an HTML-typed element

    def item_guid(self, article: ArticlePage) -> str:
        return article.feed["guid"]

    item_guid_is_permalink = False

    def item_pubdate(self, article: ArticlePage):
        return article.published_at

    def item_updateddate(self, article: ArticlePage):
        # Atom's <updated>: the last change the publisher considers significant.
        return article.last_updated_at or article.published_at

    def item_categories(self, article: ArticlePage) -> list[str]:
        return article.feed["categories"]

    def item_extra_kwargs(self, article: ArticlePage) -> dict[str, Any]:
        return {
            "authors": article.feed["authors"],
            "content": article.feed["content"],
            "image": article.feed["image"],
            "image_credit": article.hero_credit,
        }


def prepare_item(article: ArticlePage, request: HttpRequest, content: str | None) -> None:
    absolute = request.build_absolute_uri
    section = section_for(article)
    image = None
    if article.hero_image is not None:
        rendition = images.renditions(article.hero_image, images.WIDE)[images.WIDE]
        image = images.sized(rendition, absolute)
    first = article.first_published_at or article.published_at
    article.feed = {
        "link": absolute(page_path(article, request)),
        "guid": f"tag:{request.get_host().split(':')[0]},{first:%Y-%m-%d}:article:{article.pk}",
        "categories": ([section["title"]] if section else [])
        + [t.name for t in article.tags.all()],
        "authors": [
            (link.author.name, absolute(link.author.get_absolute_url()))
            for link in article.article_authors.all()
        ],
        "content": content,
        "image": image,
    }
