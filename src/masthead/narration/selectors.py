"""Reads of narrations and the lexicon."""

from django.core.cache import cache
from django.db.models import QuerySet

from .models import Narration, PronunciationEntry

LEXICON_CACHE_KEY = "masthead:narration:lexicon"


def lexicon_entries() -> list[tuple[str, str]]:
    entries = cache.get(LEXICON_CACHE_KEY)
    if entries is None:
        entries = list(PronunciationEntry.objects.values_list("phrase", "spoken"))
        cache.set(LEXICON_CACHE_KEY, entries, 300)
    return entries


def playable_narration(*, article_id: int) -> Narration | None:
    """The narration readers can play: one with a complete audio file, else None."""
    return (
        Narration.objects.filter(article_id=article_id)
        .exclude(audio="")
        .only("audio", "timings", "duration", "article_id", "status")
        .first()
    )


def podcast_narrations(*, limit: int = 50) -> QuerySet:
    return (
        Narration.objects.filter(article__live=True)
        .exclude(audio="")
        .select_related("article")
        .order_by("-audio_updated_at")[:limit]
    )
