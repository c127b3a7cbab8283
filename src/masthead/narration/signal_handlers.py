"""Publishing narrates; deleting cleans up files; lexicon edits can regenerate."""

from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published

from masthead.news.models import ArticlePage

from .models import Narration, PronunciationEntry
from .selectors import LEXICON_CACHE_KEY


def request_on_publish(sender, instance, **kwargs) -> None:
    from .services import narration_request

    # After the publish commits, so the script is built from what readers see.
    transaction.on_commit(partial(narration_request, article_id=instance.pk))


def delete_files(sender, instance: Narration, **kwargs) -> None:
    from .services import narration_delete_files

    transaction.on_commit(partial(narration_delete_files, instance))


def lexicon_changed(sender, instance=None, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    cache.delete(LEXICON_CACHE_KEY)
    if getattr(settings, "MASTHEAD_NARRATION_REGENERATE_ON_LEXICON_CHANGE", True):
        from .tasks import refresh_narrations_task

        # Only narrations whose spoken text the change alters are queued again: archive
        # work, after every fresh narration.
        transaction.on_commit(lambda: refresh_narrations_task().enqueue())


def register() -> None:
    page_published.connect(request_on_publish, sender=ArticlePage, dispatch_uid="narrate")
    post_delete.connect(delete_files, sender=Narration, dispatch_uid="narration-files")
    for signal in (post_save, post_delete):
        signal.connect(lexicon_changed, sender=PronunciationEntry, dispatch_uid=f"lex-{id(signal)}")
