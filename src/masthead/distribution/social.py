"""What goes in <head> for the outside world: canonical URL, Open Graph and Twitter card
tags, feed discovery links and JSON-LD, worked out from a template's context.

Article pages reuse the byline, tags, corrections and section their view already loaded,
so the tags add no query that grows with the article.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from masthead.news.models import ArticlePage, HomePage, SectionPage
from masthead.news.selectors import section_for

from . import branding, images, structured_data
from .links import page_path

RSS, ATOM = "application/rss+xml", "application/atom+xml"
DESCRIPTION_LENGTH = 200


@dataclass
class HeadTags:
    canonical: str
    title: str
    description: str
    og_type: str = "website"
    image: images.SizedImage | None = None
    image_alt: str = ""
    twitter_card: str = "summary_large_image"
    og_extra: list[tuple[str, str]] = field(default_factory=list)
    feeds: list[dict[str, str]] = field(default_factory=list)
    json_ld: list[SafeString] = field(default_factory=list)
    site_name: str = ""
    locale: str = ""
    twitter_site: str = ""


def head_tags(context) -> HeadTags | None:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return None
    page = context.get("page")
    page = getattr(page, "specific", page)
    if isinstance(page, ArticlePage):
        tags = article_tags(context, page, request)
    elif isinstance(page, SectionPage):
        tags = section_tags(context, page, request)
    elif isinstance(page, HomePage):
        tags = home_tags(context, page, request)
    elif context.get("author") is not None:
        tags = author_tags(context, context["author"], request)
    elif context.get("tag") is not None:
        tags = topic_tags(context, context["tag"], request)
    else:
        tags = HeadTags(canonical="", title=branding.site_name(), description=tagline())
        tags.image = branding.share_image(request.build_absolute_uri)
    tags.site_name = branding.site_name()
    tags.locale = og_locale()
    tags.twitter_site = getattr(settings, "MASTHEAD_TWITTER_SITE", "")
    tags.feeds = site_feeds(request) + tags.feeds
    return tags


def tagline() -> str:
    return getattr(settings, "MASTHEAD_TAGLINE", "")


def og_locale() -> str:
    language, _, region = settings.LANGUAGE_CODE.partition("-")
    return f"{language}_{region.upper()}" if region else language


def short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)


def with_page_number(url: str, context) -> str:
    """Page 2 of a listing is its own canonical URL (it lists other articles)."""
    page_obj = context.get("page_obj")
    number = getattr(page_obj, "number", 1)
    return f"{url}?page={number}" if number and number > 1 else url


def feed_links(request: HttpRequest, kind: str, label: str, args=()) -> list[dict[str, str]]:
    absolute = request.build_absolute_uri
    return [
        {
            "type": mime,
            "title": f"{label} ({fmt.upper() if fmt == 'rss' else 'Atom'})",
            "href": absolute(reverse(f"distribution:{kind}-{fmt}", args=args)),
        }
        for fmt, mime in (("rss", RSS), ("atom", ATOM))
    ]


def site_feeds(request: HttpRequest) -> list[dict[str, str]]:
    return feed_links(request, "home", branding.site_name())


def article_tags(context, article: ArticlePage, request: HttpRequest) -> HeadTags:
    absolute = request.build_absolute_uri
    url = absolute(page_path(article, request))
    section = context.get("section") or section_for(article)
    byline = context.get("byline")
    if byline is None:
        byline = list(article.article_authors.select_related("author"))
    tag_list = context.get("article_tags")
    if tag_list is None:
        tag_list = list(article.tags.all())
    corrections = context.get("corrections_log")
    if corrections is None:
        corrections = list(article.corrections.all())
    authors = [link.author for link in byline]
    tags = HeadTags(
        canonical=url,
        title=article.seo_title or article.title,
        description=short(article.search_description or article.summary),
        og_type="article",
    )
    if article.hero_image is not None:
        share = images.renditions(article.hero_image, images.SHARE)[images.SHARE]
        tags.image = images.sized(share, absolute)
        tags.image_alt = article.hero_alt
    else:
        # A story without a picture (breaking news) shares with the site's own image.
        tags.image = branding.share_image(absolute)
    tags.og_extra = [
        ("article:published_time", structured_data.iso(article.published_at) or ""),
        (
            "article:modified_time",
            structured_data.iso(article.last_updated_at or article.published_at) or "",
        ),
        *(("article:author", absolute(a.get_absolute_url())) for a in authors),
        *((("article:section", section["title"]),) if section else ()),
        *(("article:tag", t.name) for t in tag_list),
    ]
    trail = [(branding.site_name(), absolute("/"))]
    if section:
        trail.append((section["title"], absolute(section["url"])))
    trail.append((article.title, url))
    tags.json_ld = [
        structured_data.to_json_ld(
            structured_data.news_article(
                article=article,
                url=url,
                absolute=absolute,
                authors=authors,
                section_title=section["title"] if section else None,
                tag_names=[t.name for t in tag_list],
                corrections=corrections,
            )
        ),
        structured_data.to_json_ld(structured_data.breadcrumbs(trail)),
    ]
    return tags


def section_tags(context, section: SectionPage, request: HttpRequest) -> HeadTags:
    absolute = request.build_absolute_uri
    url = absolute(page_path(section, request))
    tags = HeadTags(
        canonical=with_page_number(url, context),
        title=section.seo_title or section.title,
        description=short(section.search_description or section.intro or tagline()),
        image=branding.share_image(absolute),
        feeds=feed_links(
            request, "section", f"{section.title} — {branding.site_name()}", [section.slug]
        ),
    )
    trail = [(branding.site_name(), absolute("/")), (section.title, url)]
    tags.json_ld = [structured_data.to_json_ld(structured_data.breadcrumbs(trail))]
    return tags


def home_tags(context, home: HomePage, request: HttpRequest) -> HeadTags:
    absolute = request.build_absolute_uri
    return HeadTags(
        canonical=absolute("/"),
        title=branding.site_name(),
        description=short(home.search_description or tagline()),
        image=branding.share_image(absolute),
        json_ld=[structured_data.to_json_ld(structured_data.website(absolute))],
    )


def author_tags(context, author, request: HttpRequest) -> HeadTags:
    absolute = request.build_absolute_uri
    url = absolute(author.get_absolute_url())
    tags = HeadTags(
        canonical=with_page_number(url, context),
        title=author.name,
        description=short(author.bio or author.role or f"Articles by {author.name}"),
        og_type="profile",
        image=branding.share_image(absolute),
        feeds=feed_links(
            request, "author", f"{author.name} — {branding.site_name()}", [author.slug]
        ),
        json_ld=[structured_data.to_json_ld(structured_data.profile_page(author, absolute))],
    )
    if author.photo is not None:
        photo = images.renditions(author.photo, images.PORTRAIT)[images.PORTRAIT]
        tags.image, tags.image_alt, tags.twitter_card = (
            images.sized(photo, absolute),
            author.photo_alt,
            "summary",
        )
    return tags


def topic_tags(context, tag, request: HttpRequest) -> HeadTags:
    absolute = request.build_absolute_uri
    url = absolute(reverse("news:tag", args=[tag.slug]))
    return HeadTags(
        canonical=with_page_number(url, context),
        title=tag.name,
        description=f"Articles about {tag.name}.",
        image=branding.share_image(absolute),
        feeds=feed_links(request, "tag", f"{tag.name} — {branding.site_name()}", [tag.slug]),
    )
