"""What is spoken: headline, byline, then the body's text, prepared for the voice."""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings

from masthead.news.text import indexed_block_texts

from .normalise import apply_lexicon, chunk_sentence, normalise, split_sentences


@dataclass
class Sentence:
    target: str  # "headline", "byline" or "block-<index>": where it stands on the page
    text: str  # as the reader sees it
    chunks: list[str] = field(default_factory=list)  # as the voice says it
    starts_paragraph: bool = False


@dataclass
class Script:
    sentences: list[Sentence]
    voice_key: str

    @property
    def chunk_count(self) -> int:
        return sum(len(s.chunks) for s in self.sentences)

    @property
    def text_hash(self) -> str:
        lines = [self.voice_key]
        for s in self.sentences:
            lines += (["¶"] if s.starts_paragraph else []) + s.chunks
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def voice_key() -> str:
    engine = getattr(settings, "MASTHEAD_NARRATION_ENGINE", "piper")
    options = getattr(settings, "MASTHEAD_NARRATION_ENGINE_OPTIONS", {})
    return f"{engine}:{sorted(options.items())}"


def byline_sentence(names: list[str]) -> str:
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"By {joined}."


def spoken_units(article) -> list[tuple[str, str]]:
    units = [("headline", article.title)]
    names = [link.author.name for link in article.article_authors.all()]
    if names:
        units.append(("byline", byline_sentence(names)))
    units += [(f"block-{i}", text) for i, _, text in indexed_block_texts(article.body)]
    return units


def build_script(article, *, lexicon: list[tuple[str, str]] | None = None) -> Script:
    from .selectors import lexicon_entries

    lexicon = lexicon_entries() if lexicon is None else lexicon
    max_words = getattr(settings, "MASTHEAD_NARRATION_MAX_CHUNK_WORDS", 35)
    sentences = []
    for target, text in spoken_units(article):
        for n, sentence in enumerate(split_sentences(text)):
            spoken = normalise(apply_lexicon(sentence, lexicon))
            chunks = [c for c in chunk_sentence(spoken, max_words=max_words) if c.strip()]
            if chunks:
                sentences.append(Sentence(target, sentence, chunks, starts_paragraph=n == 0))
    return Script(sentences=sentences, voice_key=voice_key())
