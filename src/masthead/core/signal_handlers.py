"""Anything readers could see changed: make stale what it shows on (app cache, front cache)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import front_cache, invalidation


def invalidate_on_commit(sender=None, signal=None, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    # What the change affects is worked out now (a deleted page's place is still known),
    # and made stale after the commit: a reader who misses the cache then renders the
    # new content.
    try:
        tags = invalidation.tags_for_change(signal, sender=sender, **kwargs)
    except Exception:  # never lose a publish over this: make everything stale instead
        invalidation.logger.exception("Could not work out what a change affects")
        tags = {invalidation.EVERYTHING}
    transaction.on_commit(lambda: invalidation.invalidate(tags))
    # Then the front cache (Varnish), if one is configured: after the app cache, so a
    # Varnish miss is answered with the new page.
    targeted = None if invalidation.EVERYTHING in tags else tags
    front_cache.purge_on_commit(sender, signal=signal, tags=targeted, **kwargs)


def register() -> None:
    from masthead.curation.models import EditorsPick, EditorsPicks
    from masthead.narration.signals import narration_parts_changed, narration_ready
    from masthead.news.models import Author

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(invalidate_on_commit, dispatch_uid=f"pagecache-{id(signal)}")
    post_delete.connect(invalidate_on_commit, sender=Page, dispatch_uid="pagecache-delete")
    for model in (EditorsPicks, EditorsPick, Author, Site, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(invalidate_on_commit, sender=model,
                           dispatch_uid=f"pagecache-{model.__name__}-{id(signal)}")  # fmt: skip
    narration_ready.connect(invalidate_on_commit, dispatch_uid="pagecache-narration")
    # The "being prepared" player appears with a run's first live part (narration/parts.py).
    narration_parts_changed.connect(invalidate_on_commit, dispatch_uid="pagecache-narration-parts")
