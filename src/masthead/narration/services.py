"""Writes: request, claim, generate, hand back and fail narrations. Every status change,
here and in repair.py, goes through `_transition` and its TRANSITIONS table.

A run holds a lease on the narration it generates. `narration_claim` takes it, atomically,
only from a narration that is queued, or running under a lease nobody renewed for
MASTHEAD_NARRATION_LEASE seconds (its worker died): the run gets a new `lease_token`, and
renews `lease_renewed_at` as it speaks. A run whose token is gone (another run reclaimed
the narration) stops and throws its files away. `repair.narration_reconcile`, which every
worker runs (core/lanes.py), queues stale runs again, or fails them after
MASTHEAD_NARRATION_MAX_ATTEMPTS. A run whose worker is stopping hands the narration back
to the queue (`WorkerStopping`): not a failure, so the attempt is not counted.
"""

import json
import logging
import time
import uuid
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from masthead.core.lanes import FRESH_PRIORITY, WorkerStopping
from masthead.news.models import ArticlePage

from .engines import Engine, get_engine
from .keepalive import LeaseKeeper
from .live import record_first_part, without_parts
from .models import Narration
from .parts import LiveParts, live_parts_enabled, withdraw
from .script import Script, build_script
from .selectors import fresh_work_waiting
from .synthesis import synthesise

logger = logging.getLogger("masthead.narration")
Status = Narration.Status
TRANSITIONS = {
    # → FAILED: the article was unpublished (or its narration switched off) before it ran.
    Status.QUEUED: {Status.RUNNING, Status.QUEUED, Status.FAILED},
    # → RUNNING: a stale lease reclaimed; → QUEUED: a newer request, a hand-back, a repair.
    Status.RUNNING: {Status.READY, Status.FAILED, Status.QUEUED, Status.RUNNING},
    Status.READY: {Status.QUEUED},
    Status.FAILED: {Status.QUEUED},
}
# Seconds between lease renewals while speaking, at most (a chunk takes a second or two);
# a quarter of the lease if that is shorter (a short lease in tests).
LEASE_RENEWAL = 2.0
NOT_NARRATED = "The article is not published, or its narration is switched off: not narrated."


class InvalidTransition(Exception):
    pass


class YieldToFresh(Exception):
    """An archive run stops for fresh work waiting behind it (a narration just published):
    handed back like a stopping worker's, it is made again after the fresh one."""


class LeaseLost(Exception):
    """This run's lease was taken over: another run claimed the narration (a stale-lease
    reclaim, or a newer request's run)."""


def _transition(narration: Narration, status: str, **fields) -> None:
    if status not in TRANSITIONS[narration.status]:
        raise InvalidTransition(f"{narration.status} → {status}")
    narration.status = status
    for name, value in fields.items():
        setattr(narration, name, value)
    narration.save(update_fields=["status", *fields])


def lease_seconds() -> float:
    return float(getattr(settings, "MASTHEAD_NARRATION_LEASE", 120))


def max_attempts() -> int:
    return int(getattr(settings, "MASTHEAD_NARRATION_MAX_ATTEMPTS", 3))


def article_label(article_id: int) -> str:
    """How logs name an article: “Title” (article 12). Never raises: it is used while
    logging a failure, which may be the database's own."""
    try:
        title = ArticlePage.objects.filter(pk=article_id).values_list("title", flat=True).first()
    except DatabaseError:
        title = None
    return f"“{title}” (article {article_id})" if title is not None else f"article {article_id}"


def narration_enabled(article: ArticlePage) -> bool:
    return getattr(settings, "MASTHEAD_NARRATION_ENABLED", True) and article.narrate


def narration_request(
    *, article_id: int, force: bool = False, enqueue: bool = True, priority: int = FRESH_PRIORITY
) -> Narration | None:
    """Queue a narration when the spoken text changed (or `force`); None when not needed.

    `priority`: FRESH_PRIORITY for a publish or an editor's request, ARCHIVE_PRIORITY for
    re-narrating the archive. `enqueue=False` only marks it queued, for callers that
    generate it themselves. A run in progress finishes and installs its audio; the
    narration stays queued for this request (`_publish_audio`).
    """
    article = ArticlePage.objects.live().filter(pk=article_id).first()
    if article is None or not narration_enabled(article):
        return None
    text_hash = build_script(article).text_hash
    with transaction.atomic():
        narration, _ = Narration.objects.select_for_update().get_or_create(article=article)
        if not force and _up_to_date(narration, text_hash):
            return None
        _transition(narration, Status.QUEUED, requested_hash=text_hash, progress=0.0, error="",
                    requested_at=timezone.now(), attempts=0, priority=priority)  # fmt: skip
        if enqueue:
            transaction.on_commit(partial(enqueue_generation, article_id, text_hash, priority))
    return narration


