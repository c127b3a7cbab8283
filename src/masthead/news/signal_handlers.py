"""Side effects of publishing and uploads: fresh navigation, renditions made ahead;
every tag gets a slug its URL can carry."""

import hashlib
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


def forget_navigation(sender, **kwargs) -> None:
    cache.delete(NAV_CACHE_KEY)


def prepare_image_renditions(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not settings.MASTHEAD_PREPARE_RENDITIONS:
        return
    from .tasks import prepare_renditions

    transaction.on_commit(partial(prepare_renditions.enqueue, instance.pk))


def give_tag_a_slug(sender, instance, raw: bool = False, **kwargs) -> None:
    # taggit slugifies "&&" or "<>" to "", and "" has no URL: every page, feed and API
    # response listing such a tag failed on reverse("news:tag") with a server error.
    if raw or instance.slug:
        return
    digest = hashlib.sha256(instance.name.encode()).hexdigest()[:10]
    instance.slug = f"tag-{digest}"


def register() -> None:
    for signal in (page_published, page_unpublished, post_delete):
        signal.connect(forget_navigation, sender=SectionPage, dispatch_uid=f"nav-{id(signal)}")
    page_slug_changed.connect(forget_navigation, dispatch_uid="nav-slug")
    post_page_move.connect(forget_navigation, dispatch_uid="nav-move")
    post_save.connect(prepare_image_renditions, sender=get_image_model(), dispatch_uid="renditions")
    pre_save.connect(give_tag_a_slug, sender=Tag, dispatch_uid="tag-slug")
