"""schema.org JSON-LD: NewsArticle, BreadcrumbList, WebSite with SearchAction, and the
ProfilePage/Person of an author.

The JSON is embedded in <script type="application/ld+json"> data blocks. "<", ">" and
"&" are written as \\u003c, \\u003e and \\u0026, so no headline can close the element
("</script>") or open a comment; JSON parsers read the escapes back as the characters.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from masthead.news import visibility
from masthead.news.models import ArticlePage, Author, Correction

from . import branding, images

CONTEXT = "https://schema.org"
JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
SEARCH_TERM = "search_term_string"


def to_json_ld(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(JSON_ESCAPES))  # noqa: S308 - markup characters escaped


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the newsroom's offset, as readers see the date on the page."""
    if value is None:
        return None
    return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()


def organization(absolute: Callable[[str], str]) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": branding.site_name(),
        "url": absolute("/"),
        "logo": branding.publisher_logo(absolute).as_image_object(),
    }


def person(author: Author, absolute: Callable[[str], str], *, detailed: bool = False) -> dict:
    data = {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
    if author.role:
        data["jobTitle"] = author.role
    if detailed:
        if author.bio:
            data["description"] = author.bio
        if author.photo is not None:
            photo = images.renditions(author.photo, images.PORTRAIT)[images.PORTRAIT]
            data["image"] = images.sized(photo, absolute).as_image_object()
        data["worksFor"] = {
            "@type": "Organization",
            "name": branding.site_name(),
            "url": absolute("/"),
        }
    return data


def news_article(
    *,
    article: ArticlePage,
    url: str,
    absolute: Callable[[str], str],
    authors: Iterable[Author],
    section_title: str | None,
    tag_names: Sequence[str],
    corrections: Sequence[Correction],
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.search_description or article.summary,
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.last_updated_at or article.published_at),
        "author": [person(author, absolute) for author in authors],
        "publisher": organization(absolute),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
    }
    data = {key: value for key, value in data.items() if value is not None}  # a preview
    if visibility.is_gated(article):
        data.update(members_only_parts())
    if article.hero_image is not None:
        found = images.renditions(article.hero_image, *images.STRUCTURED_DATA)
        data["image"] = [images.sized(found[s], absolute).as_image_object() for s in found]
    if section_title:
        data["articleSection"] = section_title
    if tag_names:
        data["keywords"] = list(tag_names)
    if corrections:
        data["correction"] = [correction_comment(c) for c in corrections]
    return data


def members_only_parts() -> dict[str, Any]:
    """Google's markup for content behind a registration wall or paywall: the article is
    not free, and its body (`.members-only`, the wall for readers who are not members) is
    the part behind it. What search engines crawl is the walled version; this tells them
    it is not cloaking."""
    return {
        "isAccessibleForFree": False,
        "hasPart": {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".members-only",
        },
    }


def correction_comment(correction: Correction) -> dict[str, Any]:
    """schema.org's `correction` of a CreativeWork, as a CorrectionComment; its `name`
    is the kind readers see (Correction, Clarification, Update)."""
    return {
        "@type": "CorrectionComment",
        "name": correction.get_kind_display(),
        "text": correction.text,
        "datePublished": iso(correction.date),
    }


def breadcrumbs(trail: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def website(absolute: Callable[[str], str]) -> dict[str, Any]:
    search = absolute(reverse("news:search"))
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": branding.site_name(),
        "url": absolute("/"),
        "publisher": organization(absolute),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{{SEARCH_TERM}}}"},
            "query-input": f"required name={SEARCH_TERM}",
        },
    }


def profile_page(author: Author, absolute: Callable[[str], str]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "url": absolute(author.get_absolute_url()),
        "mainEntity": person(author, absolute, detailed=True),
    }
