"""The context of the home and article pages, composed by whoever sits above news.

news is the floor the other apps stand on: audience, curation, narration and
distribution import news, never the other way round. The home page and the article page
still show their cards ("Most popular", "Editors' Picks", "Read also") and the player,
loaded together with news's own cards in one query; the package that composes reader
pages (masthead.pages) registers the function that builds each page's whole context.
Without one (news alone), the pages get news's own parts.
"""

from collections.abc import Callable
from typing import Any

_composers: dict[str, Callable[..., dict[str, Any]]] = {}
_hero_specs: list[str] = []


def register(kind: str, composer: Callable[..., dict[str, Any]]) -> None:
    """`composer` builds the context of the `kind` page ("home" or "article")."""
    _composers[kind] = composer


def add_hero_specs(specs: list[str] | tuple[str, ...]) -> None:
    """Rendition specs of the hero that other apps render on the article page (social
    cards, structured data): loaded with the hero in the same query."""
    _hero_specs.extend(spec for spec in specs if spec not in _hero_specs)


def extra_hero_specs() -> tuple[str, ...]:
    return tuple(_hero_specs)


def home(**kwargs: Any) -> dict[str, Any]:
    from . import selectors

    return _composers.get("home", selectors.home_context)(**kwargs)


def article(article, *, preview: bool = False) -> dict[str, Any]:
    from . import selectors

    composer = _composers.get("article")
    if composer is None:
        return selectors.article_context(article)
    return composer(article, preview=preview)
