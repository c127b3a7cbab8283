"""The rich text editor, tolerant of stored HTML it cannot represent.

Draftail's converter (wagtail.admin.rich_text.converters.contentstate) parses the
stored HTML with a stack that expects every tag to be closed; an `<img>` (or any void
element other than `<br/>`) inside a paragraph, as an import or an old system may have
written, fails an assertion and the article's edit page answered 500. Such HTML is
reduced to what the editor's features represent (paragraphs, bold, italic, links,
superscript, subscript, line breaks) and opened; the editor then saves it in its own
form. The public page never showed those tags anyway (blocks.sanitise_rich_text).
"""

import logging
import re
from html.parser import HTMLParser

import nh3
from django.utils.html import escape, strip_tags
from draftjs_exporter.dom import DOM
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.admin.rich_text.converters.contentstate import link_entity as wagtail_link_entity

logger = logging.getLogger(__name__)

EDITABLE_TAGS = {"p", "br", "b", "strong", "i", "em", "sup", "sub", "a"}
# Wagtail's own link format: <a linktype="page" id="3"> for internal links.
EDITABLE_ATTRIBUTES = {"a": {"href", "linktype", "id"}}


def editable_html(html: str) -> str:
    """`html` with only what the editor can represent, every element closed."""
    cleaned = nh3.clean(
        html,
        tags=EDITABLE_TAGS,
        attributes=EDITABLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )
    return re.sub(r"<br\s*>", "<br/>", cleaned)


def plain_paragraphs(html: str) -> str:
    """The last resort: the text alone, one paragraph per line."""
    lines = [line.strip() for line in strip_tags(html).splitlines()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)


class _TagBalance(HTMLParser):
    """The one rule of Draftail's parser that stored HTML breaks: every start tag (not
    written self-closed) must be closed by a matching end tag. Checked without the
    converter, which looks up each internal link's page in the database."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open.pop() != tag:
            self.balanced = False


def editor_can_read(html: str) -> bool:
    checker = _TagBalance()
    checker.feed(html)
    checker.close()
    return checker.balanced


def repair_rich_text(body) -> int:
    """Replaces, in a StreamField value, each rich text the editor cannot read (top-level
    or a struct's field) by its editable copy; returns how many. Text the editor reads
    is left exactly as stored."""
    from wagtail import blocks
    from wagtail.rich_text import RichText

    def repaired(block, value):
        if value is None or editor_can_read(value.source):
            return None
        return RichText(editable_html(value.source))

    count = 0
    for child in body:
        if isinstance(child.block, blocks.RichTextBlock):
            if (new := repaired(child.block, child.value)) is not None:
                child.value, count = new, count + 1
        elif isinstance(child.block, blocks.StructBlock):
            for name, block in child.block.child_blocks.items():
                if isinstance(block, blocks.RichTextBlock):
                    if (new := repaired(block, child.value.get(name))) is not None:
                        child.value[name], count = new, count + 1
    return count


class TolerantContentstateConverter(ContentstateConverter):
    def from_database_format(self, html):
        try:
            return super().from_database_format(html)
        except Exception:  # noqa: BLE001 - the parser asserts; any failure is the same to us
            logger.warning("Rich text the editor cannot read; opening a cleaned copy")
        try:
            return super().from_database_format(editable_html(html))
        except Exception:  # noqa: BLE001
            return super().from_database_format(plain_paragraphs(html))


class TolerantDraftailRichTextArea(DraftailRichTextArea):
    """Opens any stored HTML (above), and accepts from a POST only what the Draftail
    editor could have sent: the editor's JavaScript is not a boundary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.converter = TolerantContentstateConverter(self.features)

    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError):
            # Not Draftail's contentstate JSON (raw HTML, say): no editor sends that.
            # An empty value makes the form report the field instead of a server error.
            return ""


def link_entity(props):
    """Wagtail's link entity, keeping a page link only when its id is a number: a crafted
    id ("1\" onmouseover=...") was stored as is, and every later render of the page (the
    public article, its feeds, the admin's edit form) failed on int()."""
    page_id = props.get("id")
    if page_id is not None and not str(page_id).isdigit():
        page_id = None
    if page_id is None and not isinstance(props.get("url"), str):
        return DOM.create_element("a", {}, props["children"])  # a link to nothing
    return wagtail_link_entity({**props, "id": page_id})
