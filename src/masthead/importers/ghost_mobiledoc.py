"""Ghost 1-4's `mobiledoc` bodies (format 0.3.x) as HTML.

A mobiledoc is a list of sections (1 markup section `p`/`h2`/`blockquote`/`aside`, 2 an
image, 3 a list, 10 a card); a section's markers are text (type 0) or an atom (type 1),
each opening some markups (`strong`, `em`, `a` with its attributes) and closing a number
of the open ones. Cards go through `ghost_cards.card_html`. Unknown sections and atoms
are left out with a warning, never guessed at.
"""

from __future__ import annotations

import html
import json

from .ghost_cards import attr, card_html, figure, site_url

SECTION_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "aside", "pull-quote"}
MARKUP_TAGS = {"a", "b", "strong", "i", "em", "u", "s", "sub", "sup", "code", "del", "mark"}
MARKUP_ATTRIBUTES = {"href", "title"}


class MobiledocError(ValueError):
    pass


def mobiledoc_html(source: str | dict, warnings: list[str]) -> str:
    doc = json.loads(source) if isinstance(source, str) else source
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("0.3"):
        version = doc.get("version") if isinstance(doc, dict) else "?"
        raise MobiledocError(f"mobiledoc version {version}")
    context = _Context(doc, warnings)
    return "".join(context.section(s) for s in doc.get("sections") or [])


class _Context:
    def __init__(self, doc: dict, warnings: list[str]):
        self.markups = doc.get("markups") or []
        self.atoms = doc.get("atoms") or []
        self.cards = doc.get("cards") or []
        self.warnings = warnings

    def section(self, section: list) -> str:
        kind = section[0]
        if kind == 1:
            tag = str(section[1]).lower()
            if tag not in SECTION_TAGS:
                tag = "p"
            if tag == "pull-quote":
                tag = "blockquote"
            return f"<{tag}>{self.markers(section[2])}</{tag}>"
        if kind == 2:
            return figure(section[1]) if section[1] else ""
        if kind == 3:
            tag = "ol" if str(section[1]).lower() == "ol" else "ul"
            items = "".join(f"<li>{self.markers(item)}</li>" for item in section[2])
            return f"<{tag}>{items}</{tag}>"
        if kind == 10:
            name, payload = self.cards[section[1]]
            return card_html(name, payload, self.warnings)
        self.warnings.append(f"a mobiledoc section of type {kind} was left out")
        return ""

    def markers(self, markers: list) -> str:
        out: list[str] = []
        open_tags: list[str] = []
        for kind, opened, closed, value in markers:
            for index in opened:
                tag, start = self.open_markup(index)
                out.append(start)
                open_tags.append(tag)
            out.append(html.escape(value) if kind == 0 else self.atom(value))
            for _ in range(closed):
                if open_tags:
                    out.append(f"</{open_tags.pop()}>")
        out.extend(f"</{tag}>" for tag in reversed(open_tags))
        return "".join(out)

    def open_markup(self, index: int) -> tuple[str, str]:
        markup = self.markups[index]
        tag = str(markup[0]).lower()
        if tag not in MARKUP_TAGS:
            return "span", "<span>"
        pairs = markup[1] if len(markup) > 1 else []
        attrs = {
            str(pairs[i]).lower(): pairs[i + 1]
            for i in range(0, len(pairs) - 1, 2)
            if str(pairs[i]).lower() in MARKUP_ATTRIBUTES
        }
        if "href" in attrs:
            attrs["href"] = site_url(attrs["href"])
        text = "".join(f' {k}="{attr(v)}"' for k, v in attrs.items())
        return tag, f"<{tag}{text}>"

    def atom(self, index: int) -> str:
        name, text, _payload = self.atoms[index]
        if name == "soft-return":
            return "<br>"
        if text:
            return html.escape(text)
        self.warnings.append(f"a mobiledoc {name!r} atom was left out")
        return ""
