"""WordPress eXtended RSS (WXR 1.0-1.2, Tools → Export) → import records (records.py).

Streamed with lxml's iterparse: each element is cleared once read, and the elements
before it are dropped, so memory stays bounded whatever the file's size. The file is
read twice: `check()` reads it all (a file that is not well-formed, or not a WordPress
export, is refused before anything is written, with the line and column lxml gives),
and on the way keeps the small index the posts need: authors, terms, Co-Authors Plus
bylines, and each attachment's URL, alt text and caption (featured images and
galleries name attachments by id, and attachments usually come after their post).
Then `posts()` reads it again. Entities are not resolved and nothing is fetched
(no XXE); comments, passwords and e-mail addresses are never passed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from lxml import etree

from . import wp_text
from .records import ImportFileError, SourceAuthor, SourcePost, SourceTerm

WP_NS = re.compile(r"^\{http://wordpress\.org/export/(1\.[0-2])/\}")
STATUSES = {"publish": "published", "future": "scheduled", "draft": "draft",
            "pending": "draft", "auto-draft": "draft", "private": "private"}  # fmt: skip
POST_TYPES = {"post", "page"}
YOAST_VARIABLES = re.compile(r"%%[a-z_]+%%")


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element) -> dict[str, str]:
    """Child elements by local name (namespaced ones by prefix:name, e.g. wp:post_id)."""
    out = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = local(child.tag)
        if "/excerpt/" in child.tag:
            name = "excerpt"
        elif "/content/" in child.tag:
            name = "content"
        out.setdefault(name, child.text or "")
    return out


class WordPressSource:
    kind = "wordpress"

    def __init__(self, path: str | Path, *, recover: bool = False):
        self.path = Path(path)
        self.recover = recover
        self.site_url = ""
        self.site_title = ""
        self.version = ""
        self._checked = False
        self._authors: dict[str, SourceAuthor] = {}
        self._terms: dict[tuple[str, str], SourceTerm] = {}
        self._attachments: dict[str, dict] = {}
        self._children_of: dict[str, list[str]] = {}
        self._post_count = 0

    # --- reading ---

    def _events(self, tags=None):
        try:
            parser = etree.iterparse(
                str(self.path),
                events=("start", "end"),
                recover=self.recover,
                huge_tree=True,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                remove_comments=True,
            )
            yield from parser
        except etree.XMLSyntaxError as error:
            line, column = error.position if error.position else (None, None)
            hint = "" if self.recover else " Fix the file, or try again with --recover."
            raise ImportFileError(
                f"The file is not well-formed XML: {error.msg}.{hint}", line=line, column=column
            ) from error
        except OSError as error:
            raise ImportFileError(f"The file cannot be read: {error}") from error

    def _items(self) -> Iterator[tuple[str, object]]:
        """("root", element) for the root's start, then each finished channel child
        ("item", "author", "category", "tag", "term", "other"), cleared afterwards."""
        depth = 0
        for event, element in self._events():
            if event == "start":
                depth += 1
                if depth == 1:
                    yield "root", element
                continue
            depth -= 1
            if depth == 2:  # a child of <channel>
                yield local(element.tag), element
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]

    # --- check: the whole file, and the index ---

    def check(self) -> None:
        if self._checked:
            return
        self._refuse_what_is_plainly_not_xml()
        for name, element in self._items():
            if name == "root":
                if local(element.tag) != "rss":
                    raise ImportFileError(
                        f"This is not a WordPress export: the file's root element is "
                        f"<{local(element.tag)}>, where a WXR file starts with <rss>.",
                        line=element.sourceline,
                        column=1,
                    )
                continue
            self._index(name, element)
        if not self.version:
            raise ImportFileError(
                "This is not a WordPress export: the channel has no "
                "<wp:wxr_version> (WordPress's Tools → Export writes one)."
            )
        self._checked = True

    def _refuse_what_is_plainly_not_xml(self) -> None:
        try:
            with self.path.open("rb") as file:
                start = file.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        except OSError as error:
            raise ImportFileError(f"The file cannot be read: {error}") from error
        if start[:1] in (b"{", b"["):
            raise ImportFileError(
                "This is a JSON file, not a WordPress export (WXR is XML). "
                "A Ghost export is imported with import_ghost.",
                line=1,
                column=1,
            )
        if not start:
            raise ImportFileError("The file is empty.", line=1, column=1)

    def _index(self, name: str, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if name == "wxr_version" and WP_NS.match(tag):
            self.version = (element.text or "").strip()
            if not self.version.startswith("1."):
                raise ImportFileError(
                    f"WXR version {self.version} is not one this importer reads (1.0 to 1.2).",
                    line=element.sourceline,
                    column=1,
                )
        elif name in ("base_site_url", "base_blog_url") and WP_NS.match(tag):
            self.site_url = self.site_url or (element.text or "").strip()
        elif name == "link" and not WP_NS.match(tag):
            self.site_url = self.site_url or (element.text or "").strip()
        elif name == "title" and not WP_NS.match(tag):
            self.site_title = (element.text or "").strip()
        elif name == "author" and WP_NS.match(tag):
            self._index_author(_children(element))
        elif name in ("category", "tag", "term") and WP_NS.match(tag):
            self._index_term(name, _children(element))
        elif name == "item":
            self._index_item(element)

    def _index_author(self, f: dict) -> None:
        login = f.get("author_login", "").strip()
        if login:
            name = f.get("author_display_name") or " ".join(
                filter(None, [f.get("author_first_name"), f.get("author_last_name")])
            )
            self._authors[login] = SourceAuthor(
                source_id=login,
                name=(name or login).strip(),
                slug=login,
                old_urls=[f"/author/{login}/"],
            )

    def _index_term(self, name: str, f: dict) -> None:
        if name == "category":
            slug, label = f.get("category_nicename", ""), f.get("cat_name", "")
            kind, parent = "category", f.get("category_parent", "")
            description = f.get("category_description", "")
        elif name == "tag":
            slug, label, kind, parent = f.get("tag_slug", ""), f.get("tag_name", ""), "tag", ""
            description = f.get("tag_description", "")
        else:
            taxonomy = f.get("term_taxonomy", "")
            if taxonomy not in ("category", "post_tag"):
                return
            kind = "category" if taxonomy == "category" else "tag"
            slug, label, parent = (
                f.get("term_slug", ""),
                f.get("term_name", ""),
                f.get("term_parent", ""),
            )
            description = f.get("term_description", "")
        if slug:
            self._add_term(kind, slug, label or slug, parent, description)

    def _add_term(self, kind, slug, label, parent="", description="") -> None:
        if (kind, slug) in self._terms:
            return
        prefix = "category" if kind == "category" else "tag"
        self._terms[(kind, slug)] = SourceTerm(
            kind=kind,
            source_id=f"{kind}:{slug}",
            name=label.strip(),
            slug=slug,
            description=description,
            parent_source_id=f"category:{parent}" if parent else "",
            old_urls=[f"/{prefix}/{slug}/"],
        )

    def _index_item(self, element) -> None:
        f = _children(element)
        kind = f.get("post_type", "")
        post_id = f.get("post_id", "").strip()
        if kind == "attachment":
            meta = _postmeta(element)
            url = f.get("attachment_url") or f.get("guid", "")
            self._attachments[post_id] = {
                "url": url.strip(),
                "alt": meta.get("_wp_attachment_image_alt", ""),
                "caption": f.get("excerpt", "").strip(),
            }
            parent = f.get("post_parent", "0").strip()
            if parent and parent != "0":
                self._children_of.setdefault(parent, []).append(post_id)
            return
        if kind not in POST_TYPES:
            return
        self._post_count += 1
        for category in element.iter("category"):
            domain, nicename = category.get("domain", ""), category.get("nicename", "")
            label = (category.text or nicename).strip()
            if domain == "author" and nicename:
                login = self._author_login(nicename)
                if login not in self._authors:
                    self._authors[login] = SourceAuthor(
                        source_id=login, name=label, slug=login, old_urls=[f"/author/{login}/"]
                    )
            elif domain in ("category", "post_tag") and nicename:
                self._add_term("category" if domain == "category" else "tag", nicename, label)

    def _author_login(self, nicename: str) -> str:
        """Co-Authors Plus names an author `cap-<nicename>` in some versions."""
        bare = nicename.removeprefix("cap-")
        return bare if bare in self._authors or nicename not in self._authors else nicename

    # --- the records ---

    def count_posts(self) -> int:
        self.check()
        return self._post_count

    def authors(self) -> Iterator[SourceAuthor]:
        self.check()
        yield from self._authors.values()

    def terms(self) -> Iterator[SourceTerm]:
        self.check()
        # Parents first, so that a child category finds its parent's section.
        terms = sorted(self._terms.values(), key=lambda t: (t.kind, bool(t.parent_source_id)))
        yield from terms

    def posts(self) -> Iterator[SourcePost]:
        self.check()
        for name, element in self._items():
            if name == "item":
                post = self._post(element)
                if post is not None:
                    yield post

    def _post(self, element) -> SourcePost | None:
        f = _children(element)
        kind = f.get("post_type", "post")
        if kind not in POST_TYPES:
            return None
        post_id = f.get("post_id", "").strip()
        wp_status = f.get("status", "draft").strip()
        if wp_status in ("trash", "inherit"):
            return None
        meta = _postmeta(element)
        warnings = []
        status = STATUSES.get(wp_status)
        if status is None:
            warnings.append(f"Unknown status “{wp_status}”: imported as a draft.")
            status = "draft"
        if f.get("post_password", "").strip():
            status = "password"  # the password itself is never read further
        title = f.get("title", "").strip()
        authors, categories, tags = [], [], []
        for category in element.iter("category"):
            domain, nicename = category.get("domain", ""), category.get("nicename", "")
            if domain == "author" and nicename:
                authors.append(self._author_login(nicename))
            elif domain == "category" and nicename:
                categories.append(f"category:{nicename}")
            elif domain == "post_tag" and nicename:
                tags.append(f"tag:{nicename}")
        creator = f.get("creator", "").strip()
        if not authors and creator:
            authors = [creator]
        thumbnail = self._attachments.get(meta.get("_thumbnail_id", "").strip(), {})
        if meta.get("_thumbnail_id") and not thumbnail:
            warnings.append(
                f"Featured image (attachment {meta['_thumbnail_id']}) is not in the export."
            )
        return SourcePost(
            source_id=post_id,
            title=title,
            slug=f.get("post_name", "").strip(),
            body_html=wp_text.prepare(
                f.get("content", ""),
                attachments=self._attachments,
                children=self._children_of.get(post_id, []),
            ),
            status=status,
            excerpt=f.get("excerpt", "").strip(),
            published_at=self._date(f.get("post_date_gmt"), f.get("post_date")),
            modified_at=self._date(f.get("post_modified_gmt"), f.get("post_modified")),
            author_ids=list(dict.fromkeys(authors)),
            category_ids=list(dict.fromkeys(categories)),
            tag_ids=list(dict.fromkeys(tags)),
            featured_image_url=thumbnail.get("url", ""),
            featured_image_alt=thumbnail.get("alt", ""),
            featured_image_caption=thumbnail.get("caption", ""),
            featured=f.get("is_sticky", "0").strip() == "1",
            seo_title=self._yoast(meta.get("_yoast_wpseo_title", ""), title),
            seo_description=self._yoast(meta.get("_yoast_wpseo_metadesc", ""), title),
            og_title=self._yoast(meta.get("_yoast_wpseo_opengraph-title", ""), title),
            og_description=self._yoast(meta.get("_yoast_wpseo_opengraph-description", ""), title),
            canonical_url=meta.get("_yoast_wpseo_canonical", "").strip(),
            old_urls=self._old_urls(f, kind, post_id),
            source_kind=kind,
            warnings=warnings,
        )

    def _old_urls(self, f: dict, kind: str, post_id: str) -> list[str]:
        urls = []
        link = f.get("link", "").strip()
        if link and urlsplit(link).path not in ("", "/"):
            urls.append(link)
        if post_id:
            urls.append(f"/?{'page_id' if kind == 'page' else 'p'}={post_id}")
        guid = f.get("guid", "").strip()
        if "?p=" in guid or "?page_id=" in guid:
            urls.append(guid)
        return list(dict.fromkeys(urls))

    def _date(self, gmt: str | None, local_time: str | None) -> datetime | None:
        for value, zone in ((gmt, UTC), (local_time, None)):
            value = (value or "").strip()
            if not value or value.startswith("0000"):
                continue
            try:
                parsed = datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            # The export gives no time zone for local dates: the newsroom's is assumed.
            return parsed.replace(tzinfo=zone or ZoneInfo(settings.TIME_ZONE))
        return None

    def _yoast(self, value: str, title: str) -> str:
        value = value.replace("%%title%%", title).replace("%%sitename%%", self.site_title)
        value = value.replace("%%sep%%", "–")
        return re.sub(r"\s+", " ", YOAST_VARIABLES.sub("", value)).strip(" –|-")


def _postmeta(element) -> dict[str, str]:
    meta = {}
    for child in element:
        if local(child.tag) == "postmeta":
            f = _children(child)
            meta.setdefault(f.get("meta_key", ""), f.get("meta_value", ""))
    return meta


def source_for(path, options) -> WordPressSource:
    """The factory tasks.make_source uses (ImportOptions.recover)."""
    return WordPressSource(path, recover=options.recover)
