"""The audience app's settings, each `getattr(settings, "MASTHEAD_...", default)`.

Read on every call (not at import), so tests and settings overrides take effect at once.
Every one is documented in docs/audience.md.
"""

from django.conf import settings


def popular_hours() -> int:
    return getattr(settings, "MASTHEAD_MOST_POPULAR_HOURS", 48)


def popular_cache_seconds() -> int:
    return getattr(settings, "MASTHEAD_MOST_POPULAR_CACHE_SECONDS", 60)


def related_limit() -> int:
    return getattr(settings, "MASTHEAD_RELATED_LIMIT", 4)


def related_cache_seconds() -> int:
    return getattr(settings, "MASTHEAD_RELATED_CACHE_SECONDS", 600)


def redis_url() -> str:
    # Production settings define REDIS_URL from the environment; the audience buffer
    # follows it unless given a Redis of its own.
    own = getattr(settings, "MASTHEAD_AUDIENCE_REDIS_URL", "")
    return own or getattr(settings, "REDIS_URL", "")


def redis_prefix() -> str:
    return getattr(settings, "MASTHEAD_AUDIENCE_REDIS_PREFIX", "masthead:audience:")


def flush_interval() -> int:
    return getattr(settings, "MASTHEAD_AUDIENCE_FLUSH_INTERVAL", 60)


def retention_days() -> int:
    return getattr(settings, "MASTHEAD_AUDIENCE_RETENTION_DAYS", 400)


def burst_limit() -> int:
    return getattr(settings, "MASTHEAD_AUDIENCE_BURST_LIMIT", 20)


def burst_seconds() -> int:
    return getattr(settings, "MASTHEAD_AUDIENCE_BURST_SECONDS", 60)


def daily_cap() -> int:
    return getattr(settings, "MASTHEAD_AUDIENCE_DAILY_CAP", 20)


def dedupe() -> bool:
    return getattr(settings, "MASTHEAD_AUDIENCE_DEDUPE", False)


def dedupe_minutes() -> int:
    return getattr(settings, "MASTHEAD_AUDIENCE_DEDUPE_MINUTES", 30)


def client_ip_header() -> str:
    return getattr(settings, "MASTHEAD_AUDIENCE_CLIENT_IP_HEADER", "")
