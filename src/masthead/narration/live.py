"""The narration's record of its live parts (parts.py writes the files): set under the
run's lease when the first part exists, forgotten (files deleted, page made fresh) when a
run stops or a new one starts. Used by services.py and repair.py."""

import logging
from functools import partial

from django.db import transaction

from .models import Narration
from .parts import withdraw

logger = logging.getLogger("masthead.narration")


def without_parts(narration: Narration) -> dict:
    """The fields that forget the narration's live parts (an earlier run's); deletes their
    files after the commit and, if readers were playing them, makes the page fresh."""
    manifest = narration.manifest.name
    if manifest:
        transaction.on_commit(partial(_withdraw, narration, manifest))
    return {"manifest": ""}


def _withdraw(narration: Narration, manifest: str) -> None:
    from .signals import narration_parts_changed

    try:
        withdraw(manifest)
    except Exception:
        logger.exception("Could not delete the live parts of %s", manifest)
    if not narration.audio:  # readers had the parts, not a complete file
        narration_parts_changed.send_robust(sender=Narration, narration=narration)


def record_first_part(narration: Narration, token: str, manifest: str) -> None:
    """The run's first part is written: readers with no audio yet can play it."""
    from .services import LeaseLost
    from .signals import narration_parts_changed

    updated = Narration.objects.filter(pk=narration.pk, lease_token=token).update(manifest=manifest)
    if not updated:
        raise LeaseLost
    narration.manifest.name = manifest
    narration_parts_changed.send_robust(sender=Narration, narration=narration)
