"""What a reader may see: the one rule every reader-facing query goes through.

A page is shown to readers (listings, search, cards, "Most popular", "Editors' Picks",
"Read also", feeds, the podcast, sitemaps, the API, narration files, the view beacon)
when it is live and public: no Wagtail view restriction (password, login, groups) on
the page itself or on any of its ancestors. A restricted page is still served at its
own URL, where Wagtail asks for the password or a sign-in; it is listed nowhere else.

Access levels (news/access.py) decide something else: who reads an article's body past
its first paragraphs. A members-only article is listed, carded and searchable like any
other; its page, feeds, API, structured data and narration give the full text only to
readers the registered access policy allows (masthead/members/access.py registers it;
with none, nobody). The functions at the end of this module are the one place that
asks, and every body that leaves Masthead goes through them.

Cost: the restriction check is a NOT EXISTS over PageViewRestriction, matched by tree
path prefix, inside the caller's own SQL: no query of its own, so query counts stay
constant. Most newsrooms have no restriction at all: whether any exists is kept by each
process until the next change of restrictions (core/memo.py; a restriction's save or
deletion starts a new generation, core/signal_handlers.py), and then the check is left
out of the SQL altogether. With the memo off (MASTHEAD_MEMO_SECONDS=0, as in tests) the
check is always in the SQL, which is correct either way and still costs no query.

Wagtail's own `PageQuerySet.public()` runs a query for the restrictions every time it
is built and ORs a condition per restricted page into the SQL: not used here.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from wagtail.models import Page, PageViewRestriction

from masthead.core.memo import memo

from .access import AS_SECTION, GATED, AccessLevel

MEMO_KEY = ("view-restrictions-exist",)  # shared with routing.SkipsViewRestrictionsWhenNoneExist


def restrictions_exist() -> bool:
    """Whether any page has a view restriction, as this process last knew it."""
    return memo.get(MEMO_KEY, PageViewRestriction.objects.exists, tags=())  # "everything"


def _check_needed() -> bool:
    # Asking the memo costs nothing when it is on; when it is off the question would be
    # a query of its own, and the subquery answers it for free.
    return settings.MASTHEAD_MEMO_SECONDS <= 0 or restrictions_exist()


def needs_restriction_check() -> bool:
    """Whether the visibility rule's SQL includes the restriction check: part of the key
    of SQL compiled once and kept (news/selectors.compiled_ids)."""
    return _check_needed()


def restricted(path_field: str = "path") -> Exists:
    """True for rows whose page (its tree path in `path_field`) has a view restriction on
    itself or an ancestor: a restricted page's path is a prefix of its descendants'."""
    reader_path = ExpressionWrapper(OuterRef(path_field), output_field=CharField())
    return Exists(PageViewRestriction.objects.filter(StartsWith(reader_path, F("page__path"))))


def visible_to_readers(queryset: QuerySet) -> QuerySet:
    """`queryset` (of pages, any page type) narrowed to what a reader may see."""
    queryset = queryset.filter(live=True)
    if _check_needed():
        queryset = queryset.filter(~restricted())
    return queryset


def searchable(queryset: QuerySet) -> QuerySet:
    """`visible_to_readers` in a form Wagtail's search accepts: its backends take only
    plain lookups on indexed filter fields (live, id), not an EXISTS condition."""
    queryset = queryset.filter(live=True)
    if _check_needed():
        queryset = queryset.filter(pk__in=visible_to_readers(Page.objects.all()).values("pk"))
    return queryset


def has_visible_page(pk_field: str) -> Exists:
    """For other models' querysets: True when the page whose id is in `pk_field` (e.g.
    "article_id", "content_object_id") is visible to readers."""
    return Exists(visible_to_readers(Page.objects.filter(pk=OuterRef(pk_field))))


def visible_q(prefix: str) -> Q:
    """The same rule across a relation (e.g. "article_links__page"), in one filter() call
    with the caller's aggregate so the join is shared."""
    q = Q(**{f"{prefix}__live": True})
    if _check_needed():
        q &= ~Q(restricted(f"{prefix}__path"))
    return q


