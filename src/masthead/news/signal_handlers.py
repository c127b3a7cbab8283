"""Side effects of publishing and uploads: fresh navigation, renditions made ahead;
usable tag slugs."""

from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .models import SectionPage
from .selectors import NAV_CACHE_KEY
from .tags import give_tag_a_usable_slug


def forget_navigation(sender, **kwargs) -> None:
    cache.delete(NAV_CACHE_KEY)


def prepare_image_renditions(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not settings.MASTHEAD_PREPARE_RENDITIONS:
        return
    from .tasks import prepare_renditions

    transaction.on_commit(partial(prepare_renditions.enqueue, instance.pk))


def register() -> None:
    for signal in (page_published, page_unpublished, post_delete):
        signal.connect(forget_navigation, sender=SectionPage, dispatch_uid=f"nav-{id(signal)}")
    page_slug_changed.connect(forget_navigation, dispatch_uid="nav-slug")
    post_page_move.connect(forget_navigation, dispatch_uid="nav-move")
    pre_save.connect(give_tag_a_usable_slug, sender=Tag, dispatch_uid="tag-slug")
    post_save.connect(prepare_image_renditions, sender=get_image_model(), dispatch_uid="renditions")
