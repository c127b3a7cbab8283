"""Reading time: words at a configurable rate plus time spent looking at images."""

import math

from django.conf import settings

FIRST_IMAGE_SECONDS = 12
MIN_IMAGE_SECONDS = 3


def image_seconds(images: int) -> int:
    """12 s for the first image, one second less for each further one, never under 3 s."""
    return sum(max(FIRST_IMAGE_SECONDS - i, MIN_IMAGE_SECONDS) for i in range(images))


def reading_minutes(*, words: int, images: int, words_per_minute: int | None = None) -> int:
    wpm = words_per_minute or settings.MASTHEAD_WORDS_PER_MINUTE
    seconds = words * 60 / wpm + image_seconds(images)
    return max(1, math.ceil(seconds / 60))


def reading_label(minutes: int) -> str:
    return f"{minutes} min read"
