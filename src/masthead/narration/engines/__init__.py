"""Text-to-speech engines. The engine is a setting (MASTHEAD_NARRATION_ENGINE):
any class with the `Engine` interface, loaded once per process."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Engine, SpokenChunk, WordTiming

DEFAULT_ENGINE = "masthead.narration.engines.piper.PiperEngine"

__all__ = ["Engine", "SpokenChunk", "WordTiming", "get_engine"]


@cache
def _load(path: str, options: tuple) -> Engine:
    return import_string(path)(**dict(options))


def get_engine() -> Engine:
    """The configured engine; the voice is loaded once per worker process."""
    path = getattr(settings, "MASTHEAD_NARRATION_ENGINE", DEFAULT_ENGINE)
    options = getattr(settings, "MASTHEAD_NARRATION_ENGINE_OPTIONS", {})
    return _load(path, tuple(sorted(options.items())))
