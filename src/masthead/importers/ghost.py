"""Ghost JSON exports (Ghost 2 to 6) read into the import records.

A Ghost export (Settings → Labs → Export) is one JSON document: `db[0].meta.version`
and `db[0].data` holding one list per database table. Only the content tables are read:
posts, users, tags, posts_tags, posts_authors (bylines in `sort_order`; Ghost 2's older
exports have `posts.author_id` only) and posts_meta (Ghost 3+: SEO, Open Graph, feature
image alt and caption). Passwords, API keys, sessions, settings, members, newsletters
and e-mail data are never read.

Bodies are converted to HTML from `lexical` (Ghost 5-6), else `mobiledoc` (Ghost 1-4),
else the stored `html`; each passes through `ghost_cards.safe_html`.

Memory: a Ghost export holds no media and is far smaller than a WordPress WXR, so the
file is loaded with `json` once (the `plaintext` copy of each body is dropped as it is
parsed); a file over `MASTHEAD_IMPORT_GHOST_MAX_MB` (default 200) is refused before it
is read, with a message that says so. Posts that are not
public on Ghost (members, paid, tiers) become drafts with a warning unless the import
says `members_posts="public"`.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from django.conf import settings

from .ghost_cards import ghost_urls, plain_text, safe_html, site_url
from .ghost_lexical import LexicalError, lexical_html
from .ghost_mobiledoc import MobiledocError, mobiledoc_html
from .records import ImportFileError, SourceAuthor, SourcePost, SourceTerm, Status

SUPPORTED_VERSIONS = range(2, 7)
DEFAULT_MAX_MB = 200
MembersPosts = Literal["draft", "public"]


def max_bytes() -> int:
    return int(getattr(settings, "MASTHEAD_IMPORT_GHOST_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def ghost_datetime(value) -> datetime | None:
    """Ghost writes UTC ISO dates ("2021-03-24T00:55:47.000Z"); very old exports wrote
    milliseconds since the epoch. A date without a zone is UTC (Ghost stores UTC)."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace(" ", "T"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def load_export(path: str | os.PathLike) -> tuple[str, dict]:
    """The export's Ghost version and its `data` tables, or ImportFileError."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes():
        raise ImportFileError(
            f"The file is {size / 1048576:.0f} MB; Ghost exports over "
            f"{max_bytes() // 1048576} MB are refused (MASTHEAD_IMPORT_GHOST_MAX_MB)."
        )
    try:
        with path.open(encoding="utf-8-sig") as handle:
            document = json.load(handle, object_hook=_lean)
    except UnicodeDecodeError as error:
        raise ImportFileError(f"The file is not UTF-8 text (byte {error.start})") from error
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"The file is not valid JSON: {error.msg}", line=error.lineno, column=error.colno
        ) from error
    return _version_and_data(document)


# Copies of a post's body that are never read: dropped as each row is parsed, so they
# are not all held at once (a Ghost 5 post carries its body three or four times).
UNREAD = ("plaintext", "mobiledoc_revisions", "post_revisions")


def _lean(row: dict) -> dict:
    for key in UNREAD:
        row.pop(key, None)
    if row.get("lexical") and "mobiledoc" in row:
        row["mobiledoc"] = None  # lexical wins (body_html)
    return row


def _version_and_data(document) -> tuple[str, dict]:
    not_ghost = "This JSON file is not a Ghost export (Ghost's Settings → Labs → Export writes one)"
    if isinstance(document, dict) and isinstance(document.get("db"), list) and document["db"]:
        document = document["db"][0]
    if not isinstance(document, dict):
        raise ImportFileError(f"{not_ghost}: it has no db[0].data.")
    meta, data = document.get("meta"), document.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise ImportFileError(f"{not_ghost}: it has no db[0].data.posts list.")
    version = str(meta.get("version") or "") if isinstance(meta, dict) else ""
    major = version.split(".")[0]
    if not major.isdigit():
        raise ImportFileError(f"{not_ghost}: it says no Ghost version (db[0].meta.version).")
    if int(major) not in SUPPORTED_VERSIONS:
        raise ImportFileError(
            f"This is a Ghost {version} export; exports from Ghost 2 to 6 are supported."
        )
    for table in ("posts", "users", "tags", "posts_tags", "posts_authors", "posts_meta"):
        rows = data.get(table) or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) and "id" in r for r in rows):
            raise ImportFileError(f"{not_ghost}: db[0].data.{table} is not a list of rows.")
    return version, data


class GhostSource:
    """ImportSource for a Ghost JSON export."""

    kind = "ghost"

    def __init__(self, path: str | os.PathLike, *, members_posts: MembersPosts = "draft"):
        self.path = path
        self.members_posts = members_posts
        self._data: dict | None = None
        self.version = ""

    @property
    def data(self) -> dict:
        if self._data is None:
            self.version, self._data = load_export(self.path)
        return self._data

    def check(self) -> None:
        self.data  # noqa: B018 - loading is the check

    def rows(self, table: str) -> list[dict]:
        return self.data.get(table) or []

    def count_posts(self) -> int:
        return len(self.rows("posts"))

    def authors(self) -> Iterator[SourceAuthor]:
        writing = {a for ids in self._bylines().values() for a in ids}
        for user in self.rows("users"):
            if str(user["id"]) not in writing:
                continue  # staff who never wrote a post are not bylines
            slug = user.get("slug") or ""
            yield SourceAuthor(
                source_id=str(user["id"]),
                name=user.get("name") or slug,
                slug=slug,
                email=user.get("email") or "",
                bio=user.get("bio") or "",
                photo_url=site_url(user.get("profile_image")),
                website=user.get("website") or "",
                old_urls=[f"/author/{slug}/"] if slug else [],
            )

    def terms(self) -> Iterator[SourceTerm]:
        for tag in self.rows("tags"):
            if _internal_tag(tag):
                continue
            slug = tag.get("slug") or ""
            yield SourceTerm(
                kind="tag",
                source_id=str(tag["id"]),
                name=tag.get("name") or slug,
                slug=slug,
                description=tag.get("description") or "",
                parent_source_id=str(tag.get("parent_id") or ""),
                old_urls=[f"/tag/{slug}/"] if slug else [],
            )

    def posts(self) -> Iterator[SourcePost]:
        bylines, tags = self._bylines(), self._tags()
        meta = {str(m.get("post_id")): m for m in self.rows("posts_meta")}
        for row in self.rows("posts"):
            post_id = str(row["id"])
            byline, topics = bylines.get(post_id, []), tags.get(post_id, [])
            yield self._post(row, meta.get(post_id, {}), byline, topics)

    def _post(self, row: dict, meta: dict, author_ids: list[str], tag_ids: list[str]) -> SourcePost:
        warnings: list[str] = []
        slug = row.get("slug") or ""

        def field(name: str) -> str:  # Ghost 3+ moved SEO fields to posts_meta
            return meta.get(name) or row.get(name) or ""

        post = SourcePost(
            source_id=str(row["id"]),
            title=row.get("title") or "",
            slug=slug,
            body_html=body_html(row, warnings),
            status=self._status(row, meta, warnings),
            excerpt=row.get("custom_excerpt") or "",
            published_at=ghost_datetime(row.get("published_at")),
            modified_at=ghost_datetime(row.get("updated_at")),
            author_ids=author_ids,
            tag_ids=tag_ids,
            featured_image_url=site_url(row.get("feature_image")),
            featured_image_alt=plain_text(field("feature_image_alt")),
            featured_image_caption=plain_text(field("feature_image_caption")),
            featured=bool(row.get("featured")),
            seo_title=field("meta_title"),
            seo_description=field("meta_description"),
            og_title=field("og_title"),
            og_description=field("og_description"),
            canonical_url=site_url(row.get("canonical_url")),
            old_urls=[f"/{slug}/"] if slug else [],
            source_kind="page" if _is_page(row) else "post",
            warnings=warnings,
        )
        if row.get("codeinjection_head") or row.get("codeinjection_foot"):
            warnings.append("its code injection (scripts for the Ghost theme) was not imported")
        return post

    def _status(self, row: dict, meta: dict, warnings: list[str]) -> Status:
        status = row.get("status")
        result: Status
        if status == "published":
            result = "published"
        elif status == "scheduled":
            result = "scheduled"
        else:
            result = "draft"
            if status in ("sent",) or meta.get("email_only"):
                warnings.append(
                    "it was only e-mailed on Ghost, never published: imported as a draft"
                )
            elif status != "draft":
                warnings.append(f"Ghost status {status!r}: imported as a draft")
        visibility = row.get("visibility") or "public"
        if visibility != "public" and result != "draft":
            if self.members_posts == "public":
                warnings.append(f"it was for {visibility} only on Ghost: imported PUBLIC, as asked")
            else:
                warnings.append(
                    f"it was for {visibility} only on Ghost: imported as a draft (nothing a "
                    "paying or signed-in reader had is made public by an import)"
                )
                result = "draft"
        return result

    def _bylines(self) -> dict[str, list[str]]:
        links = sorted(self.rows("posts_authors"), key=lambda r: r.get("sort_order") or 0)
        bylines: dict[str, list[str]] = defaultdict(list)
        for link in links:
            bylines[str(link.get("post_id"))].append(str(link.get("author_id")))
        for row in self.rows("posts"):  # Ghost 2's older exports: one author_id per post
            if str(row["id"]) not in bylines and row.get("author_id"):
                bylines[str(row["id"])].append(str(row["author_id"]))
        return bylines

    def _tags(self) -> dict[str, list[str]]:
        public = {str(t["id"]) for t in self.rows("tags") if not _internal_tag(t)}
        links = sorted(self.rows("posts_tags"), key=lambda r: r.get("sort_order") or 0)
        tags: dict[str, list[str]] = defaultdict(list)
        for link in links:
            if str(link.get("tag_id")) in public:
                tags[str(link.get("post_id"))].append(str(link.get("tag_id")))
        return tags


def _is_page(row: dict) -> bool:
    return row.get("type") == "page" or row.get("page") in (1, True)


def _internal_tag(tag: dict) -> bool:
    """Ghost's internal tags (#name) style a theme; they were never shown to readers."""
    return tag.get("visibility") == "internal" or (tag.get("name") or "").startswith("#")


def body_html(row: dict, warnings: list[str]) -> str:
    """The post's body as safe HTML, from the richest format the export holds."""
    for name, convert, error in (
        ("lexical", lexical_html, LexicalError),
        ("mobiledoc", mobiledoc_html, MobiledocError),
    ):
        if row.get(name):
            try:
                return safe_html(convert(row[name], warnings))
            except (error, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                warnings.append(f"its {name} body could not be read ({exc}): its HTML was used")
                break
    return safe_html(ghost_urls(row.get("html") or ""))


def source_for(path, options) -> GhostSource:
    """The factory tasks.make_source uses (ImportOptions.members_public)."""
    return GhostSource(path, members_posts="public" if options.members_public else "draft")
