"""StreamField blocks of an article body."""

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from .text import lead_paragraph, teaser
from .validators import block_control_character_error

RICH_TEXT_FEATURES = ["bold", "italic", "link", "superscript", "subscript"]

# Embeds may hold tables, lists and links typed or pasted by editors. No scripts,
# styles, iframes or images: those would run code or make third-party requests.
EMBED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "div", "dl",
    "dt", "em", "figcaption", "figure", "h3", "h4", "i", "li", "ol", "p", "pre", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
EMBED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}  # noqa: E501


RICH_TEXT_TAGS = {"a", "b", "strong", "i", "em", "sup", "sub", "br", "p"}


def sanitise_rich_text(value: str) -> str:
    """Rich text as rendered, whitelisted again: an import or crafted POST may bypass
    the editor's own whitelist (javascript: links, stray tags)."""
    return nh3.clean(
        value,
        tags=RICH_TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )


def sanitise_embed(value: str) -> str:
    return nh3.clean(
        value,
        tags=EMBED_TAGS,
        attributes=EMBED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class RenditionPrefetchingImageChooserBlock(ImageChooserBlock):
    """Loads every image of a body, and their renditions, in two queries."""

    def bulk_to_python(self, values):
        ids = [v for v in values if v]
        objects = self.model_class.objects.prefetch_renditions().in_bulk(ids)
        return [objects.get(v) for v in values]


class ImageBlock(blocks.StructBlock):
    image = RenditionPrefetchingImageChooserBlock()
    alt = blocks.CharBlock(
        max_length=250,
        label="Alt text",
        help_text="Describe the image for readers who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=400)
    credit = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "news/blocks/image.html"


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "news/blocks/pull_quote.html"


class EditorsNoteBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("editors_note", "Editor's note"),
            ("verification", "Verification"),
            ("update", "Update"),
        ],
        default="editors_note",
    )
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "news/blocks/editors_note.html"
        label = "Editor's note / verification callout"


class ArticleChooserBlock(blocks.PageChooserBlock):
    """Chooses an article; loads every chosen article and its image in constant queries."""

    def __init__(self, **kwargs):
        super().__init__(page_type="news.ArticlePage", **kwargs)

    def bulk_to_python(self, values):
        from .models import ArticlePage
        from .selectors import cards_by_id

        ids = {v for v in values if v}
        found = cards_by_id(ids)  # visible articles, usually without a query (CardStore)
        # Drafts and restricted articles too (one more query, only when there are some),
        # so that an editor who reopens the page still sees the chosen article; marked,
        # so that readers get no card of them (news/visibility.py).
        if ids - found.keys():
            hidden = ArticlePage.objects.in_bulk(ids - found.keys())
            for page in hidden.values():
                page.hidden_from_readers = True
            found |= hidden
        return [found.get(v) for v in values]


def lead_paragraph_of(article) -> str:
    """The text of the article's first paragraph: from the card's `lead_html`
    (news/lead.py, no query), else from its body when it was loaded."""
    if hasattr(article, "lead_html"):
        return lead_paragraph([{"type": "paragraph", "value": article.lead_html or ""}])
    if "body" in article.__dict__:
        return lead_paragraph(article.body.raw_data)
    return ""


class RelatedArticleBlock(blocks.StructBlock):
    article = ArticleChooserBlock(help_text="Another published article to recommend inline.")

    class Meta:
        icon = "link"
        template = "news/blocks/related_article.html"
        label = "Related-article card"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        article = value.get("article")
        if article is not None:
            # The editor's card summary, else the story's lead (DESIGN.md, item 8).
            text = article.card_summary or lead_paragraph_of(article) or article.dek
            context["teaser"] = teaser(text or "", settings.MASTHEAD_TEASER_LENGTH)
        return context


class EmbedBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        max_length=200, help_text="A short description of the embedded content (for accessibility)."
    )
    html = blocks.TextBlock(
        help_text="Safe HTML only: tables, lists, links, text. Scripts, styles, frames and "
        "images are removed."
    )

    class Meta:
        icon = "code"
        template = "news/blocks/embed.html"
        label = "Embed (safe HTML)"

    def clean(self, value):
        value = super().clean(value)
        if not sanitise_embed(value["html"]).strip():
            raise ValidationError("Nothing is left of this HTML once unsafe parts are removed.")
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # Sanitised on every render, so HTML that reached the database some other way
        # (an import, a crafted POST) is still made safe.
        context["safe_html"] = mark_safe(sanitise_embed(value["html"]))  # noqa: S308
        return context


class ListBlock(blocks.StructBlock):
    ordered = blocks.BooleanBlock(required=False, help_text="Numbered list")
    items = blocks.ListBlock(blocks.CharBlock(max_length=500))

    class Meta:
        icon = "list-ul"
        template = "news/blocks/list.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, icon="pilcrow", template="news/blocks/paragraph.html"
    )
    heading = blocks.CharBlock(
        max_length=200, icon="title", form_classname="title", template="news/blocks/heading.html"
    )
    image = ImageBlock()
    pull_quote = PullQuoteBlock()
    editors_note = EditorsNoteBlock()
    related = RelatedArticleBlock()
    embed = EmbedBlock()
    list = ListBlock()

    def clean(self, value):
        value = super().clean(value)
        # Every text field of every block, present and future, in one place.
        if error := block_control_character_error(self, value):
            raise error
        return value
