"""Plain text out of rich text and StreamField bodies, word counts and teasers."""

import html
import re
from collections.abc import Iterable, Iterator

# A word: letters or digits in any script; apostrophes and hyphens inside a word and
# digit group separators ("1,200", "3.5") do not split it.
WORD_RE = re.compile(r"[^\W_]+(?:(?:['’ʼ\-]|(?<=\d)[.,](?=\d))[^\W_]+)*")
TAG_RE = re.compile(r"<[^>]+>")
BLOCK_END_RE = re.compile(r"</(p|h[1-6]|li|blockquote|div)>", re.IGNORECASE)
SPACE_RE = re.compile(r"\s+")


def html_to_text(value: str) -> str:
    value = BLOCK_END_RE.sub(lambda m: m.group(0) + "\n", value)
    value = html.unescape(TAG_RE.sub(" ", value))
    return "\n".join(SPACE_RE.sub(" ", line).strip() for line in value.splitlines()).strip()


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text))


def teaser(text: str, length: int) -> str:
    """Cut `text` at a word boundary to at most `length` characters, ending in "…"."""
    text = SPACE_RE.sub(" ", text).strip()
    if len(text) <= length:
        return text
    cut = text[: length + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else text[:length]
    return cut.rstrip(" ,;:.!?-–—") + "…"


def lead_paragraph(raw_blocks: Iterable[dict]) -> str:
    """The text of the first paragraph of a body, from its stored (raw) blocks: the
    story's lead, which a card shows when an editor wrote no card summary. Raw blocks,
    so that chosen articles inside that body are not loaded to find it."""
    for block in raw_blocks:
        if block.get("type") != "paragraph" or not isinstance(block.get("value"), str):
            continue
        for line in html_to_text(block["value"]).split("\n"):
            if line.strip():
                return line.strip()
    return ""


def indexed_block_texts(body: Iterable) -> Iterator[tuple[int, str, str]]:
    """(block index, block type, reader-visible text) for each text-bearing block.

    Captions, credits, related cards and embeds are left out: they are not the story.
    A rich-text block with several paragraphs gives one entry per paragraph.
    """
    for index, block in enumerate(body):
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            texts = html_to_text(value.source).split("\n")
        elif kind == "heading":
            texts = [str(value)]
        elif kind == "pull_quote":
            texts = [value["quote"]]
        elif kind == "editors_note":
            texts = html_to_text(value["text"].source).split("\n")
        elif kind == "list":
            texts = [str(item) for item in value["items"]]
        else:
            continue
        for text in texts:
            if text.strip():
                yield index, kind, text.strip()


def block_texts(body: Iterable) -> Iterator[tuple[str, str]]:
    for _, kind, text in indexed_block_texts(body):
        yield kind, text


def count_images(body: Iterable) -> int:
    return sum(1 for block in body if block.block_type == "image")
