"""Authors, sections and topics of an import, each made once and remembered.

An author, section or topic that already exists with the same slug (made by hand, or by
another import) is used rather than duplicated. What an import never takes: e-mail
addresses, passwords, API keys, sessions, members' data — the records carry only names,
bios, photos and old addresses (records.py), and the e-mail is used for nothing here.
"""

from __future__ import annotations

import re

from django.utils.html import strip_tags
from django.utils.text import slugify
from taggit.models import Tag

from masthead.news.models import Author, HomePage, SectionPage
from masthead.news.validators import CONTROL_CHARACTERS

from .links import old_path, save_redirect
from .records import SourceAuthor, SourceTerm

FALLBACK_AUTHOR = ("Staff", "staff")
UNCATEGORISED = {"uncategorized", "uncategorised", "non-classe", "sin-categoria", "allgemein"}


def unique_slug(model, slug: str, *, exclude_pk=None, **scope) -> str:
    base = (slugify(slug) or "item")[:100]
    candidate, n = base, 1
    query = model.objects.filter(**scope).exclude(pk=exclude_pk)
    while query.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def plain(text: str, limit: int) -> str:
    """One line of text: no tags, no control characters (the admin refuses those)."""
    text = CONTROL_CHARACTERS.sub("", strip_tags(text or ""))
    return re.sub(r"\s+", " ", text).strip()[:limit]


class People:
    """Authors (by source id → Author pk), sections and topics of one run."""

    def __init__(self, writer):
        self.w = writer
        self.authors: dict[str, int] = {}
        self.sections: dict[str, int] = {}  # category source id → SectionPage pk
        self.topics: dict[str, int] = {}  # term source id → Tag pk
        self.parents: dict[str, str] = {}  # category source id → parent source id
        self.records: dict[str, SourceTerm] = {}
        self.section_pages: dict[int, SectionPage] = {}

    # --- authors ---

    def author(self, record: SourceAuthor) -> None:
        w = self.w
        digest = w.digest(record, exclude={"email"})
        row = w.memory.get("author", record.source_id)
        author = Author.objects.filter(pk=row[0]).first() if row else None
        if author is not None and row[1] == digest:
            self.authors[record.source_id] = author.pk
            return
        created = author is None
        if author is None:
            slug = slugify(record.slug or record.name)[:120] or "author"
            author = Author.objects.filter(slug=slug).first()  # one made by hand: used
            if author is None:
                author = Author(slug=unique_slug(Author, slug))
        if created or row:  # never rewrite an author the newsroom made itself
            author.name = plain(record.name, 120) or record.source_id[:120]
            author.bio = plain(record.bio, 1000) or author.bio
            if record.photo_url and not author.photo_id:
                photo = w.media.image_id(
                    record.photo_url, source_id=f"author {record.source_id}", title=author.name
                )
                if photo:
                    author.photo_id, author.photo_alt = photo, f"Portrait of {author.name}"[:250]
            author.save()
        w.memory.remember("author", record.source_id, author, digest)
        w.report.count("authors_created" if created else "authors_updated")
        self.authors[record.source_id] = author.pk
        for url in record.old_urls:
            if save_redirect(old_path(url), link=author.get_absolute_url()):
                w.report.count("redirects_created")

    def fallback_author(self) -> int:
        name, slug = FALLBACK_AUTHOR
        author, _ = Author.objects.get_or_create(slug=slug, defaults={"name": name})
        return author.pk

    # --- terms ---

    def term(self, record: SourceTerm) -> None:
        """Tags become topics now; categories when a post uses them (section_for): a
        category no post is in makes no empty section."""
        self.records[record.source_id] = record
        if record.parent_source_id:
            self.parents[record.source_id] = record.parent_source_id
        if record.kind == "tag":
            self.topic_id(record.source_id)

    def _redirect_archive(self, record: SourceTerm, target: str) -> None:
        for url in record.old_urls:
            if target and save_redirect(old_path(url), link=target):
                self.w.report.count("redirects_created")

    def section_id(self, source_id: str) -> int:
        if source_id not in self.sections:
            record = self.records[source_id]
            section = self._section(record)
            self.sections[source_id] = section.pk
            self._redirect_archive(record, section.url or "")
        return self.sections[source_id]

    def topic_id(self, source_id: str) -> int | None:
        if source_id not in self.topics:
            record = self.records.get(source_id)
            if record is None:
                return None
            from django.urls import reverse

            tag = self._topic(record)
            self.topics[source_id] = tag.pk
            self._redirect_archive(record, reverse("news:tag", args=[tag.slug]))
        return self.topics[source_id]

    def _section(self, record: SourceTerm) -> SectionPage:
        row = self.w.memory.get("category", record.source_id)
        section = SectionPage.objects.filter(pk=row[0]).first() if row else None
        if section is None:
            slug = slugify(record.slug or record.name)[:50] or "section"
            section = SectionPage.objects.filter(slug=slug).first()
        if section is None:
            home = HomePage.objects.first()
            if home is None:
                raise RuntimeError("There is no home page to put sections under.")
            # A draft until an article of it goes live (navigation lists live sections).
            section = SectionPage(
                title=plain(record.name, 255) or slug,
                slug=slug,
                intro=plain(record.description, 500),
                live=False,
            )
            home.add_child(instance=section)
            self.w.report.count("sections_created")
        self.w.memory.remember("category", record.source_id, section)
        return section

    def _topic(self, record: SourceTerm) -> Tag:
        kind = "tag"  # a category made a topic too (source ids differ: "category:x")
        row = self.w.memory.get(kind, record.source_id)
        tag = Tag.objects.filter(pk=row[0]).first() if row else None
        if tag is None:
            name = plain(record.name, 100) or record.slug
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = Tag.objects.create(name=name)
                self.w.report.count("topics_created")
        self.w.memory.remember(kind, record.source_id, tag)
        return tag

    # --- per post ---

    def section_page(self, pk: int) -> SectionPage:
        if pk not in self.section_pages:
            self.section_pages[pk] = SectionPage.objects.get(pk=pk)
        return self.section_pages[pk]

    def root_of(self, source_id: str) -> str:
        seen = {source_id}
        while source_id in self.parents and self.parents[source_id] not in seen:
            source_id = self.parents[source_id]
            seen.add(source_id)
        return source_id

    def section_for(self, category_ids: list[str]) -> tuple[int, list[int]]:
        """The post's section: its first category's top-level ancestor (or the default
        section); every other category, and a child category, becomes a topic."""
        as_sections = self.w.options.categories_as == "sections"
        section_id, topics = None, []
        for cid in category_ids:
            record = self.records.get(cid)
            if record is None or record.slug.lower() in UNCATEGORISED:
                continue
            root = self.root_of(cid)
            if as_sections and section_id is None and root in self.records:
                section_id = self.section_id(root)
                if cid == root:
                    continue
            if (topic := self.topic_id(cid)) is not None:
                topics.append(topic)
        return section_id or self.w.default_section().pk, topics
