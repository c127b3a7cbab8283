"""Publishing, unpublishing and narration become webhook deliveries; uploads get their
outgoing image sizes made in the background."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.images import get_image_model
from wagtail.signals import page_published, page_unpublished

from masthead.narration.signals import narration_ready
from masthead.news.models import ArticlePage

from . import services
from .models import Event, Webhook

PUBLISH_EVENTS = {Event.PUBLISHED, Event.UPDATED}


def remember_whether_live(sender, instance: ArticlePage, raw: bool = False, **kwargs) -> None:
    """Before a publish saves the page, note whether readers could already see it:
    that tells "published" from "updated" (first_published_at survives an unpublish)."""
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and "live" not in update_fields):
        return
    if not PUBLISH_EVENTS & services.subscribed_events():
        return
    instance._distribution_was_live = bool(
        instance.pk and ArticlePage.objects.filter(pk=instance.pk, live=True).exists()
    )


def article_published(sender, instance: ArticlePage, **kwargs) -> None:
    if not instance.live:
        return  # scheduled for later: the scheduled publish sends the signal again
    was_live = getattr(instance, "_distribution_was_live", None)
    if was_live is None:
        was_live = instance.first_published_at != instance.last_published_at
    event = Event.UPDATED if was_live else Event.PUBLISHED
    services.webhook_event_record(event=event, article=instance)


def article_unpublished(sender, instance: ArticlePage, **kwargs) -> None:
    # Also sent just before a live article is deleted: the payload is built now,
    # while the article and its byline still exist.
    services.webhook_event_record(event=Event.UNPUBLISHED, article=instance)


def narration_is_ready(sender, narration, **kwargs) -> None:
    if Event.NARRATION_READY not in services.subscribed_events():
        return
    from .webhooks import narration_payload

    article = ArticlePage.objects.filter(pk=narration.article_id, live=True).first()
    if article is not None:
        extra = {"narration": narration_payload(narration)}
        services.webhook_event_record(event=Event.NARRATION_READY, article=article, extra=extra)


def webhooks_changed(sender, raw: bool = False, **kwargs) -> None:
    services.forget_subscribed_events()


def prepare_share_renditions(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw or not getattr(settings, "MASTHEAD_PREPARE_RENDITIONS", True):
        return
    from .tasks import prepare_share_renditions as task

    transaction.on_commit(partial(task.enqueue, instance.pk))


def register() -> None:
    pre_save.connect(remember_whether_live, sender=ArticlePage, dispatch_uid="dist-was-live")
    page_published.connect(article_published, sender=ArticlePage, dispatch_uid="dist-published")
    page_unpublished.connect(
        article_unpublished, sender=ArticlePage, dispatch_uid="dist-unpublished"
    )
    narration_ready.connect(narration_is_ready, dispatch_uid="dist-narration-ready")
    for signal in (post_save, post_delete):
        signal.connect(webhooks_changed, sender=Webhook, dispatch_uid=f"dist-hooks-{id(signal)}")
    post_save.connect(
        prepare_share_renditions, sender=get_image_model(), dispatch_uid="dist-renditions"
    )