def _up_to_date(narration: Narration, text_hash: str) -> bool:
    if narration.status == Status.READY:
        return narration.text_hash == text_hash
    in_progress = narration.status in (Status.QUEUED, Status.RUNNING)
    return in_progress and narration.requested_hash == text_hash


def enqueue_generation(
    article_id: int, text_hash: str, priority: int, run_after: datetime | None = None
) -> None:
    from .tasks import narration_task

    narration_task(priority=priority, run_after=run_after).enqueue(article_id, text_hash)


def lease_is_stale(narration: Narration, now: datetime) -> bool:
    renewed = narration.lease_renewed_at
    expired = renewed is None or renewed < now - timedelta(seconds=lease_seconds())
    return narration.status == Status.RUNNING and expired


def fail_stale_run(narration: Narration, now: datetime) -> None:
    message = f"The worker stopped while narrating ({narration.attempts} attempts)."
    _transition(narration, Status.FAILED, error=message, finished_at=now, lease_token="",
                **without_parts(narration))  # fmt: skip
    logger.error("Narration of %s failed: %s", article_label(narration.article_id), message)


def narration_claim(
    *, article_id: int, script: Script | None, text_hash: str = ""
) -> Narration | None:
    """Take the narration for this run (a new lease), or None when it is not this run's.

    Proceeds only from QUEUED, or RUNNING under a stale lease (attempts permitting); a
    `text_hash` other than the requested one means a newer request has its own task.
    `script` None: the article cannot be narrated any more, so the narration fails.
    """
    now = timezone.now()
    with transaction.atomic():
        narration = Narration.objects.select_for_update().filter(article_id=article_id).first()
        if narration is None or (text_hash and narration.requested_hash != text_hash):
            return None
        stale = lease_is_stale(narration, now)
        if narration.status != Status.QUEUED and not stale:
            return None
        if stale and narration.attempts >= max_attempts():
            fail_stale_run(narration, now)
            return None
        if script is None:
            _transition(narration, Status.FAILED, error=NOT_NARRATED, finished_at=now)
            logger.warning("Narration of %s failed: %s", article_label(article_id), NOT_NARRATED)
            return None
        _transition(narration, Status.RUNNING, started_at=now, progress=0.0,
                    requested_hash=script.text_hash, attempts=narration.attempts + 1,
                    lease_token=uuid.uuid4().hex, lease_renewed_at=now,
                    **without_parts(narration))  # fmt: skip
    how = "Reclaiming (its worker stopped)" if stale else "Narrating"
    logger.info("%s %s: %d chunks, attempt %d of %d", how, article_label(article_id),
                script.chunk_count, narration.attempts, max_attempts())  # fmt: skip
    return narration


def narration_renew_lease(*, narration_id: int, token: str, progress: float) -> None:
    """Renew this run's lease and record its progress; LeaseLost when it is not its own."""
    progress_if_running = Case(
        When(status=Status.RUNNING, then=Value(progress)), default=F("progress")
    )
    renewed = Narration.objects.filter(pk=narration_id, lease_token=token).update(
        lease_renewed_at=timezone.now(), progress=progress_if_running
    )
    if not renewed:
        raise LeaseLost


def narration_generate(
    *, article_id: int, engine: Engine | None = None, text_hash: str = "", yields: bool = False
) -> Narration | None:
    """Generate the audio now, under a lease (the task, the `narrate` command).

    None when this run may not (see `narration_claim`), or lost its lease midway (its files
    are thrown away). Raises on failure, after recording it. On WorkerStopping or Ctrl+C,
    deletes its files, hands the narration back to the queue and re-raises. `yields` (a
    worker's task): a run of lower priority than fresh work that has been waiting for
    MASTHEAD_NARRATION_YIELD_AFTER seconds hands its narration back (queued again, with a
    task of its own) and returns None, so the fresh one starts within seconds.
    """
    article = ArticlePage.objects.live().filter(pk=article_id).first()
    script = build_script(article) if article and narration_enabled(article) else None
    saved: list[str] = []
    narration = narration_claim(article_id=article_id, script=script, text_hash=text_hash)
    if narration is None:
        return None
    try:
        current = _run(narration, script, engine, saved, yields)
    except YieldToFresh:
        _discard(saved, narration.pk)
        _hand_back_or_log(narration, enqueue=True)
        return None
    except LeaseLost:
        _discard(saved, narration.pk)
        logger.warning("Narration of %s was taken over by another run; this one stops",
                       article_label(article_id))  # fmt: skip
        return None
    except (WorkerStopping, KeyboardInterrupt) as stopping:
        _discard(saved, narration.pk)
        # A stopping worker queues its task again; Ctrl+C on `narrate` leaves it to a worker.
        _hand_back_or_log(narration, enqueue=isinstance(stopping, KeyboardInterrupt))
        raise
    except Exception as error:
        _discard(saved, narration.pk)
        _record_failure(narration, error)
        raise
    _send_ready(current)
    return current


