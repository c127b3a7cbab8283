"""The home and article pages' context: news's own parts with the cards of the apps
above it ("Most popular", "Editors' Picks", "Read also") and the narration player,
every card loaded in one query (news/selectors.cards_by_id)."""

from typing import Any

from django.conf import settings

from masthead.audience import conf as audience_conf
from masthead.audience.related import prepare_related_articles, related_article_ids
from masthead.audience.selectors import most_popular_ids
from masthead.curation.selectors import editors_pick_ids
from masthead.narration.selectors import playable_narration_of
from masthead.news import selectors as news
from masthead.news.models import ArticlePage


def home_context() -> dict[str, Any]:
    return news.home_context(
        popular=most_popular_ids(limit=settings.MASTHEAD_MOST_POPULAR_LIMIT),
        picks=editors_pick_ids(limit=settings.MASTHEAD_EDITORS_PICKS_LIMIT),
    )


def article_context(article: ArticlePage, *, preview: bool = False) -> dict[str, Any]:
    """Everything around the article: news's byline, tags and corrections, narration,
    and the cards of "Most popular", "Editors' Picks" and "Read also", loaded together.

    The page itself is served only to readers who passed its view restrictions (Wagtail
    checks them before rendering), so its own player stays; every card is a page that
    any reader may see (news/visibility.py).
    """
    context = news.article_context(article)
    popular = most_popular_ids(limit=settings.MASTHEAD_MOST_POPULAR_LIMIT, exclude_id=article.pk)
    picks = editors_pick_ids(limit=settings.MASTHEAD_EDITORS_PICKS_LIMIT, exclude_id=article.pk)
    read_also_limit = audience_conf.related_limit()
    read_also = related_article_ids(
        article=article,
        limit=read_also_limit,
        tag_ids=[t.pk for t in context["article_tags"]],
        cached=not preview,
    )
    cards = news.cards_by_id([pk for pk, _ in popular] + picks + read_also)
    prepare_related_articles(
        article, limit=read_also_limit, cached=not preview, ids=read_also, cards=cards
    )
    return {
        **context,
        "narration": playable_narration_of(article) if article.narrate else None,
        "most_popular": news.with_views(popular, cards),
        "editors_picks": [cards[pk] for pk in picks if pk in cards],
    }


def add_narration_panel() -> None:
    """Narration's status panel in the article editor's "Narration" group (Settings tab):
    the page model belongs to news, the panel to narration."""
    from wagtail.admin.panels import MultiFieldPanel

    from masthead.narration.panels import NarrationPanel

    panels = []
    for panel in ArticlePage.settings_panels:
        if isinstance(panel, MultiFieldPanel) and panel.heading == "Narration":
            if not any(isinstance(child, NarrationPanel) for child in panel.children):
                panel = MultiFieldPanel([*panel.children, NarrationPanel()], heading="Narration")
        panels.append(panel)
    ArticlePage.settings_panels = panels
    ArticlePage.get_edit_handler.cache_clear()  # built lazily; drop any earlier build
