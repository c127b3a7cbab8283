"""Article bodies as plain, safe HTML for feed readers and API consumers.

Feed readers drop <picture>, srcset, classes and relative URLs, so bodies are rendered
here rather than with the site's block templates: one <img> per image, absolute links.
Every body of a feed is converted together (StreamBlock.bulk_to_python) and every
rich-text link expanded in one pass, so a feed of 50 articles costs the same queries
as a feed of 5.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

from masthead.news import visibility
from masthead.news.blocks import sanitise_embed, sanitise_rich_text
from masthead.news.models import ArticlePage

from .images import BODY
from .links import absolutize_html, page_path

SEPARATOR = "\x00masthead-fragment\x00"
NOTE_LABELS = {"verification": "Verification", "update": "Update"}


def bodies_html(articles: Iterable[ArticlePage], request: HttpRequest) -> dict[int, str]:
    """{article id: body HTML} for all the articles, in a constant number of queries.
    A members-only article gives its preview only (news/visibility.py): feeds and the
    API are read by machines that are nobody's membership."""
    absolute = request.build_absolute_uri
    articles = list(articles)
    stream_block = ArticlePage._meta.get_field("body").stream_block
    streams = stream_block.bulk_to_python([list(a.body.raw_data) for a in articles])
    gated = visibility.gated_ids(articles)
    streams = [
        visibility.preview_blocks(stream) if article.pk in gated else stream
        for article, stream in zip(articles, streams, strict=True)
    ]
    rich = _expand_all(
        [
            block.value if block.block_type == "paragraph" else block.value["text"]
            for stream in streams
            for block in stream
            if block.block_type in ("paragraph", "editors_note")
        ]
    )
    html = {}
    for article, stream in zip(articles, streams, strict=True):
        parts = [_render(block, rich, request) for block in stream]
        html[article.pk] = absolutize_html("\n".join(p for p in parts if p), absolute)
    return html


def _expand_all(values: list) -> dict[int, str]:
    """Expand internal links of every rich-text value at once: {id(value): html}."""
    if not values:
        return {}
    joined = expand_db_html(SEPARATOR.join(v.source for v in values))
    return {
        id(v): sanitise_rich_text(h) for v, h in zip(values, joined.split(SEPARATOR), strict=True)
    }


def _render(block, rich: dict[int, str], request: HttpRequest) -> str:
    kind, value = block.block_type, block.value
    absolute = request.build_absolute_uri
    if kind == "paragraph":
        return rich[id(value)]
    if kind == "heading":
        return format_html("<h2>{}</h2>", value)
    if kind == "image":
        return _image(value, absolute)
    if kind == "pull_quote":
        cite = (
            format_html("<footer>— {}</footer>", value["attribution"])
            if value["attribution"]
            else ""
        )
        return format_html("<blockquote><p>{}</p>{}</blockquote>", value["quote"], cite)
    if kind == "editors_note":
        label = NOTE_LABELS.get(value["kind"], "Editor’s note")
        return format_html(
            "<aside><p><strong>{}</strong></p>{}</aside>", label, _safe(rich[id(value["text"])])
        )
    if kind == "related":
        return _related(value["article"], request)
    if kind == "embed":
        return _safe(sanitise_embed(value["html"]))
    if kind == "list":
        tag = "ol" if value["ordered"] else "ul"
        items = format_html_join("", "<li>{}</li>", ((item,) for item in value["items"]))
        return format_html("<{}>{}</{}>", tag, items, tag)
    return ""


def _safe(html: str):
    return mark_safe(html)  # noqa: S308 - already sanitised with nh3


def _image(value, absolute: Callable[[str], str]) -> str:
    image = value.get("image")
    if image is None:
        return ""
    rendition = image.get_rendition(BODY)
    caption = " ".join(t for t in (value.get("caption"), value.get("credit")) if t)
    return format_html(
        '<figure><img src="{}" width="{}" height="{}" alt="{}">{}</figure>',
        absolute(rendition.url),
        rendition.width,
        rendition.height,
        value["alt"],
        format_html("<figcaption>{}</figcaption>", caption) if caption else "",
    )


def _related(article, request: HttpRequest) -> str:
    # Cards of drafts and restricted articles are not shown (news/blocks.py marks them).
    if article is None or not article.live or getattr(article, "hidden_from_readers", False):
        return ""
    url = request.build_absolute_uri(page_path(article, request))
    return format_html('<p>Read also: <a href="{}">{}</a></p>', url, article.title)