def _run(narration: Narration, script: Script, engine: Engine | None, saved: list[str],
         yields: bool = False):  # fmt: skip
    token, started = narration.lease_token, time.monotonic()
    every = min(LEASE_RENEWAL, lease_seconds() / 4)
    # Kept alive from the claim on: loading the voice the first time takes a while too.
    with LeaseKeeper(narration_id=narration.pk, token=token, every=every):
        return _speak(narration, script, engine, saved, yields, token, started, every)


def _speak(narration, script, engine, saved, yields, token, started, every):
    engine = engine or get_engine()
    narration_renew_lease(narration_id=narration.pk, token=token, progress=0.0)
    last = [0.0, time.monotonic()]

    def on_progress(share: float) -> None:
        # One row update (progress and lease) at most every 5 % or `every` seconds.
        if share - last[0] >= 0.05 or time.monotonic() - last[1] >= every or share >= 1:
            narration_renew_lease(narration_id=narration.pk, token=token, progress=share)
            last[:] = [share, time.monotonic()]
            if yields and share < 1 and fresh_work_waiting(narration):
                raise YieldToFresh

    stem = f"narration/{narration.article_id}-{script.text_hash[:12]}"
    bitrate = getattr(settings, "MASTHEAD_NARRATION_BITRATE", 48)
    live = LiveParts(stem=stem, sample_rate=engine.sample_rate, bitrate=bitrate, saved=saved,
                     on_first_part=partial(record_first_part, narration, token),
                     enabled=live_parts_enabled())  # fmt: skip
    timings = synthesise(script, engine, on_progress, live.feed, live.sentence_done)
    mp3 = live.finish()
    files = [_save(f"{stem}.mp3", mp3, saved)]
    timings_json = json.dumps(timings, ensure_ascii=False, separators=(",", ":"))
    files.append(_save(f"{stem}.json", timings_json.encode(), saved))
    current = _publish_audio(narration, [*files, live.manifest], script, engine,
                             timings["duration"], len(mp3))  # fmt: skip
    live.complete(audio=files[0], timings_name=files[1], timings=timings)
    newer = current.status != Status.READY  # an edit or "Regenerate" came in meanwhile
    outcome = "installed; queued again for a newer request" if newer else "ready"
    label = article_label(narration.article_id)
    logger.info("Narration of %s %s: %.0f s of audio in %.0f s", label, outcome,
                timings["duration"], time.monotonic() - started)  # fmt: skip
    return current


def _save(name: str, content: bytes, saved: list[str]) -> str:
    # The name is known before writing starts, so a stop halfway still deletes the file.
    saved.append(default_storage.get_available_name(name))
    saved[-1] = default_storage.save(saved[-1], ContentFile(content))
    return saved[-1]


def _discard(names: list[str], narration_id: int) -> None:
    """Delete a run's files (its live parts too), except those the narration plays (a stop
    after the swap: the audio, its timings and the manifest that points at them)."""
    try:
        row = Narration.objects.filter(pk=narration_id).values_list("audio", "timings", "manifest")
        audio, timings, manifest = row.first() or ("", "", "")
        keep = {audio, timings, manifest} if audio in names else set()
        for name in set(names) - keep:
            default_storage.delete(name)
    except Exception:
        logger.exception("Could not delete the unfinished narration files %s", names)


