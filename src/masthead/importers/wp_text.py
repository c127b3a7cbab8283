"""WordPress post content → plain HTML: what WordPress itself does before showing a post.

- Block editor comments (`<!-- wp:paragraph -->`) go; the HTML between them stays.
- `[caption]<img ...> text[/caption]` → `<figure><img ...><figcaption>text</figcaption>`;
  `[gallery ids="1,2"]` (or without ids: the post's attached images) → a figure of
  images; `[embed]URL[/embed]`, `[video src=...]`, `[audio src=...]` and a URL alone on
  its line (WordPress's auto-embed) → an iframe the body converter turns into a link.
  Other shortcodes with attributes or a closing tag are removed (their text is kept);
  brackets in prose ("[sic]", "[1]") are left alone.
- Classic-editor content is not wrapped in `<p>`: wpautop's rule applies (a blank line
  ends a paragraph, a single newline is a line break, block elements are not wrapped).
  Block-editor content (it has `<!-- wp:` comments) is already HTML, as in WordPress.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
MORE = re.compile(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", re.IGNORECASE)
ATTRS = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
CAPTION = re.compile(r"\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.DOTALL | re.I)
GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.I)
EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.I)
MEDIA_CODE = re.compile(r"\[(video|audio)([^\]]*)\](?:.*?\[/\1\])?", re.DOTALL | re.I)
PAIRED = re.compile(r"\[(\w[\w-]*)(?:\s[^\]]*)?\](.*?)\[/\1\]", re.DOTALL)
WITH_ATTRS = re.compile(r"\[/?\w[\w-]*\s+[^\]]*=[^\]]*\]")
LONE_URL = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$", re.MULTILINE)
BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    "form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    "article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|"
    "iframe|script|video|audio|object|embed"
)
VOID = re.compile(r"<(?:hr|col|area|embed)\b", re.I)
STARTS_BLOCK = re.compile(rf"^\s*</?(?:{BLOCK_TAGS})\b", re.I)


def attributes(raw: str) -> dict[str, str]:
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in ATTRS.finditer(raw or "")}


def prepare(content: str, *, attachments: Mapping[str, dict], children: list[str]) -> str:
    """The post's content as HTML. `attachments`: attachment id → {"url", "alt",
    "caption"}; `children`: ids of the attachments whose parent is this post."""
    if not content:
        return ""
    is_blocks = "<!-- wp:" in content
    text = MORE.sub("", BLOCK_COMMENT.sub("", content))
    text = CAPTION.sub(_caption, text)
    text = GALLERY.sub(lambda m: _gallery(m, attachments, children), text)
    text = EMBED.sub(lambda m: _iframe(m.group(1).strip()), text)
    text = MEDIA_CODE.sub(lambda m: _media(m.group(2)), text)
    text = _strip_shortcodes(text)
    if not is_blocks:
        text = LONE_URL.sub(lambda m: _iframe(m.group(1)), text)
        text = autop(text)
    return text


def _caption(match: re.Match) -> str:
    inner = match.group(2)
    image = re.search(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", inner, re.I)
    if not image:
        return inner
    caption = (inner[: image.start()] + inner[image.end() :]).strip()
    caption = caption or attributes(match.group(1)).get("caption", "")
    return f"<figure>{image.group(0)}<figcaption>{caption}</figcaption></figure>\n\n"


def _gallery(match: re.Match, attachments: Mapping[str, dict], children: list[str]) -> str:
    ids = attributes(match.group(1)).get("ids", "")
    chosen = [i.strip() for i in ids.split(",") if i.strip()] if ids else children
    images = []
    for attachment_id in chosen:
        found = attachments.get(attachment_id)
        if found:
            alt, caption = html.escape(found.get("alt", "")), html.escape(found.get("caption", ""))
            images.append(
                f'<figure><img src="{html.escape(found["url"])}" alt="{alt}">'
                f"<figcaption>{caption}</figcaption></figure>"
            )
    return f"\n\n<figure>{''.join(images)}</figure>\n\n" if images else ""


def _iframe(url: str) -> str:
    return f'\n\n<iframe src="{html.escape(url)}"></iframe>\n\n' if url else ""


def _media(raw: str) -> str:
    attrs = attributes(raw)
    url = attrs.get("src") or attrs.get("mp4") or attrs.get("mp3") or ""
    return _iframe(url)


def _strip_shortcodes(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = PAIRED.sub(lambda m: m.group(2), text)
    return WITH_ATTRS.sub("", text)


def autop(text: str) -> str:
    """wpautop's rule, for content written without paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A block element starts and ends a paragraph of its own.
    text = re.sub(rf"(<(?:{BLOCK_TAGS})\b[^>]*>)", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.I)
    out = []
    depth = 0
    for chunk in re.split(r"\n\s*\n", text):
        if not chunk.strip():
            continue
        opened = len(re.findall(rf"<(?:{BLOCK_TAGS})\b", chunk, re.I))
        opened -= len(VOID.findall(chunk))
        closed = len(re.findall(rf"</(?:{BLOCK_TAGS})>", chunk, re.I))
        if depth > 0 or STARTS_BLOCK.match(chunk):
            out.append(chunk.strip())
        else:
            lines = [line.strip() for line in chunk.strip().split("\n")]
            out.append("<p>" + "<br />\n".join(lines) + "</p>")
        depth = max(0, depth + opened - closed)
    return "\n".join(out)
