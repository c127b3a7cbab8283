"""An imported HTML body → ArticlePage body blocks (news/blocks.py).

Both importers hand bodies over as HTML (WordPress after wp_text.py has undone its
shortcodes and autop; Ghost after converting mobiledoc or lexical). What comes out:

- paragraphs: rich text with only what the editor's features represent (bold, italic,
  links, superscript, subscript, line breaks), in the exact form Draftail saves (see
  `editor_form`), so that an imported article opens in the editor and saves unchanged;
- headings, lists (items as plain text), block quotes as pull quotes;
- images (alt text, caption) as image blocks, galleries as one image block per picture;
  an image that cannot be found is left out with a warning;
- tables, definition lists, code and embedded players as sanitised embed blocks: an
  iframe becomes a link to what it showed (readers get no third-party requests);
- nothing unsafe: scripts, styles, forms and event handlers are dropped, link URLs
  other than http(s), mailto, tel and relative ones are removed (nh3 checks the result
  once more, news/blocks.sanitise_*).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from masthead.news.blocks import RICH_TEXT_FEATURES, sanitise_embed
from masthead.news.validators import CONTROL_CHARACTERS

ImageResolver = Callable[[str], int | None]  # an image's URL → a Wagtail image id, or None
Warn = Callable[[str], None]

DROPPED = {
    "script",
    "style",
    "noscript",
    "template",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "link",
    "meta",
    "head",
    "title",
    "svg",
    "math",
    "object",
    "param",
    "canvas",
    "map",
    "area",
    "base",
}
MEDIA = {"iframe", "embed", "video", "audio"}
CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "center",
    "body",
    "html",
    "nav",
    "details",
    "summary",
    "hgroup",
    "picture",
    "span",
    "font",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
EMBEDDED_HTML = {"table", "dl", "pre"}
INLINE_MAP = {"b": "b", "strong": "b", "i": "i", "em": "i", "cite": "i", "sup": "sup", "sub": "sub"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel", ""}
SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
HEADING_MAX, ITEM_MAX, CAPTION_MAX, ALT_MAX, QUOTE_ATTR_MAX = 200, 500, 400, 250, 200


def safe_href(href: str) -> str:
    """`href` when readers may follow it, else "" (javascript:, data:, vbscript: ...)."""
    href = (href or "").strip()
    # Browsers ignore tabs and newlines inside a scheme ("java\nscript:"): so do we.
    squeezed = re.sub(r"[\x00-\x20]", "", href)
    scheme = urlsplit(squeezed).scheme.lower() if ":" in squeezed.split("/")[0] else ""
    return href if scheme in SAFE_SCHEMES and squeezed else ""


def _text(element) -> str:
    return SPACES.sub(" ", element.text_content() if element is not None else "").strip()


def _tag(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


class BodyConverter:
    """One converter per import: `convert(html)` gives the blocks of one body."""

    def __init__(self, *, resolve_image: ImageResolver, warn: Warn):
        self.resolve_image = resolve_image
        self.warn = warn

    def convert(self, body_html: str) -> list[dict]:
        self.blocks: list[dict] = []
        self.inline: list[str] = []
        body_html = CONTROL_CHARACTERS.sub("", body_html or "")
        if body_html.strip():
            try:
                root = lxml_html.fragment_fromstring(body_html, create_parent="div")
            except (etree.ParserError, ValueError):
                root = None
            if root is not None:
                self._children(root)
        self._flush()
        return self.blocks

    # --- walking ---

    def _children(self, element) -> None:
        if element.text:
            self.inline.append(html.escape(element.text, quote=False))
        for child in element:
            self._element(child)
            if child.tail:
                self.inline.append(html.escape(child.tail, quote=False))

    def _element(self, element) -> None:
        tag = _tag(element)
        if not tag or tag in DROPPED:
            return
        if tag == "p":
            self._flush()
            self._paragraph(element)
        elif tag in HEADINGS:
            self._flush()
            self._heading(element)
        elif tag in ("ul", "ol"):
            self._flush()
            self._list(element)
        elif tag == "blockquote":
            self._flush()
            self._blockquote(element)
        elif tag == "figure":
            self._flush()
            self._figure(element)
        elif tag == "img":
            self._flush()
            self._image(element, caption="")
        elif tag in MEDIA:
            self._flush()
            self._media(element)
        elif tag in EMBEDDED_HTML:
            self._flush()
            self._embed_html(element)
        elif tag == "hr":
            self._flush()
        elif tag in CONTAINERS and tag not in ("span", "font"):
            self._flush()
            self._children(element)
            self._flush()
        else:
            self.inline.append(self._inline(element))

    # --- blocks ---

    def _flush(self) -> None:
        content = "".join(self.inline)
        self.inline = []
        self._add_paragraph(content)

    def _add_paragraph(self, content: str) -> None:
        content = re.sub(r"\s*<br/>\s*", "<br/>", SPACES.sub(" ", content)).strip()
        content = re.sub(r"^(<br/>\s*)+|(\s*<br/>)+$", "", content).strip()
        if re.sub(r"<[^>]+>", "", content).strip():
            self.blocks.append({"type": "paragraph", "value": f"<p>{content}</p>"})

    def _paragraph(self, element) -> None:
        # Images and players inside a paragraph come out after its text, as blocks.
        pulled: list = []
        content = self._inline(element, pulled=pulled, outer=True)
        self._add_paragraph(content)
        for item in pulled:
            if _tag(item) == "img":
                self._image(item, caption="")
            else:
                self._media(item)

    def _heading(self, element) -> None:
        text = _text(element)
        if text:
            if len(text) > HEADING_MAX:
                self.warn(f"A heading was longer than {HEADING_MAX} characters: cut.")
            self.blocks.append({"type": "heading", "value": text[:HEADING_MAX]})
        for img in element.iter("img"):
            self._image(img, caption="")

    def _list(self, element) -> None:
        items = []
        for li in element.iter("li"):
            # A nested list's items come as items of their own (the block is flat).
            own = li.text or ""
            for child in li:
                if _tag(child) not in ("ul", "ol"):
                    own += child.text_content()
                own += child.tail or ""
            text = SPACES.sub(" ", own).strip()
            if text:
                if len(text) > ITEM_MAX:
                    self.warn(f"A list item was longer than {ITEM_MAX} characters: cut.")
                items.append(text[:ITEM_MAX])
        if items:
            self.blocks.append(
                {"type": "list", "value": {"ordered": _tag(element) == "ol", "items": items}}
            )
        # Whatever an unclosed list swallowed (not an item) comes after it, as blocks.
        for child in element:
            if _tag(child) not in ("li", "ul", "ol"):
                self._element(child)
                self._flush()

    def _blockquote(self, element) -> None:
        classes = element.get("class", "")
        if "twitter-tweet" in classes or "instagram-media" in classes or "tiktok" in classes:
            self._embed_html(element, title="Embedded post")
            return
        attribution = ""
        for cite in list(element.iter("cite", "footer")):
            attribution = attribution or _text(cite)
            cite.drop_tree()
        paragraphs = [_text(p) for p in element.iter("p")] or [_text(element)]
        quote = "\n\n".join(p for p in paragraphs if p)
        if quote:
            self.blocks.append(
                {
                    "type": "pull_quote",
                    "value": {
                        "quote": quote,
                        "attribution": attribution.lstrip("—–- ")[:QUOTE_ATTR_MAX],
                    },
                }
            )

    def _figure(self, element) -> None:
        if next(element.iter("table"), None) is not None:
            self._embed_html(next(element.iter("table")))
            return
        if next(element.iter("blockquote"), None) is not None:
            self._blockquote(next(element.iter("blockquote")))
            return
        media = [e for e in element.iter() if _tag(e) in MEDIA]
        if media:
            for item in media:
                self._media(item)
            return
        images = list(element.iter("img"))
        if images:
            outer_caption = _caption_of(element)
            for img in images:
                own = img.getparent()
                while own is not None and own is not element and _tag(own) != "figure":
                    own = own.getparent()
                caption = _caption_of(own) if own is not None and own is not element else ""
                self._image(img, caption=caption or (outer_caption if len(images) == 1 else ""))
            if len(images) > 1 and outer_caption:
                self._add_paragraph(html.escape(outer_caption, quote=False))
            return
        text = _text(element)
        if re.fullmatch(r"https?://\S+", text):  # a WordPress embed block: the URL alone
            self._link_embed(text, "")
        else:
            self._children(element)
            self._flush()

    def _image(self, img, *, caption: str) -> None:
        src = (img.get("src") or img.get("data-src") or "").strip()
        if not src:
            return
        image_id = self.resolve_image(src)
        if image_id is None:
            return  # the resolver has said why (a warning with the post's source id)
        alt = SPACES.sub(" ", img.get("alt") or "").strip()
        if not alt:
            alt = caption or "Image from the archive"
            self.warn(f"An image had no alt text ({src}): describe it in the editor.")
        self.blocks.append(
            {
                "type": "image",
                "value": {
                    "image": image_id,
                    "alt": alt[:ALT_MAX],
                    "caption": caption[:CAPTION_MAX],
                    "credit": "",
                },
            }
        )

    def _media(self, element) -> None:
        src = element.get("src") or element.get("data-src") or ""
        if not src:
            source = next((s for s in element.iter("source") if s.get("src")), None)
            src = source.get("src") if source is not None else ""
        self._link_embed(src, element.get("title", ""))

    def _link_embed(self, src: str, title: str) -> None:
        src = safe_href(src)
        if not src or not urlsplit(src).netloc and not src.startswith("/"):
            return
        host = urlsplit(src).netloc or "this site"
        label = f"Embedded content from {host}"
        link = f'<p><a href="{html.escape(src)}">{html.escape(label)}</a></p>'
        self._add_embed(link, title=(SPACES.sub(" ", title).strip() or label))

    def _embed_html(self, element, title: str = "") -> None:
        raw = lxml_html.tostring(element, encoding="unicode", with_tail=False)
        kind = {"table": "Table", "dl": "List", "pre": "Code"}.get(_tag(element), "Embedded post")
        caption = element.find("caption")
        self._add_embed(raw, title=title or (_text(caption) if caption is not None else kind))

    def _add_embed(self, raw: str, *, title: str) -> None:
        safe = sanitise_embed(raw)
        if not safe.strip() or not re.sub(r"<[^>]+>", "", safe).strip():
            return
        self.blocks.append({"type": "embed", "value": {"title": title[:200], "html": safe}})

    # --- inline ---

    def _inline(self, element, *, pulled: list | None = None, outer: bool = False) -> str:
        tag = _tag(element)
        if not tag or tag in DROPPED:
            return ""
        if tag == "br":
            return "<br/>"
        if tag in ("img", *MEDIA):
            if pulled is not None:
                pulled.append(element)
            return ""
        inner = html.escape(element.text or "", quote=False)
        for child in element:
            inner += self._inline(child, pulled=pulled)
            inner += html.escape(child.tail or "", quote=False)
        if outer:
            return inner
        if tag in INLINE_MAP and inner.strip():
            name = INLINE_MAP[tag]
            return f"<{name}>{inner}</{name}>"
        if tag == "a":
            href = safe_href(element.get("href", ""))
            if href and inner.strip():
                return f'<a href="{html.escape(href)}">{inner}</a>'
        return inner


def _caption_of(figure) -> str:
    caption = figure.find("figcaption") if figure is not None else None
    return _text(caption) if caption is not None else ""


# --- the editor's own form ---

_BLOCK_START = re.compile(r"(?=<p data-block-key=)")


def editor_form(paragraphs: list[str]) -> list[str]:
    """Each paragraph's rich text as the editor saves it (Draftail's contentstate and
    back: `<b>`, `<i>`, block keys): what it opens, it then saves unchanged. One
    conversion for all the paragraphs of a body (each is one `<p>`)."""
    if not paragraphs:
        return []
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

    converter = _converter(ContentstateConverter)
    out = converter.to_database_format(converter.from_database_format("".join(paragraphs)))
    parts = [p for p in _BLOCK_START.split(out) if p]
    if len(parts) == len(paragraphs):
        return parts
    # A paragraph the editor reads as more than one block: convert them one by one.
    return [converter.to_database_format(converter.from_database_format(p)) for p in paragraphs]


_converters: dict = {}


def _converter(cls):
    if cls not in _converters:
        _converters[cls] = cls(RICH_TEXT_FEATURES)
    return _converters[cls]
