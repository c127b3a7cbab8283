"""Keep the beacon's memory of countable articles honest when an article goes away or a
view restriction is added (a restriction on a section covers all its articles)."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_unpublished

from .live import live_articles


def forget_article(sender, instance, **kwargs) -> None:
    live_articles.forget(instance.pk)


def forget_all(sender, **kwargs) -> None:
    live_articles.forget()


def register() -> None:
    from masthead.news.models import ArticlePage

    page_unpublished.connect(forget_article, sender=ArticlePage, dispatch_uid="audience-unpub")
    post_delete.connect(forget_article, sender=ArticlePage, dispatch_uid="audience-delete")
    post_save.connect(forget_all, sender=PageViewRestriction, dispatch_uid="audience-restrict")
