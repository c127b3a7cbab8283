"""What every importer reads a source export into, before anything is written.

A source (WordPress WXR, Ghost JSON) is parsed into these plain records; one writer
(`importers/writer.py`) turns them into Masthead objects, so both importers share the
rules for idempotence, safety, redirects and bylines. Records carry the source's own ids
(`source_id`), which the writer remembers so that a second run updates or skips instead of
duplicating.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

Status = Literal["published", "draft", "scheduled", "private", "password"]


class ImportFileError(Exception):
    """The file is not a valid export: nothing was written. `line`/`column` when known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.message = message
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{message}{where}")


@dataclass
class SourceAuthor:
    source_id: str  # WordPress author_login / Ghost user id
    name: str
    slug: str = ""
    email: str = ""  # used only to match bylines; never stored on a public object
    bio: str = ""
    photo_url: str = ""
    website: str = ""
    old_urls: list[str] = field(default_factory=list)  # e.g. /author/jane/


@dataclass
class SourceTerm:
    kind: Literal["category", "tag"]
    source_id: str  # WordPress term slug or id / Ghost tag id
    name: str
    slug: str
    description: str = ""
    parent_source_id: str = ""
    old_urls: list[str] = field(default_factory=list)  # e.g. /category/city/, /tag/x/


@dataclass
class SourcePost:
    source_id: str  # WordPress post_id / Ghost post id
    title: str
    slug: str
    body_html: str  # the body as HTML (Ghost mobiledoc/lexical converted to HTML first)
    status: Status
    excerpt: str = ""
    published_at: datetime | None = None  # aware datetimes (UTC when the source says so)
    modified_at: datetime | None = None
    author_ids: list[str] = field(default_factory=list)  # SourceAuthor.source_id, in order
    category_ids: list[str] = field(default_factory=list)  # SourceTerm.source_id
    tag_ids: list[str] = field(default_factory=list)
    featured_image_url: str = ""
    featured_image_alt: str = ""
    featured_image_caption: str = ""
    featured: bool = False  # WordPress sticky / Ghost featured
    seo_title: str = ""
    seo_description: str = ""
    og_title: str = ""
    og_description: str = ""
    canonical_url: str = ""
    old_urls: list[str] = field(default_factory=list)  # paths on the old site: /2019/05/x/, /?p=12
    source_kind: str = "post"  # "post" or "page" (pages may be skipped by option)
    warnings: list[str] = field(default_factory=list)


class ImportSource(Protocol):
    """A parsed export. `check()` raises ImportFileError before anything is written;
    the iterators stream (a 1 GB WXR must not be held in memory)."""

    kind: str  # "wordpress" | "ghost"
    # Optional (read with getattr): the old site's address, e.g. "https://old.example".
    # Links in bodies to that host are rewritten to the imported pages, and the source
    # ids are remembered per site (two WordPress sites both have a post 12).
    # site_url: str

    def check(self) -> None: ...

    def authors(self) -> Iterator[SourceAuthor]: ...

    def terms(self) -> Iterator[SourceTerm]: ...

    def posts(self) -> Iterator[SourcePost]: ...

    def count_posts(self) -> int: ...
