"""Ghost 5-6's `lexical` bodies as HTML.

A lexical document is a tree: `root` → block nodes (paragraph, heading, list, quote,
aside) → inline nodes (text with format bit flags, link, linebreak). Ghost's cards are
nodes of their own type (image, gallery, embed, bookmark, html, markdown, callout,
codeblock, horizontalrule, ...) whose payload is the node itself; they go through
`ghost_cards.card_html`. Unknown inline nodes keep their text; unknown block nodes
without a card renderer are left out with a warning.
"""

from __future__ import annotations

import html
import json

from .ghost_cards import CARDS, attr, card_html, site_url

# Lexical's text format bit flags, in the order their tags are nested.
FORMATS = [(1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code"), (32, "sub"),
           (64, "sup"), (128, "mark")]  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class LexicalError(ValueError):
    pass


def lexical_html(source: str | dict, warnings: list[str]) -> str:
    doc = json.loads(source) if isinstance(source, str) else source
    root = doc.get("root") if isinstance(doc, dict) else None
    if not isinstance(root, dict):
        raise LexicalError("no root node")
    return "".join(_block(node, warnings) for node in root.get("children") or [])


def _children(node: dict, warnings: list[str]) -> str:
    return "".join(_inline(child, warnings) for child in node.get("children") or [])


def _block(node: dict, warnings: list[str]) -> str:
    kind = node.get("type", "")
    if kind in ("paragraph", "extended-text"):
        inner = _children(node, warnings)
        return f"<p>{inner}</p>" if inner.strip() else ""
    if kind in ("heading", "extended-heading"):
        tag = node.get("tag") if node.get("tag") in HEADINGS else "h2"
        return f"<{tag}>{_children(node, warnings)}</{tag}>"
    if kind in ("quote", "extended-quote"):
        return f"<blockquote>{_children(node, warnings)}</blockquote>"
    if kind == "aside":
        return f"<aside>{_children(node, warnings)}</aside>"
    if kind == "list":
        return _list(node, warnings)
    if kind in CARDS:
        return card_html(kind, node, warnings)
    if node.get("children"):  # an unknown container: keep its text as a paragraph
        warnings.append(f"a lexical {kind!r} block was imported as a plain paragraph")
        return f"<p>{_children(node, warnings)}</p>"
    return card_html(kind, node, warnings)


def _list(node: dict, warnings: list[str]) -> str:
    ordered = node.get("listType") == "number" or node.get("tag") == "ol"
    tag = "ol" if ordered else "ul"
    start = node.get("start")
    numbered = ordered and isinstance(start, int) and start > 1
    opening = f'<ol start="{start}">' if numbered else f"<{tag}>"
    items = []
    for item in node.get("children") or []:
        parts = []
        for child in item.get("children") or []:
            nested = child.get("type") == "list"
            parts.append(_list(child, warnings) if nested else _inline(child, warnings))
        items.append(f"<li>{''.join(parts)}</li>")
    return f"{opening}{''.join(items)}</{tag}>"


def _inline(node: dict, warnings: list[str]) -> str:
    kind = node.get("type", "")
    if kind in ("text", "extended-text", "hashtag", "tab"):
        return _text(node)
    if kind == "linebreak":
        return "<br>"
    if kind in ("link", "autolink"):
        href = site_url(node.get("url"))
        title = f' title="{attr(node["title"])}"' if node.get("title") else ""
        return f'<a href="{attr(href)}"{title}>{_children(node, warnings)}</a>'
    if kind == "list":
        return _list(node, warnings)
    if node.get("children"):
        return _children(node, warnings)
    return html.escape(node.get("text") or "")


def _text(node: dict) -> str:
    text = html.escape("\t" if node.get("type") == "tab" else node.get("text") or "")
    fmt = node.get("format") or 0
    if not isinstance(fmt, int):
        return text
    for flag, tag in reversed(FORMATS):
        if fmt & flag:
            text = f"<{tag}>{text}</{tag}>"
    return text
