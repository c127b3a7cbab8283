"""Speaking a script: the samples of every chunk, with pauses, and the timings document.

Pure audio assembly: no database, no files. `services.narration_generate` runs it inside a
claimed narration, renews the narration's lease through `on_progress` and hands the audio,
piece by piece, to its encoder (`on_audio`; parts.LiveParts).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from .engines import Engine
from .script import Script

if TYPE_CHECKING:  # numpy loads only where audio is made
    import numpy as np

SENTENCE_PAUSE = 0.25
PARAGRAPH_PAUSE = 0.6
CHUNK_PAUSE = 0.12


def synthesise(
    script: Script,
    engine: Engine,
    on_progress: Callable[[float], None],
    on_audio: Callable[["np.ndarray"], None],
    on_sentence: Callable[[dict], None] | None = None,
) -> dict:
    """Speak every chunk, passing the samples to `on_audio` in order; returns the timings.

    `on_progress(share)` is called after each chunk; it may raise to stop the run (the
    worker stopping, the lease taken over), and nothing here needs undoing when it does.
    `on_sentence(timings so far)` is called after each sentence but the last, once the
    pause that follows it has been passed on too (a place to cut the audio).
    """
    from .audio import silence

    rate, words, segments, elapsed, done = engine.sample_rate, [], [], 0.0, 0
    timings = {"duration": 0.0, "segments": segments, "words": words}
    sentences = script.sentences
    for index, sentence in enumerate(sentences):
        start = elapsed
        for n, chunk in enumerate(sentence.chunks):
            if n:
                on_audio(silence(CHUNK_PAUSE, rate))
                elapsed += CHUNK_PAUSE
            spoken = engine.speak(chunk)
            on_audio(spoken.samples)
            words += [
                [w.word, round(elapsed + w.start, 3), round(elapsed + w.end, 3)]
                for w in spoken.words
            ]
            elapsed += spoken.duration
            done += 1
            on_progress(done / script.chunk_count)
        segments.append({"target": sentence.target, "text": sentence.text,
                         "start": round(start, 3), "end": round(elapsed, 3)})  # fmt: skip
        timings["duration"] = round(elapsed, 3)
        if index + 1 < len(sentences):
            pause = PARAGRAPH_PAUSE if sentences[index + 1].starts_paragraph else SENTENCE_PAUSE
            on_audio(silence(pause, rate))
            elapsed += pause
            if on_sentence:
                on_sentence(timings)
    return timings
