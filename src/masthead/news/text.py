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
    return cut.rstrip(" ,;:.-–—") + "…"


def block_texts(body: Iterable) -> Iterator[tuple[str, str]]:
    """(block type, reader-visible text) for each text-bearing block of an article body.

    Captions, credits, related cards and embeds are left out: they are not the story.
    """
    for block in body:
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            yield kind, html_to_text(value.source)
        elif kind == "heading":
            yield kind, str(value)
        elif kind == "pull_quote":
            yield kind, value["quote"]
        elif kind == "editors_note":
            yield kind, html_to_text(value["text"].source)
        elif kind == "list":
            for item in value["items"]:
                yield kind, str(item)


def count_images(body: Iterable) -> int:
    return sum(1 for block in body if block.block_type == "image")
