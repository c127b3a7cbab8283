"""Template tags of the audience app: the "Read also" list on article pages."""

from django import template

from .. import conf
from ..related import related_articles

register = template.Library()


@register.simple_tag(takes_context=True)
def read_also(context, page, limit: int | None = None) -> list:
    """`{% read_also page as articles %}`: the articles to list under "Read also"."""
    request = context.get("request")
    tags = context.get("article_tags")  # already loaded by the article page
    return related_articles(
        article=page,
        limit=limit or conf.related_limit(),
        tag_ids=[t.pk for t in tags] if tags is not None else None,
        cached=not getattr(request, "is_preview", False),
    )
