from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # numpy is loaded by the engines, not by every web process
    import numpy as np


@dataclass(frozen=True)
class WordTiming:
    word: str
    start: float  # seconds from the start of the chunk
    end: float


@dataclass
class SpokenChunk:
    """Audio of one chunk of text: mono int16 samples and where each word falls."""

    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


class Engine(Protocol):
    voice_id: str
    sample_rate: int

    def speak(self, text: str) -> SpokenChunk:
        """Synthesise one chunk (a sentence or part of one) of already normalised text."""
        ...
