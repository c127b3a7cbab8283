"""How long a narration is, written the way the player writes it.

The heading above the player and the player's own clock (static/masthead/js/player.js,
``clock()``) must agree to the second, so both drop the fraction of a second (floor) and
write m:ss, or h:mm:ss past the hour.
"""

import math

from django import template

register = template.Library()


def _parts(seconds: float | None) -> tuple[int, int, int]:
    whole = math.floor(seconds) if seconds and math.isfinite(seconds) and seconds > 0 else 0
    return whole // 3600, whole % 3600 // 60, whole % 60


@register.filter
def clock(seconds: float | None) -> str:
    """214.98 -> "3:34"; 3725 -> "1:02:05"."""
    hours, minutes, secs = _parts(seconds)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


@register.filter
def iso_duration(seconds: float | None) -> str:
    """The same length for a <time datetime>: 214.98 -> "PT3M34S"."""
    hours, minutes, secs = _parts(seconds)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"
