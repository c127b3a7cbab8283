"""The members app's settings (docs/settings.md), each with its default."""

from django.conf import settings


def link_max_age() -> int:
    """Seconds an e-mailed link stays valid."""
    return int(getattr(settings, "MASTHEAD_MEMBERS_LINK_MAX_AGE", 3600))


def links_per_address() -> int:
    """Links e-mailed to one address an hour; beyond it the same answer, no e-mail."""
    return int(getattr(settings, "MASTHEAD_MEMBERS_LINKS_PER_ADDRESS", 5))


def links_per_client() -> int:
    """Link requests from one client address (or IPv6 /64) an hour."""
    return int(getattr(settings, "MASTHEAD_MEMBERS_LINKS_PER_CLIENT", 30))


def session_days() -> int:
    """How long a member stays signed in on one browser."""
    return int(getattr(settings, "MASTHEAD_MEMBERS_SESSION_DAYS", 60))
