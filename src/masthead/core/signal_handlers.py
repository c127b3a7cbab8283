"""Anything readers could see changed: make cached pages stale (app cache, front cache)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import front_cache
from .page_cache import invalidate_all


def invalidate_on_commit(sender=None, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    # After the commit: a reader who misses the cache then renders the new content.
    transaction.on_commit(invalidate_all)
    # Then the front cache (Varnish), if one is configured: after the app cache, so a
    # Varnish miss is answered with the new page.
    front_cache.purge_on_commit(sender, **kwargs)


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
