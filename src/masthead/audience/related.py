""" "Read also": editors' picks first, then articles that share rare tags, the section,
and recency. Bounded work per article: the newest few taggings of each tag and the
newest articles of the section, each read from an index that stops after them, never a
scan of the archive (bench/scale.py: the same cost at 100,000 articles as at 100). The
chosen ids are cached until the next publish."""

import math
import re
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from masthead.news.models import ArticlePage, ArticleTag
from masthead.news.visibility import has_visible_page, visible_to_readers

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
    """Up to `limit` articles to read next that any reader may see (news/visibility.py),
    each never the article itself nor one already linked in its body (related cards,
    links in the text).

    `tag_ids` saves a query when the caller has the article's tags; `cached=False` is
    for previews, whose picks and body may differ from the published page's. When the
    article page loaded these cards with its others (`prepare_related_articles`), they
    are returned without a query.
    """
    from masthead.news.selectors import cards_by_id

    prepared = getattr(article, "_prepared_related", {}).get((limit, cached))
    if prepared is not None:
        return prepared
    ids = related_article_ids(article=article, limit=limit, tag_ids=tag_ids, cached=cached)
    cards = cards_by_id(ids)
    return [cards[pk] for pk in ids if pk in cards][:limit]


def related_article_ids(
    *, article: ArticlePage, limit: int = 4, tag_ids: list[int] | None = None, cached: bool = True
) -> list[int]:
    """The ids `related_articles` chooses from, best first (twice `limit`: some may have
    been unpublished since they were cached)."""
    if article.pk is None:
        return []
    key = _cache_key(article, limit)
    ids = cache.get(key) if cached else None
    if ids is None:
        ids = related_ids(article=article, size=2 * limit, tag_ids=tag_ids)
        if cached:
            cache.set(key, ids, conf.related_cache_seconds())
    return ids


def prepare_related_articles(
    article: ArticlePage, *, limit: int, cached: bool, ids: list[int], cards: dict
) -> None:
    """Hand `related_articles` the cards of `ids`, already loaded with the page's others."""
    chosen = [cards[pk] for pk in ids if pk in cards][:limit]
    article._prepared_related = {
        **getattr(article, "_prepared_related", {}),
        (limit, cached): chosen,
    }


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
    """{article id: score} for candidates sharing a tag or the section (≤ 4 queries, two
    of them cached for an hour).

    score = Σ log(1 + N / df) over shared tags (rare tags weigh more)
            + SECTION_WEIGHT if in the same section + RECENCY_WEIGHT × freshness
    """
    from masthead.news.selectors import article_count

    tags = list(article.tags.values_list("pk", flat=True)) if tag_ids is None else tag_ids
    parent_path = article.path[: -ArticlePage.steplen]
    candidates: dict[int, list] = {}  # id → [tag score, published, same section]
    if tags:
        total = article_count()
        frequency = _tag_frequencies(tags)
        for pk, tag_id, when, path in _tag_candidates(tags):
            entry = candidates.setdefault(pk, [0.0, when, path.startswith(parent_path)])
            entry[0] += math.log(1 + total / max(frequency.get(tag_id, 1), 1))
    for pk, when in _section_candidates(article, parent_path):
        candidates.setdefault(pk, [0.0, when, True])
    candidates.pop(article.pk, None)
    now = timezone.now()
    return {
        pk: tag_score + SECTION_WEIGHT * same + RECENCY_WEIGHT * _freshness(when, now)
        for pk, (tag_score, when, same) in candidates.items()
    }


def _tag_candidates(tag_ids: list[int]) -> list[tuple[int, int, datetime | None, str]]:
    """(article, tag, published, path) of each tag's newest taggings of visible articles.

    "Newest" by tagging (the tag index's own order), so the database reads a hundred
    entries per tag and stops: ranking a popular tag's 20,000 articles by publication
    date took a second at 100,000 articles. Recency still counts in the score.
    """
    columns = ["content_object_id", "tag_id"]
    columns += ["content_object__published_at", "content_object__path"]
    parts = [
        # One part per tag, joined with UNION ALL: ORed together, PostgreSQL read every
        # tagging (SQLite allows no LIMIT in a UNION's parts, but does in their subqueries).
        ArticleTag.objects.filter(
            pk__in=ArticleTag.objects.filter(tag_id=tag_id)
            .order_by("-pk")
            .values("pk")[:CANDIDATES_PER_TAG],
        )
        .filter(has_visible_page("content_object_id"))
        .order_by()
        .values_list(*columns)
        for tag_id in tag_ids
    ]
    return list(parts[0].union(*parts[1:], all=True))


def _tag_frequencies(tag_ids: list[int]) -> dict[int, int]:
    """{tag: articles a reader may see that are tagged with it}; cached for an hour.

    Drafts and restricted articles do not count: a tag on fifty unpublished drafts is
    no less rare to a reader."""
    keys = {tag_id: f"audience:tag-df:{tag_id}" for tag_id in tag_ids}
    found = cache.get_many(keys.values())
    frequency = {tag_id: found[key] for tag_id, key in keys.items() if key in found}
    missing = [tag_id for tag_id in tag_ids if tag_id not in frequency]
    if missing:
        counted = dict(
            ArticleTag.objects.filter(tag_id__in=missing)
            .filter(has_visible_page("content_object_id"))
            .values_list("tag_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counted = {tag_id: counted.get(tag_id, 0) for tag_id in missing}
        cache.set_many({keys[tag_id]: n for tag_id, n in counted.items()}, 3600)
        frequency.update(counted)
    return frequency


def _section_candidates(article: ArticlePage, parent_path: str) -> list[tuple[int, datetime]]:
    from masthead.news.selectors import newest_first

    # The path as a LIKE, so the database walks the published_at index newest first and
    # stops after a few rows (a path range had SQLite sort the whole section).
    siblings = visible_to_readers(ArticlePage.objects.all()).filter(
        path__startswith=parent_path, depth=article.depth
    )
    return list(
        newest_first(siblings.exclude(pk=article.pk)).values_list("pk", "published_at")[
            :SECTION_CANDIDATES
        ]
    )


def _freshness(when: datetime | None, now: datetime) -> float:
    if when is None:
        return 0.0
    age_days = max((now - when).total_seconds(), 0) / 86400
    return 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
