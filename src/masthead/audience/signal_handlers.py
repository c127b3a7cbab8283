"""Keep the beacon's memory of live articles honest when an article goes away."""

from django.db.models.signals import post_delete
from wagtail.signals import page_unpublished

from .live import live_articles


def forget_article(sender, instance, **kwargs) -> None:
    live_articles.forget(instance.pk)


def register() -> None:
    from masthead.news.models import ArticlePage

    page_unpublished.connect(forget_article, sender=ArticlePage, dispatch_uid="audience-unpub")
    post_delete.connect(forget_article, sender=ArticlePage, dispatch_uid="audience-delete")
