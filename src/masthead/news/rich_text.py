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

import nh3
from django.utils.html import escape, strip_tags
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

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
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.converter = TolerantContentstateConverter(self.features)
