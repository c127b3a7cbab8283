""" "Read also": editors' picks first, then articles that share rare tags, the section,
and recency. Bounded work per article: a few candidates per tag and the latest of the
section, never a scan of the archive. The chosen ids are cached until the next publish."""

import math
import re
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from masthead.news.models import ArticlePage, ArticleTag

from . import conf

CANDIDATES_PER_TAG = 100  # the newest articles of each tag
SECTION_CANDIDATES = 30  # the newest articles of the section
SECTION_WEIGHT = 1.0  # as much as one tag shared by about half the archive (idf ≈ 1.1)
RECENCY_WEIGHT = 1.0  # a new article; halves every RECENCY_HALF_LIFE_DAYS
RECENCY_HALF_LIFE_DAYS = 30

LINK_TAG_RE = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
PAGE_ID_RE = re.compile(r"""\bid=["']?(\d+)""")


def related_articles(
    *, article: ArticlePage, limit: int = 4, tag_ids: list[int] | None = None, cached: bool = True
) -> list[ArticlePage]:
    """Up to `limit` live articles to read next, each never the article itself nor one
    already linked in its body (related cards, links in the text).

    `tag_ids` saves a query when the caller has the article's tags; `cached=False` is
    for previews, whose picks and body may differ from the published page's.
    """
    from masthead.news.selectors import article_cards_queryset

    if article.pk is None:
        return []
    key = _cache_key(article, limit)
    ids = cache.get(key) if cached else None
    if ids is None:
        ids = related_ids(article=article, size=2 * limit, tag_ids=tag_ids)
        if cached:
            cache.set(key, ids, conf.related_cache_seconds())
    cards = {a.pk: a for a in article_cards_queryset().filter(pk__in=ids)} if ids else {}
    return [cards[pk] for pk in ids if pk in cards][:limit]


def _cache_key(article: ArticlePage, limit: int) -> str:
    # A new live revision (picks, body links or tags changed) gets a new key.
    return f"audience:related:{article.pk}:{article.live_revision_id}:{limit}"


def related_ids(*, article: ArticlePage, size: int, tag_ids: list[int] | None = None) -> list[int]:
    """Picks in the editors' order, then the best-scored suggestions; `size` ids at most."""
    skip = {article.pk, *linked_article_ids(article)}
    picks = [p.article_id for p in article.read_also_picks.all()]
    chosen = list(dict.fromkeys(pk for pk in picks if pk not in skip))
    skip |= set(chosen)
    scores = suggestion_scores(article=article, tag_ids=tag_ids)
    # Best score first; among equals the newer article (higher id) first.
    ranked = sorted((pk for pk in scores if pk not in skip), key=lambda pk: (-scores[pk], -pk))
    return (chosen + ranked)[:size]


def linked_article_ids(article: ArticlePage) -> set[int]:
    """Pages the body already links to: related-article cards and links in rich text.

    Read from the stored JSON, so no block is rendered and no query is run.
    """
    linked: set[int] = set()
    for block in article.body.raw_data:
        value = block.get("value")
        if block.get("type") == "related" and isinstance(value, dict):
            if isinstance(value.get("article"), int):
                linked.add(value["article"])
        for text in _strings(value):
            for tag in LINK_TAG_RE.findall(text):
                match = PAGE_ID_RE.search(tag)
                if 'linktype="page"' in tag and match:
                    linked.add(int(match.group(1)))
    return linked


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def suggestion_scores(
    *, article: ArticlePage, tag_ids: list[int] | None = None
) -> dict[int, float]:
    """{article id: score} for candidates sharing a tag or the section (≤ 3 queries).

    score = Σ log(1 + N / df) over shared tags (rare tags weigh more)
            + SECTION_WEIGHT if in the same section + RECENCY_WEIGHT × freshness
    """
    tags = list(article.tags.values_list("pk", flat=True)) if tag_ids is None else tag_ids
    parent_path = article.path[: -ArticlePage.steplen]
    candidates: dict[int, list] = {}  # id → [tag score, published, same section]
    if tags:
        total = _live_article_count()
        for pk, df, when, path in _tag_candidates(tags):
            entry = candidates.setdefault(pk, [0.0, when, path.startswith(parent_path)])
            entry[0] += math.log(1 + total / df)
    for pk, when in _section_candidates(article, parent_path):
        candidates.setdefault(pk, [0.0, when, True])
    candidates.pop(article.pk, None)
    now = timezone.now()
    return {
        pk: tag_score + SECTION_WEIGHT * same + RECENCY_WEIGHT * _freshness(when, now)
        for pk, (tag_score, when, same) in candidates.items()
    }


def _tag_candidates(tag_ids: list[int]) -> list[tuple[int, int, datetime | None, str]]:
    """(article, articles with this tag, published, path): each tag's newest few."""
    newest_first = [F("content_object__published_at").desc(nulls_last=True), F("pk").desc()]
    return list(
        ArticleTag.objects.filter(tag_id__in=tag_ids, content_object__live=True)
        .annotate(
            df=Window(Count("pk"), partition_by=F("tag_id")),
            rank=Window(RowNumber(), partition_by=F("tag_id"), order_by=newest_first),
        )
        .filter(rank__lte=CANDIDATES_PER_TAG)
        .values_list(
            "content_object_id", "df", "content_object__published_at", "content_object__path"
        )
    )


def _section_candidates(article: ArticlePage, parent_path: str) -> list[tuple[int, datetime]]:
    return list(
        ArticlePage.objects.live()
        .filter(path__startswith=parent_path, depth=article.depth)
        .exclude(pk=article.pk)
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
        .values_list("pk", "published_at")[:SECTION_CANDIDATES]
    )


def _live_article_count() -> int:
    count = cache.get("audience:live-articles")
    if count is None:
        count = ArticlePage.objects.live().count()
        cache.set("audience:live-articles", count, 3600)
    return max(count, 1)


def _freshness(when: datetime | None, now: datetime) -> float:
    if when is None:
        return 0.0
    age_days = max((now - when).total_seconds(), 0) / 86400
    return 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
