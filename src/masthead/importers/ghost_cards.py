"""Ghost's cards (the editor's images, galleries, embeds, bookmarks, HTML, Markdown,
callouts, code...) as plain HTML, shared by the mobiledoc and lexical converters.

Both of Ghost's editors store the same cards with nearly the same payloads, so one
function renders a card from its name and payload. The HTML written here is what the
engine's `html_blocks` understands: `<figure><img alt><figcaption>` for images (a
gallery is its images, one figure each), `<blockquote>`, lists, headings, and an embed
as `<figure class="embed">` holding one iframe of the original address.
Everything passes through `safe_html` at the end: what a Ghost author typed into an
HTML or Markdown card (scripts, event handlers, `javascript:` links) does not survive.
"""

from __future__ import annotations

import html
import re

import nh3

GHOST_URL = "__GHOST_URL__"

SAFE_TAGS = {
    "a", "aside", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "iframe", "img", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "iframe": {"src", "title", "width", "height"},
    "figure": {"class"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def safe_html(value: str) -> str:
    """Only structure, text, links and images survive; no script, style or handler."""
    return nh3.clean(
        value,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )


def site_url(url: str | None) -> str:
    """Ghost 4+ writes its own address as `__GHOST_URL__`: a site path stays a path (so the
    engine finds `/content/images/...` in --media-dir and rewrites `/slug/` links)."""
    url = (url or "").strip()
    if url.startswith(GHOST_URL):
        url = url[len(GHOST_URL) :] or "/"
    if url.startswith("//"):
        url = "https:" + url
    return url


def ghost_urls(value: str) -> str:
    return value.replace(GHOST_URL + "/", "/").replace(GHOST_URL, "/")


def attr(value) -> str:
    return html.escape(str(value or ""), quote=True)


def plain_text(value: str | None) -> str:
    """A caption or alt as plain text: Ghost stores captions as HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", value or "")).strip()


def figure(src: str, *, alt: str = "", caption: str = "", href: str = "") -> str:
    image = f'<img src="{attr(site_url(src))}" alt="{attr(plain_text(alt))}">'
    if href:
        image = f'<a href="{attr(site_url(href))}">{image}</a>'
    text = plain_text(caption)
    return (
        f"<figure>{image}"
        + (f"<figcaption>{attr(text)}</figcaption>" if text else "")
        + ("</figure>")
    )


def _image(p, warnings):
    if not p.get("src"):
        return ""
    alt, caption, href = p.get("alt", ""), p.get("caption", ""), p.get("href", "")
    return figure(p["src"], alt=alt, caption=caption, href=href)


def _gallery(p, warnings):
    images = sorted(p.get("images") or [], key=lambda i: (i.get("row", 0), i.get("col", 0)))
    parts = [
        figure(i["src"], alt=i.get("alt", ""), caption=i.get("caption", ""))
        for i in images
        if i.get("src")
    ]
    if p.get("caption") and parts:
        parts.append(f"<p>{attr(plain_text(p['caption']))}</p>")
    return "".join(parts)


def _embed(p, warnings):
    """A player becomes one `<iframe>` whose address is the page the author embedded (the
    YouTube watch page rather than its player) and whose title is the caption: the
    engine makes that a link, so readers get no third-party request."""
    frame = re.search(r'<iframe[^>]*\ssrc="(https?://[^"]+)"', p.get("html") or "")
    url = site_url(p.get("url")) or (html.unescape(frame.group(1)) if frame else "")
    if not url:
        warnings.append("an embed card without an address was left out")
        return ""
    title = plain_text(p.get("caption")) or (p.get("metadata") or {}).get("title") or ""
    return (
        f'<figure class="embed"><iframe src="{attr(url)}" title="{attr(title)}"></iframe></figure>'
    )


def _bookmark(p, warnings):
    meta = p.get("metadata") or {}
    url = site_url(p.get("url") or meta.get("url"))
    if not url:
        return ""
    title = meta.get("title") or url
    out = f'<p><a href="{attr(url)}">{attr(title)}</a></p>'
    if meta.get("description"):
        out += f"<p>{attr(meta['description'])}</p>"
    return out


def _html(p, warnings):
    return ghost_urls(p.get("html") or "")


def _markdown(p, warnings):
    warnings.append("a Markdown card was converted with a minimal renderer: check its layout")
    return markdown_html(p.get("markdown") or "")


def _callout(p, warnings):
    text = ghost_urls(p.get("calloutText") or "")
    emoji = p.get("calloutEmoji") or ""
    return f"<aside><p>{attr(emoji + ' ') if emoji else ''}{text}</p></aside>"


def _code(p, warnings):
    caption = plain_text(p.get("caption"))
    code = f"<pre><code>{attr(p.get('code'))}</code></pre>"
    return code + (f"<p>{attr(caption)}</p>" if caption else "")


def _toggle(p, warnings):
    heading = ghost_urls(p.get("heading") or "")
    return f"<p><strong>{heading}</strong></p>{ghost_urls(p.get('content') or '')}"


def _button(p, warnings):
    url = site_url(p.get("buttonUrl"))
    return f'<p><a href="{attr(url)}">{attr(p.get("buttonText") or url)}</a></p>' if url else ""


def _header(p, warnings):
    """A header card (a big heading and its line below); its button, if any, a link."""
    heading, sub = (
        plain_text(p.get("header") or p.get("heading")),
        plain_text(p.get("subheader") or p.get("subheading")),
    )
    out = (f"<h2>{attr(heading)}</h2>" if heading else "") + (f"<p>{attr(sub)}</p>" if sub else "")
    if p.get("buttonUrl") and p.get("buttonEnabled", True):
        out += _button(p, warnings)
    return out


def _media(kind):
    def render(p, warnings):
        src = site_url(p.get("src"))
        warnings.append(f"a {kind} card was imported as a link to the file: {src or '(none)'}")
        label = p.get("title") or p.get("fileName") or src
        return f'<p><a href="{attr(src)}">{attr(label)}</a></p>'

    return render


def _left_out(p, warnings):
    return ""


CARDS = {
    "image": _image,
    "gallery": _gallery,
    "embed": _embed,
    "bookmark": _bookmark,
    "html": _html,
    "markdown": _markdown,
    "card-markdown": _markdown,
    "callout": _callout,
    "hr": lambda p, w: "<hr>",
    "horizontalrule": lambda p, w: "<hr>",
    "code": _code,
    "codeblock": _code,
    "toggle": _toggle,
    "button": _button,
    "header": _header,
    "video": _media("video"),
    "audio": _media("audio"),
    "file": _media("file"),
    # Ghost's membership and newsletter furniture: nothing a reader of the archive needs.
    "paywall": _left_out,
    "email": _left_out,
    "email-cta": _left_out,
    "signup": _left_out,
    "transistor": _left_out,
}


def card_html(name: str, payload: dict, warnings: list[str]) -> str:
    render = CARDS.get(name)
    if render is None:
        warnings.append(f"a Ghost {name!r} card has no Masthead equivalent and was left out")
        return ""
    return render(payload or {}, warnings)


# A small Markdown renderer for Ghost's Markdown cards: paragraphs, headings, lists,
# quotes, fenced code, rules, emphasis, code, links and images; raw HTML passes through
# (and is then cleaned by safe_html like everything else).
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)"), r'<img alt="\1" src="\2">'),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)"), r'<a href="\2">\1</a>'),
    (re.compile(r"\*\*(.+?)\*\*|__(.+?)__"), lambda m: f"<strong>{m[1] or m[2]}</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)\*(?!\w)|(?<!\w)_(?!\s)(.+?)_(?!\w)"),
     lambda m: f"<em>{m[1] or m[2]}</em>"),
]  # fmt: skip


def _inline(text: str) -> str:
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        for pattern, repl in _INLINE:
            part = pattern.sub(repl, part)
        out.append(part)
    return ghost_urls("".join(out))


def markdown_html(text: str) -> str:
    out: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif stripped.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith("```"):
                j += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(lines[i + 1 : j]))}</code></pre>")
            i = j + 1
        elif m := re.match(r"(#{1,6})\s+(.*)", stripped):
            level = len(m[1])
            out.append(f"<h{level}>{_inline(m[2].rstrip('#').strip())}</h{level}>")
            i += 1
        elif re.fullmatch(r"([-*_])\s*(\1\s*){2,}", stripped):
            out.append("<hr>")
            i += 1
        elif re.match(r"([-*+]|\d+[.)])\s+", stripped):
            ordered = stripped[0].isdigit()
            items = []
            while i < len(lines) and (m := re.match(r"\s*([-*+]|\d+[.)])\s+(.*)", lines[i])):
                items.append(f"<li>{_inline(m[2])}</li>")
                i += 1
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>{''.join(items)}</{tag}>")
        elif stripped.startswith(">"):
            quoted = []
            while i < len(lines) and lines[i].strip().startswith(">"):
                quoted.append(lines[i].strip()[1:].strip())
                i += 1
            out.append(f"<blockquote>{markdown_html(chr(10).join(quoted))}</blockquote>")
        elif stripped.startswith("<"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out.append(ghost_urls("\n".join(block)))
        else:
            para = []
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                para.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(para))}</p>")
    return "".join(out)


def _starts_block(line: str) -> bool:
    s = line.strip()
    return bool(re.match(r"(#{1,6}\s|```|>|([-*+]|\d+[.)])\s)", s))