def _publish_audio(narration: Narration, files: list[str], script: Script, engine: Engine,
                   duration: float, size: int) -> Narration:  # fmt: skip
    """Swap the new files in, atomically; the old ones are deleted after the commit.

    If a newer request came in while this ran (an edit, "Regenerate"), the audio is still
    installed (it is newer than what readers had) but the narration stays queued for it.
    """
    now = timezone.now()
    with transaction.atomic():
        current = Narration.objects.select_for_update().get(pk=narration.pk)
        if current.lease_token != narration.lease_token:
            raise LeaseLost
        old = [f.name for f in (current.audio, current.timings, current.manifest) if f]
        current.audio.name, current.timings.name, current.manifest.name = files
        fields = {"audio": current.audio, "timings": current.timings,
                  "manifest": current.manifest, "audio_size": size,
                  "duration": duration, "voice": engine.voice_id, "text_hash": script.text_hash,
                  "audio_updated_at": now, "finished_at": now}  # fmt: skip
        if current.status == Status.RUNNING:
            _transition(current, Status.READY, progress=1.0, error="", lease_token="", **fields)
        else:
            for name, value in fields.items():
                setattr(current, name, value)
            current.save(update_fields=list(fields))
        transaction.on_commit(partial(_delete_files, [n for n in old if n not in files]))
    return current


def _send_ready(narration: Narration) -> None:
    # The audio is in place whatever a listener does: one that fails is logged, not fatal.
    from .signals import narration_ready

    for receiver, result in narration_ready.send_robust(sender=Narration, narration=narration):
        if isinstance(result, Exception):
            label = article_label(narration.article_id)
            logger.error("After the narration of %s: %s failed", label, receiver, exc_info=result)


def _delete_files(names: list[str]) -> None:
    # After a grace period, not now: a backup whose database copy was taken before the swap
    # still points at these files and copies the media folder after it (core/housekeeping).
    from masthead.core.housekeeping import schedule_file_deletion

    schedule_file_deletion(names=names)


def _hand_back_or_log(narration: Narration, *, enqueue: bool) -> None:
    try:
        narration_hand_back(narration_id=narration.pk, token=narration.lease_token, enqueue=enqueue)
    except Exception:
        logger.exception("Could not hand the narration of %s back; it is queued again when "
                         "its lease runs out", article_label(narration.article_id))  # fmt: skip


def narration_hand_back(*, narration_id: int, token: str, enqueue: bool = False) -> None:
    """Put a run's narration back in the queue, its attempt not counted (worker stopping);
    `enqueue`: with a task of its own (the run was not a worker's task)."""
    with transaction.atomic():
        narration = (
            Narration.objects.select_for_update().filter(pk=narration_id, lease_token=token).first()
        )
        if narration is None or narration.status != Status.RUNNING:
            return  # reclaimed meanwhile, or queued for a newer request: nothing to hand back
        _transition(narration, Status.QUEUED, progress=0.0, attempts=max(narration.attempts - 1, 0),
                    lease_token="", lease_renewed_at=None, **without_parts(narration))  # fmt: skip
        if enqueue:
            again = partial(enqueue_generation, narration.article_id, narration.requested_hash,
                            narration.priority)  # fmt: skip
            transaction.on_commit(again)
    logger.info("Narration of %s handed back to the queue: its worker is stopping",
                article_label(narration.article_id))  # fmt: skip


def _record_failure(narration: Narration, error: Exception) -> None:
    # The original error is what matters: a failure to record it (a full disk) is logged
    # beside it, and the lease running out brings the narration back (narration_reconcile).
    try:
        narration_fail(narration_id=narration.pk, error=error, token=narration.lease_token)
    except Exception:
        label = article_label(narration.article_id)
        logger.exception("Narration of %s failed (%s: %s) and the failure could not be recorded; "
                         "it is queued again when its lease runs out",
                         label, type(error).__name__, error)  # fmt: skip


def narration_fail(*, narration_id: int, error: Exception | str, token: str = "") -> None:
    """Record a run's failure; not when another run or a newer request has the narration."""
    message = str(error) or error.__class__.__name__
    with transaction.atomic():
        narration = Narration.objects.select_for_update().get(pk=narration_id)
        ours = narration.status == Status.RUNNING and (not token or narration.lease_token == token)
        if ours:
            _transition(narration, Status.FAILED, error=message[:2000],
                        finished_at=timezone.now(), lease_token="",
                        **without_parts(narration))  # fmt: skip
    note = f"attempt {narration.attempts} of {max_attempts()}" if ours else "a newer run has it"
    logger.warning("Narration of %s failed (%s): %s", article_label(narration.article_id), note,
                   message)  # fmt: skip


def narration_delete_files(narration: Narration) -> None:
    _delete_files([f.name for f in (narration.audio, narration.timings) if f])
    if narration.manifest:
        withdraw(narration.manifest.name)
