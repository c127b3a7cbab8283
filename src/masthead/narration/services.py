"""Writes: request, generate and fail narrations. The only place statuses change."""

import json
import logging
import time
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from masthead.news.models import ArticlePage

from .engines import Engine, get_engine
from .models import Narration
from .script import Script, build_script

if TYPE_CHECKING:  # numpy and the MP3 encoder load only where audio is made
    import numpy as np

logger = logging.getLogger("masthead.narration")
Status = Narration.Status
TRANSITIONS = {
    Status.QUEUED: {Status.RUNNING, Status.QUEUED},
    Status.RUNNING: {Status.READY, Status.FAILED, Status.QUEUED},
    Status.READY: {Status.QUEUED},
    Status.FAILED: {Status.QUEUED},
}
SENTENCE_PAUSE = 0.25
PARAGRAPH_PAUSE = 0.6
CHUNK_PAUSE = 0.12


class InvalidTransition(Exception):
    pass


def _transition(narration: Narration, status: str, **fields) -> None:
    if status not in TRANSITIONS[narration.status]:
        raise InvalidTransition(f"{narration.status} → {status}")
    narration.status = status
    for name, value in fields.items():
        setattr(narration, name, value)
    narration.save(update_fields=["status", *fields])


def narration_enabled(article: ArticlePage) -> bool:
    return getattr(settings, "MASTHEAD_NARRATION_ENABLED", True) and article.narrate


def narration_request(
    *, article_id: int, force: bool = False, enqueue: bool = True
) -> Narration | None:
    """Queue a narration when the spoken text changed (or `force`); None when not needed.

    `enqueue=False` only marks it queued, for callers that generate it themselves.
    """
    article = ArticlePage.objects.live().filter(pk=article_id).first()
    if article is None or not narration_enabled(article):
        return None
    text_hash = build_script(article).text_hash
    with transaction.atomic():
        narration, _ = Narration.objects.select_for_update().get_or_create(article=article)
        if not force and _up_to_date(narration, text_hash):
            return None
        _transition(narration, Status.QUEUED, requested_hash=text_hash, progress=0.0,
                    requested_at=timezone.now(), error="", attempts=0)  # fmt: skip
        if enqueue:
            transaction.on_commit(partial(_enqueue, article_id, text_hash))
    return narration


def _up_to_date(narration: Narration, text_hash: str) -> bool:
    if narration.status == Status.READY:
        return narration.text_hash == text_hash
    in_progress = narration.status in (Status.QUEUED, Status.RUNNING)
    return in_progress and narration.requested_hash == text_hash


def _enqueue(article_id: int, text_hash: str) -> None:
    from .tasks import generate_narration

    generate_narration.enqueue(article_id, text_hash)


def _set_progress(narration_id: int, progress: float) -> None:
    Narration.objects.filter(pk=narration_id).update(progress=progress)


def synthesise(script: Script, engine: Engine, on_progress) -> tuple["np.ndarray", dict]:
    """Speak every chunk; returns the samples and the timings document."""
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


def narration_generate(*, article_id: int, engine: Engine | None = None) -> Narration:
    """Generate the audio now (called by the task). Raises on failure, after recording it."""
    narration = Narration.objects.select_related("article").get(article_id=article_id)
    article = ArticlePage.objects.live().get(pk=article_id)
    script = build_script(article)
    _transition(narration, Status.RUNNING, started_at=timezone.now(), progress=0.0,
                requested_hash=script.text_hash, attempts=narration.attempts + 1)  # fmt: skip
    saved: list[str] = []
    try:
        engine = engine or get_engine()
        last = [0.0, time.monotonic()]

        def on_progress(share: float) -> None:
            # A row update at most every 5 % or 2 s: progress without a write per sentence.
            if share - last[0] >= 0.05 or time.monotonic() - last[1] > 2 or share >= 1:
                _set_progress(narration.pk, share)
                last[:] = [share, time.monotonic()]

        samples, timings = synthesise(script, engine, on_progress)
        from .audio import encode_mp3

        bitrate = getattr(settings, "MASTHEAD_NARRATION_BITRATE", 48)
        mp3 = encode_mp3(samples, sample_rate=engine.sample_rate, bitrate=bitrate)
        stem = f"narration/{article_id}-{script.text_hash[:12]}"
        saved.append(default_storage.save(f"{stem}.mp3", ContentFile(mp3)))
        timings_json = json.dumps(timings, ensure_ascii=False, separators=(",", ":"))
        saved.append(default_storage.save(f"{stem}.json", ContentFile(timings_json.encode())))
        _publish_audio(narration, saved, script, engine, timings["duration"], len(mp3))
    except Exception as error:
        for name in saved:
            default_storage.delete(name)
        narration_fail(narration_id=narration.pk, error=error)
        raise
    return narration


def _publish_audio(narration: Narration, saved: list[str], script: Script, engine: Engine,
                   duration: float, size: int) -> None:  # fmt: skip
    """Swap the new files in, atomically; the old ones are deleted after the commit.

    If the article changed while this ran, the audio is still installed (it is newer
    than what readers had) but the narration stays queued for the newer text.
    """
    now = timezone.now()
    with transaction.atomic():
        current = Narration.objects.select_for_update().get(pk=narration.pk)
        old = [f.name for f in (current.audio, current.timings) if f]
        current.audio.name, current.timings.name = saved
        fields = {"audio": current.audio, "timings": current.timings, "audio_size": size,
                  "duration": duration, "voice": engine.voice_id, "text_hash": script.text_hash,
                  "audio_updated_at": now, "finished_at": now}  # fmt: skip
        if current.requested_hash == script.text_hash:
            _transition(current, Status.READY, progress=1.0, error="", **fields)
        else:
            for name, value in fields.items():
                setattr(current, name, value)
            current.save(update_fields=list(fields))
        transaction.on_commit(partial(_delete_files, [n for n in old if n not in saved]))
    from .signals import narration_ready

    narration_ready.send(sender=Narration, narration=current)


def _delete_files(names: list[str]) -> None:
    # After a grace period, not now: a backup whose database copy was taken before the swap
    # still points at these files and copies the media folder after it (core/housekeeping).
    from masthead.core.housekeeping import schedule_file_deletion

    schedule_file_deletion(names=names)


def narration_fail(*, narration_id: int, error: Exception | str) -> None:
    narration = Narration.objects.get(pk=narration_id)
    message = str(error) or error.__class__.__name__
    logger.warning("Narration %s failed: %s", narration_id, message)
    _transition(narration, Status.FAILED, error=message[:2000], finished_at=timezone.now())


def narration_delete_files(narration: Narration) -> None:
    _delete_files([f.name for f in (narration.audio, narration.timings) if f])
