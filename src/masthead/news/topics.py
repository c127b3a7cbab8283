"""The topics index: every topic readers can find an article under, with how many.

A topic is counted only through articles a reader may see (news/visibility.py): a
draft, an unpublished or a restricted article neither adds to a count nor keeps an
otherwise empty topic on the list. One query, whatever the number of topics.
"""

from django.db.models import Count, QuerySet
from taggit.models import Tag

from .visibility import visible_q

ARTICLES = "news_articletag_items"


def topics_with_counts() -> QuerySet:
    """Tags with at least one visible article, A to Z, each with `articles` (its count).

    The visibility filter and the count share one join (one filter() call before the
    aggregate), so only visible articles are counted.
    """
    return (
        Tag.objects.filter(visible_q(f"{ARTICLES}__content_object"))
        .annotate(articles=Count(ARTICLES))
        .filter(articles__gt=0)
        .order_by("name", "pk")
        .only("name", "slug")
    )
