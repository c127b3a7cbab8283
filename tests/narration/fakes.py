"""A fake engine, for unit tests of the narration orchestration only.

The feature itself always runs on the real Piper voice (see test_real_voice.py)."""

import numpy as np
from django_tasks.backends.dummy import DummyBackend

from masthead.narration.engines import SpokenChunk, WordTiming


class ToneEngine:
    """A 440 Hz tone, 0.3 s per word, with evenly spaced word timings."""

    voice_id = "fake:tone"
    sample_rate = 16000

    def __init__(self) -> None:
        self.spoken: list[str] = []

    def speak(self, text: str) -> SpokenChunk:
        self.spoken.append(text)
        words = text.split()
        seconds = 0.3 * len(words)
        t = np.arange(int(seconds * self.sample_rate)) / self.sample_rate
        samples = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
        timings = [WordTiming(w, i * 0.3, (i + 1) * 0.3) for i, w in enumerate(words)]
        return SpokenChunk(samples, self.sample_rate, timings)


class BrokenEngine(ToneEngine):
    voice_id = "fake:broken"

    def speak(self, text: str) -> SpokenChunk:
        raise RuntimeError("voice model crashed")


class InterruptedEngine(ToneEngine):
    """Before speaking chunk `at` (1-based), calls `action` (which may raise); or, with
    `actions`, one action per chunk number."""

    voice_id = "fake:interrupted"

    def __init__(self, at: int = 0, action=None, *, actions: dict | None = None) -> None:
        super().__init__()
        self.actions = actions or {at: action}

    def speak(self, text: str) -> SpokenChunk:
        action = self.actions.get(len(self.spoken) + 1)
        if action:
            action()
        return super().speak(text)


class NoPriorityBackend(DummyBackend):
    """A queue that does not order by priority (as RQ's)."""

    supports_priority = False
