"""Reads of narrations and the lexicon."""

from django.core.cache import cache
from django.db.models import Q, QuerySet

from masthead.news.visibility import has_visible_page, open_access

from .models import Narration, PronunciationEntry

LEXICON_CACHE_KEY = "masthead:narration:lexicon"


def fresh_work_waiting(narration: Narration) -> bool:
    """Is a narration of higher priority than `narration`'s (a fresh one, behind this
    archive run) waiting, for MASTHEAD_NARRATION_YIELD_AFTER seconds (so an idle worker
    would have taken it)? Never on a queue without priorities (there it would not go next),
    nor for a retry, which waits for its own time."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from .tasks import generate_narration

    after = float(getattr(settings, "MASTHEAD_NARRATION_YIELD_AFTER", 1.0))
    if after < 0 or not generate_narration.get_backend().supports_priority:
        return False
    return Narration.objects.filter(
        status=Narration.Status.QUEUED,
        attempts=0,
        priority__gt=narration.priority,
        requested_at__lte=timezone.now() - timedelta(seconds=after),
    ).exists()


def lexicon_entries() -> list[tuple[str, str]]:
    entries = cache.get(LEXICON_CACHE_KEY)
    if entries is None:
        entries = list(PronunciationEntry.objects.values_list("phrase", "spoken"))
        cache.set(LEXICON_CACHE_KEY, entries, 300)
    return entries


def playable_narration(*, article_id: int) -> Narration | None:
    """The narration readers can play: one with a complete audio file, or, before there
    is one, a run that has made its first live parts (`Narration.is_live`); else None."""
    live = Q(status=Narration.Status.RUNNING) & ~Q(manifest="")
    return (
        Narration.objects.filter(Q(article_id=article_id) & (~Q(audio="") | live))
        .only("audio", "timings", "manifest", "duration", "article_id", "status")
        .first()
    )


def playable_narration_of(article) -> Narration | None:
    """`playable_narration` for an article, without a query when the article was loaded
    with its narration (`select_related("narration")`, as the article route does)."""
    from django.core.exceptions import ObjectDoesNotExist

    if "narration" not in article._state.fields_cache:
        return playable_narration(article_id=article.pk)
    try:
        narration = article.narration
    except ObjectDoesNotExist:
        return None
    return narration if narration.audio or narration.is_live else None


def podcast_narrations(*, limit: int = 50) -> QuerySet:
    """Narrations of articles any reader may see (news/visibility.py), newest audio first:
    a restricted article's audio is its whole text, and so is a members-only one's."""
    return (
        Narration.objects.filter(has_visible_page("article_id"), open_access("article_id"))
        .exclude(audio="")
        .select_related("article")
        .order_by("-audio_updated_at")[:limit]
    )


def narration_for_file(*, name: str) -> Narration | None:
    """The narration whose audio, timings or live-parts manifest is `name` (a storage
    name), with its article; None for a file no narration refers to."""
    return (
        Narration.objects.filter(Q(audio=name) | Q(timings=name) | Q(manifest=name))
        .select_related("article")
        .defer("article__body")
        .first()
    )


def narration_status_of(article) -> str:
    """What staff see of an article's narration, in a few words ("Ready, 2:31",
    "Generating, 40 %", "Failed", "Waiting in the queue", "Off for this article"). No
    query when the article was loaded with its narration (the article route does)."""
    from django.core.exceptions import ObjectDoesNotExist

    if not article.narrate:
        return "Off for this article"
    try:
        narration = article.narration
    except ObjectDoesNotExist:
        return "Not made yet"
    status = Narration.Status
    if narration.status == status.READY and narration.duration:
        minutes, seconds = divmod(round(narration.duration), 60)
        return f"Ready, {minutes}:{seconds:02d}"
    if narration.status == status.RUNNING:
        return f"Generating, {narration.percent} %"
    if narration.status == status.QUEUED:
        return "Waiting in the queue"
    return narration.get_status_display()
