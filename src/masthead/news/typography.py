"""Typographic quotes and dashes for what readers see, from what editors type.

Editors type straight quotes and `--` on a keyboard; the page shows “curly” quotes,
’ apostrophes and — dashes. Only the output changes: the stored text, the search index,
feeds' raw fields and the narration's spoken text keep what was typed.

`smarten` works on plain text (a headline, a standfirst) before Django escapes it;
`smarten_html` on sanitised HTML (rich text), through its text nodes only: tags, their
attributes (an `href` with `--` or a quote in it) and the insides of `code`, `pre`,
`kbd`, `samp`, `script`, `style` and `textarea` are left exactly as they are. A quote
at the start of a text node is judged by the text before it (`<p>"<em>Hi</em>"</p>`
closes its quote after the emphasis).
"""

import re

# An opening quote follows the start, a space, an opening bracket or a dash; any other
# quote closes (or is an apostrophe). Letters on both sides make an apostrophe.
OPENS_AFTER = " \t\n\r\u00a0([{<“‘—–-/"
DASHES_RE = re.compile(r"-{2,3}")
ELLIPSIS_RE = re.compile(r"\.\.\.")
# An apostrophe standing for left-out digits: ’90s, ’24.
ELIDED_YEAR_RE = re.compile(r"'(?=\d{2}(?:s\b|\b))")
# An address written out in the text; what ends a sentence or closes a quote around it
# is not part of it.
URL_RE = re.compile(r"((?:https?://|www\.)[^\s<>\"]*[^\s<>\"'.,;:!?)])", re.IGNORECASE)

# HTML: comments, then tags (attribute values may hold ">"), then text.
TOKEN_RE = re.compile(r"<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL)
TAG_NAME_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")
# After these a quote opens again, whatever the text before them ended with.
BLOCK_TAGS = frozenset(
    {"p", "br", "li", "ul", "ol", "blockquote", "div", "figcaption", "td", "th", "tr"}
    | {f"h{n}" for n in range(1, 7)}
)
VERBATIM_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
# How quotes appear escaped in text nodes (Django writes &#x27; and &quot;).
QUOTE_ENTITIES_RE = re.compile(r"&(?:quot|#34|#x22|apos|#39|#x27);", re.IGNORECASE)


def _quotes(text: str, before: str) -> str:
    """Straight quotes in `text` made curly; `before` is the character preceding it."""
    out = []
    previous = before
    for char in text:
        if char == '"':
            char = "“" if previous == "" or previous in OPENS_AFTER else "”"
        elif char == "'":
            char = "‘" if previous == "" or previous in OPENS_AFTER else "’"
        out.append(char)
        previous = char
    return "".join(out)


def smarten(text: str, before: str = "") -> str:
    """`text` with typographic quotes, apostrophes, dashes and ellipses.

    `before`: the character that precedes `text` on the page, if any (it decides
    whether a leading quote opens or closes).
    """
    out = []
    for index, part in enumerate(URL_RE.split(text)):
        if index % 2:  # an address written out: kept as typed
            out.append(part)
        elif part:
            part = ELIDED_YEAR_RE.sub("’", ELLIPSIS_RE.sub("…", DASHES_RE.sub("—", part)))
            out.append(_quotes(part, before))
        before = out[-1][-1] if out and out[-1] else before
    return "".join(out)


def smarten_html(html: str) -> str:
    """`html` with `smarten` applied to its text nodes only."""
    out: list[str] = []
    verbatim: list[str] = []  # open verbatim elements, innermost last
    previous = ""
    position = 0
    for match in TOKEN_RE.finditer(html):
        out.append(_smarten_text(html[position : match.start()], previous, verbatim))
        if not verbatim and match.start() > position:
            previous = _last_char(out[-1], previous)
        tag = match.group(0)
        out.append(tag)
        _track_verbatim(tag, verbatim)
        if _tag_name(tag) in BLOCK_TAGS:
            previous = ""
        position = match.end()
    out.append(_smarten_text(html[position:], previous, verbatim))
    return "".join(out)


def _smarten_text(text: str, previous: str, verbatim: list[str]) -> str:
    if not text or verbatim:
        return text
    return smarten(_decode_quotes(text), before=previous)


def _decode_quotes(text: str) -> str:
    """Escaped quotes as plain characters: both are safe in a text node."""

    def plain(match: re.Match) -> str:
        entity = match.group(0).lower()
        return '"' if entity in ("&quot;", "&#34;", "&#x22;") else "'"

    return QUOTE_ENTITIES_RE.sub(plain, text)


def _last_char(text: str, fallback: str) -> str:
    # An entity at the end (&amp;, &nbsp;) counts as a letter would: not an opener,
    # except the no-break space, after which a quote opens.
    if text.endswith("&nbsp;"):
        return " "
    return text[-1] if text else fallback


def _tag_name(tag: str) -> str:
    match = TAG_NAME_RE.match(tag)
    return match.group(2).lower() if match else ""


def _track_verbatim(tag: str, verbatim: list[str]) -> None:
    match = TAG_NAME_RE.match(tag)
    if match is None:
        return
    closing, name = match.group(1), match.group(2).lower()
    if name not in VERBATIM_TAGS or tag.endswith("/>"):
        return
    if not closing:
        verbatim.append(name)
    elif name in verbatim:
        del verbatim[len(verbatim) - 1 - verbatim[::-1].index(name) :]