def visible_ids(ids) -> set[int]:
    """The ids among `ids` of pages a reader may see (one query; none for no ids)."""
    ids = set(ids)
    if not ids:
        return set()
    return set(visible_to_readers(Page.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def is_visible_id(pk: int) -> bool:
    """Whether the page with id `pk` is shown to readers (one query)."""
    return visible_to_readers(Page.objects.filter(pk=pk)).exists()


def _ancestor_paths(page: Page) -> list[str]:
    return [page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]


def restrictions_passed(page: Page, request) -> bool:
    """Whether `request` passed every view restriction on `page` and its ancestors (the
    password given in this session, signed in, in the group): what Wagtail asks before
    serving the page itself."""
    if not restrictions_exist():
        return True
    restrictions = PageViewRestriction.objects.filter(page__path__in=_ancestor_paths(page))
    return all(r.accept_request(request) for r in restrictions)


# --- Access levels: who reads the whole body --------------------------------------------

_access_policies: list[Callable] = []


def register_access_policy(policy: Callable) -> None:
    """`policy(request, article, level) -> bool` answers for gated levels (members,
    paid); the last registered wins. Without one, nobody reads a gated body in full."""
    _access_policies.append(policy)


def gated_section_levels() -> dict[str, str]:
    """{tree path: level} of the sections whose articles are gated by default, from the
    navigation's cached list of sections (no query of its own; a section's level
    changes when it is published, which refreshes that list)."""
    from .selectors import nav_sections

    levels = ((s["path"], s.get("access_level", AccessLevel.PUBLIC)) for s in nav_sections())
    return {path: level for path, level in levels if level in GATED}


def access_level(article) -> str:
    """The article's own level, else its section's (no query of its own most of the time)."""
    if article.access_level != AS_SECTION:
        return article.access_level
    return gated_section_levels().get(article.path[: -article.steplen], AccessLevel.PUBLIC)


def is_gated(article) -> bool:
    return access_level(article) in GATED


def gated_ids(articles: Iterable) -> set[int]:
    """The ids of the gated articles among `articles` (no query beyond the sections')."""
    return {article.pk for article in articles if is_gated(article)}


def open_access(pk_field: str) -> Exists:
    """For other models' querysets: True when the article whose id is in `pk_field` is
    readable in full by anyone (its narration may go in the podcast)."""
    from .models import ArticlePage

    inherits = Q(access_level=AS_SECTION)
    for path in gated_section_levels():
        inherits &= ~Q(path__startswith=path)
    articles = ArticlePage.objects.filter(pk=OuterRef(pk_field))
    return Exists(articles.filter(Q(access_level=AccessLevel.PUBLIC) | inherits))


def may_read_in_full(article, request) -> bool:
    """Whether the reader making `request` gets the article's whole body."""
    level = access_level(article)
    if level not in GATED:
        return True
    return bool(_access_policies) and bool(_access_policies[-1](request, article, level))


def preview_paragraphs() -> int:
    return max(0, int(getattr(settings, "MASTHEAD_MEMBERS_PREVIEW_PARAGRAPHS", 2)))


def preview_blocks(blocks: Iterable) -> list:
    """What a gated body shows to everyone: its first paragraphs (text only: no image,
    quote, embed or card from further down)."""
    paragraphs = [block for block in blocks if block.block_type == "paragraph"]
    return paragraphs[: preview_paragraphs()]


def body_for(article, request, *, preview: bool = False) -> dict:
    """The article page's body: every block, or the preview and a wall. Editors'
    previews (served in the admin) show the whole body."""
    gated = is_gated(article)
    full = preview or not gated or may_read_in_full(article, request)
    return {
        "body_blocks": list(article.body) if full else preview_blocks(article.body),
        "members_only": gated,
        "walled": not full,
    }
