from django import template
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from masthead.core.invalidation import tag_page

from .. import images
from ..blocks import sanitise_rich_text
from ..typography import smarten, smarten_html

register = template.Library()


@register.simple_tag
def responsive_picture(
    image, kind: str, alt: str, loading: str = "lazy", css_class: str = "", sizes: str = ""
):
    """A <picture> with WebP and JPEG sources, srcset, width and height; `sizes` names
    another entry of images.SIZES when the picture is laid out otherwise than its kind."""
    if image is None:
        return ""
    attrs = {"alt": alt, "loading": loading, "decoding": "async"}
    if sizes:
        attrs["sizes"] = images.SIZES[sizes]
    if css_class:
        attrs["class"] = css_class
    if loading == "eager":
        attrs["fetchpriority"] = "high"
    return images.picture_html(image, kind, attrs)


@register.simple_tag
def card(article, size: str = "standard", loading: str = "lazy"):
    """news/includes/card.html for `article`, rendered once per card object.

    A card's HTML depends on nothing but the article, the size and the loading hint.
    Cards from news.selectors.cards_by_id are shared by every request until the next
    publish (CardStore), so each is rendered once per publish, not once per page.
    """
    tag_page(article.pk)  # the page it is rendered in shows this article (core/invalidation.py)
    memo = article.__dict__.setdefault("_card_html", {})
    # Dates are formatted in the active time zone and language, which Wagtail's admin
    # switches to the editor's own while it renders a preview.
    key = (size, loading, get_language(), timezone.get_current_timezone_name())
    html = memo.get(key)
    if html is None:
        context = {"article": article, "size": size, "loading": loading}
        html = memo[key] = render_to_string("news/includes/card.html", context)
    return html


@register.simple_tag
def card_url(article) -> str:
    """`article.url`, worked out once per card object (see `card`)."""
    tag_page(article.pk)
    memo = article.__dict__.setdefault("_card_html", {})
    url = memo.get("url")
    if url is None:
        url = memo["url"] = article.url
    return url


@register.filter
def safe_richtext(value) -> str:
    """Rich text through the whitelist, with typographic quotes and dashes in its text."""
    html = value.__html__() if hasattr(value, "__html__") else str(value)
    return mark_safe(smarten_html(sanitise_rich_text(html)))  # noqa: S308


@register.filter
def typographic(value) -> str:
    """Curly quotes, apostrophes and dashes in plain text (headlines, standfirsts,
    captions); Django escapes the result as usual. HTML already marked safe is
    changed in its text nodes only."""
    if value is None or value == "":
        return ""
    if isinstance(value, SafeData):
        return mark_safe(smarten_html(str(value)))  # noqa: S308 - text nodes only
    return smarten(str(value))


# The query parameters listing pages read besides `page`: the search words. Anything else
# in the address (utm_source, fbclid, ...) is left out of the links, because the page cache
# keys a page on `page`, `q` and `before` only (MASTHEAD_PAGE_CACHE_QUERY_PARAMS): a link
# copying the whole query string would store one visitor's parameters in the page served
# to everyone.
LISTING_PARAMS = ("q",)


@register.simple_tag(takes_context=True)
def pagination_url(context, page: int, before: str = "") -> str:
    """`?page=N`, keeping the search words and nothing else from the current address;
    with `before` (an "Older" link's cursor, news/keyset.py) the next page starts there."""
    query = QueryDict(mutable=True)
    for name in LISTING_PARAMS:
        value = context["request"].GET.get(name)
        if value:
            query[name] = value
    query["page"] = page
    if before:
        query["before"] = before
    return "?" + query.urlencode()
