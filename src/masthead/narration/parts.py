"""Live parts: the first sentences of a narration are playable while the rest is made.

A run encodes its audio as it speaks, with one MP3 encoder (LAME's output does not depend on
how its input is cut, so the whole file is byte for byte what one encode of all the samples
gives). Every few sentences, in the pause after a sentence, the frames encoded since the
last cut are written as a *part* (`<stem>-live-<n>.mp3`), and the run's *manifest*
(`<stem>-live.json`) is rewritten: the parts with their start and end on the audio's
timeline, and the read-along timings (`segments`, `words`, as in the final timings file)
of everything in them. The first part is the headline, so a reader can press Play about
a second after the run starts; the parts then grow (5, 10, 20, 30 s of audio).

Parts are slices of the final file at frame boundaries: concatenated, they are its
beginning. A part played alone starts in a pause, so a frame the decoder cannot use at its
start (MP3's bit reservoir points into the previous part) is silence.

When the audio is complete and installed, the manifest says so (`complete`, the final
`audio` and `timings` URLs) and the parts are deleted: players switch to the final file.
A run that stops (hand-back, failure, lease lost) deletes its parts and manifest; a run
whose worker died leaves them to the run or repair that takes its narration over
(`withdraw`). Who may fetch them: pages/protected_media.py, the rules of the final audio.
"""

import contextlib
import json
import os
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .audio import mp3_encoder

FIRST_PART = 0.0  # seconds of audio before the first cut: the first sentence, however short
PART_SECONDS = (5.0, 10.0, 20.0, 30.0)  # then each part at least this long (the last repeats)
PART_RE = re.compile(r"^(narration/.+-live(?:_[A-Za-z0-9]+)?)-(\d+)\.mp3$")
MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def live_parts_enabled() -> bool:
    return bool(getattr(settings, "MASTHEAD_NARRATION_LIVE_PARTS", True))


def part_name(manifest: str, number: int) -> str:
    return f"{manifest.removesuffix('.json')}-{number}.mp3"


def manifest_of_part(name: str) -> str | None:
    """The manifest a part file belongs to, or None when `name` is not a part's."""
    match = PART_RE.match(name)
    return f"{match[1]}.json" if match else None


def whole_frames(data: bytes) -> tuple[int, float]:
    """How many bytes of `data` (starting at a frame) are whole MPEG Layer III frames, and
    how long they play. The encoder's output can end inside a frame: that one waits."""
    position, seconds = 0, 0.0
    while position + 4 <= len(data):
        header = int.from_bytes(data[position : position + 4], "big")
        if header >> 21 != 0x7FF:
            raise ValueError(f"not an MP3 frame at byte {position}")
        version, index = (header >> 19) & 3, (header >> 12) & 15
        rate, padding = RATES[version][(header >> 10) & 3], (header >> 9) & 1
        kbps, samples = (MPEG1_KBPS, 1152) if version == 3 else (MPEG2_KBPS, 576)
        size = samples // 8 * kbps[index] * 1000 // rate + padding
        if position + size > len(data):
            break
        position += size
        seconds += samples / rate
    return position, seconds


def overwrite(name: str, content: bytes) -> None:
    """Write `name` exactly (no renaming); on local storage atomically, so a reader polling
    the manifest never sees it missing or half written."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:  # remote storage: its PUT replaces the object
        default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.{os.getpid()}.tmp"
    try:
        with open(partial, "wb") as handle:
            handle.write(content)
        os.replace(partial, path)
    except BaseException:  # a full disk, or the worker stopping (WorkerStopping) meanwhile
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def withdraw(manifest: str) -> None:
    """Delete a run's manifest and its parts (numbered from 1, written in order)."""
    number = 1
    while default_storage.exists(part_name(manifest, number)):
        default_storage.delete(part_name(manifest, number))
        number += 1
    default_storage.delete(manifest)


class LiveParts:
    """Encodes a run's audio as it is spoken and publishes it part by part.

    `saved` is the run's list of files (deleted if it stops); `on_first_part(manifest)` is
    called once the first part and the manifest exist (the run records it, under its lease).
    """

    def __init__(self, *, stem: str, sample_rate: int, bitrate: int, saved: list[str],
                 on_first_part, enabled: bool = True) -> None:  # fmt: skip
        self.encoder = mp3_encoder(sample_rate=sample_rate, bitrate=bitrate)
        self.stem, self.rate, self.saved, self.enabled = stem, sample_rate, saved, enabled
        self.on_first_part = on_first_part
        self.data = bytearray()
        self.cut, self.pending, self.parts = 0, 0.0, []
        self.manifest = ""

    def feed(self, samples) -> None:
        self.data += self.encoder.encode(samples.tobytes())
        self.pending += len(samples) / self.rate

    def sentence_done(self, timings: dict) -> None:
        """After a sentence and the pause that follows it: cut a part if it is long enough."""
        count = len(self.parts)
        wanted = FIRST_PART if not count else PART_SECONDS[min(count - 1, len(PART_SECONDS) - 1)]
        if not self.enabled or self.pending < wanted or len(self.data) == self.cut:
            return
        if not self.manifest:  # reserved before writing, so a stop halfway deletes it
            self.manifest = default_storage.get_available_name(f"{self.stem}-live.json")
            self.saved.append(self.manifest)
        size, seconds = whole_frames(bytes(self.data[self.cut :]))
        if not size:
            return
        start = self.parts[-1]["end"] if self.parts else 0.0
        name = part_name(self.manifest, count + 1)
        self.saved.append(name)
        overwrite(name, bytes(self.data[self.cut : self.cut + size]))
        end = round(start + seconds, 6)
        self.parts.append({"src": default_storage.url(name), "start": start, "end": end})
        self.cut, self.pending = self.cut + size, 0.0
        self._write_manifest(complete=False, duration=end, spoken=timings)
        if count == 0:
            self.on_first_part(self.manifest)

    def finish(self) -> bytes:
        """The whole MP3 (the parts are its beginning)."""
        self.data += self.encoder.flush()
        return bytes(self.data)

    def complete(self, *, audio: str, timings_name: str, timings: dict) -> None:
        """The final files are installed: point players at them and delete the parts."""
        if not self.manifest:
            return
        final = {"audio": default_storage.url(audio), "timings": default_storage.url(timings_name)}
        self._write_manifest(complete=True, duration=timings["duration"], spoken=timings, **final)
        for number in range(1, len(self.parts) + 1):
            default_storage.delete(part_name(self.manifest, number))

    def _write_manifest(self, *, complete: bool, duration: float, spoken: dict, **final) -> None:
        document = {"complete": complete, **final, "duration": duration, "parts": self.parts,
                    "segments": spoken["segments"], "words": spoken["words"]}  # fmt: skip
        overwrite(self.manifest, json.dumps(document, ensure_ascii=False).encode())
