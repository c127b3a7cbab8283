"""Speaking a script: the samples of every chunk, with pauses, and the timings document.

Pure audio assembly: no database, no files. `services.narration_generate` runs it inside a
claimed narration and renews the narration's lease through `on_progress`.
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
    script: Script, engine: Engine, on_progress: Callable[[float], None]
) -> tuple["np.ndarray", dict]:
    """Speak every chunk; returns the samples and the timings document.

    `on_progress(share)` is called after each chunk; it may raise to stop the run (the
    worker stopping, the lease taken over), and nothing here needs undoing when it does.
    """
    import numpy as np

    from .audio import silence

    rate, pieces, words, segments, elapsed, done = engine.sample_rate, [], [], [], 0.0, 0
    for index, sentence in enumerate(script.sentences):
        if index:
            pause = PARAGRAPH_PAUSE if sentence.starts_paragraph else SENTENCE_PAUSE
            pieces.append(silence(pause, rate))
            elapsed += pause
        start = elapsed
        for n, chunk in enumerate(sentence.chunks):
            if n:
                pieces.append(silence(CHUNK_PAUSE, rate))
                elapsed += CHUNK_PAUSE
            spoken = engine.speak(chunk)
            pieces.append(spoken.samples)
            words += [
                [w.word, round(elapsed + w.start, 3), round(elapsed + w.end, 3)]
                for w in spoken.words
            ]
            elapsed += spoken.duration
            done += 1
            on_progress(done / script.chunk_count)
        segments.append({"target": sentence.target, "text": sentence.text,
                         "start": round(start, 3), "end": round(elapsed, 3)})  # fmt: skip
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
    return samples, {"duration": round(elapsed, 3), "segments": segments, "words": words}
