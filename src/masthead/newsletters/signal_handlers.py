"""A newsletter added, renamed or switched off changes the sign-up box on every cached
page: start a new page-cache generation."""

from django.db import transaction

from masthead.core.page_cache import invalidate_all


def newsletter_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    transaction.on_commit(invalidate_all)
