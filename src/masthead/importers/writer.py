"""Records → Masthead objects: the one writer both importers share (records.py).

`ImportWriter(source=..., options=..., report=...)` is fed authors and terms first, then
posts one by one (`post(record)`), then `finish()`. Each post is written all or nothing
(its own atomic block: outside a transaction that is its own commit, so an interrupted
run keeps what it finished and a re-run goes on from there); a post that fails rolls
back alone and is listed in the report with its source id.

Idempotence: every object is remembered with its source id (ImportedObject) and a hash
of its record. A second run skips a post whose record is unchanged, updates one whose
record changed (unless an editor has saved it in Masthead since: then it is left alone,
with a warning), and never creates a second article for one source post.

Visibility: a post is made public only when the source says it was (published, or
scheduled: then at its time), and never with `as_drafts`. Private and password-protected
posts become drafts, with a warning; they get no redirect (that would reveal where they
went).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from functools import partial
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.news.models import ArticleAuthor, ArticlePage, HomePage, SectionPage

from .batches import touched
from .html_blocks import BodyConverter, editor_form
from .links import LinkMap, existing_redirects, old_path, save_redirect
from .media import MediaStore
from .models import ImportedObject
from .people import People, plain, unique_slug
from .records import SourceAuthor, SourcePost, SourceTerm
from .report import ImportOptions, ImportReport

# Bump when the writer's output for the same record changes: re-runs then update.
WRITER_VERSION = 1
PUBLIC_STATUSES = {"published", "scheduled"}


class Memory:
    """ImportedObject rows of one source, loaded once: (kind, source id) → (object id, hash)."""

    def __init__(self, *, source: str, site: str):
        self.source, self.site = source, site
        rows = ImportedObject.objects.filter(source=source, source_site=site)
        self.rows = {
            (r[0], r[1]): (r[2], r[3])
            for r in rows.values_list("kind", "source_id", "object_id", "content_hash")
        }
        self._types: dict[type, ContentType] = {}

    def get(self, kind: str, source_id: str) -> tuple[str, str] | None:
        return self.rows.get((kind, str(source_id)))

    def object_id(self, kind: str, source_id: str) -> str | None:
        row = self.get(kind, source_id)
        return row[0] if row else None

    def remember(self, kind: str, source_id: str, obj, content_hash: str = "") -> None:
        model = type(obj)
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model)
        fields = {
            "content_type": self._types[model],
            "object_id": str(obj.pk),
            "content_hash": content_hash,
        }
        key = {
            "source": self.source,
            "source_site": self.site,
            "kind": kind,
            "source_id": str(source_id),
        }
        if (kind, str(source_id)) in self.rows:
            ImportedObject.objects.update_or_create(**key, defaults=fields)
        else:  # new to this run's memory: one insert, no look-up
            ImportedObject.objects.create(**key, **fields)
        self.rows[(kind, str(source_id))] = (str(obj.pk), content_hash)

    def forget(self, kind: str, source_id: str) -> None:
        self.rows.pop((kind, str(source_id)), None)


class ImportWriter:
    def __init__(
        self, *, source: str, options: ImportOptions, report: ImportReport, site_url: str = ""
    ):
        self.source, self.options, self.report = source, options, report
        site = urlsplit(site_url).netloc.lower() if site_url else ""
        self.memory = Memory(source=source, site=site)
        self.media = MediaStore(
            memory=self.memory,
            media_dir=options.media_dir,
            fetch=options.fetch_media,
            dry_run=options.dry_run,
            report=report,
        )
        self.people = People(self)
        self.links = LinkMap(old_hosts={site})
        self.pending_links: set[int] = set()
        self.featured: list[int] = []
        self._default_section: SectionPage | None = None

    # --- helpers ---

    def digest(self, record, exclude: set[str] = frozenset()) -> str:
        data = {k: v for k, v in asdict(record).items() if k not in exclude and k != "warnings"}
        data["_"] = [
            WRITER_VERSION,
            self.options.categories_as,
            self.options.as_drafts,
            self.options.section_slug,
        ]
        raw = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(raw).hexdigest()

    def default_section(self) -> SectionPage:
        if self._default_section is None:
            slug = self.options.section_slug
            sections = SectionPage.objects.order_by("path")
            section = sections.filter(slug=slug).first() if slug else None
            if slug and section is None:
                raise ValueError(f"There is no section with the slug “{slug}”.")
            section = section or sections.filter(slug="news").first() or sections.first()
            if section is None:
                home = HomePage.objects.first()
                if home is None:
                    raise ValueError("There is no home page: create the site first.")
                section = home.add_child(instance=SectionPage(title="News", slug="news"))
                section.save_revision().publish()
            self._default_section = section
        return self._default_section

    # --- authors and terms ---

    def author(self, record: SourceAuthor) -> None:
        with transaction.atomic():
            self.people.author(record)

    def term(self, record: SourceTerm) -> None:
        with transaction.atomic():
            self.people.term(record)

    # --- posts ---

    def post(self, record: SourcePost) -> str:
        """Write one post; returns "created", "updated", "skipped" or "failed"."""
        if record.source_kind == "page" and not self.options.include_pages:
            self.report.count("pages_skipped")
            return "skipped"
        for warning in record.warnings:
            self.report.warn(record.source_id, warning)
        caches = [self.memory.rows, self.media.known, self.people.sections, self.people.topics]
        sizes = [len(cache) for cache in caches]
        try:
            with transaction.atomic():
                outcome = self._post(record)
        except Exception as error:  # noqa: BLE001 - any failure: this post alone rolls back
            # What this post made (an image, a section, a topic) was rolled back with it.
            for cache, size in zip(caches, sizes, strict=True):
                for key in list(cache)[size:]:
                    del cache[key]
            self.people.section_pages.clear()
            self.memory.forget("post", record.source_id)
            self.report.fail(record.source_id, record.title, f"{type(error).__name__}: {error}")
            return "failed"
        if outcome != "skipped":
            touched(self.memory.object_id("post", record.source_id))
        self.report.count(f"articles_{outcome}")
        return outcome

    def _post(self, record: SourcePost) -> str:
        digest = self.digest(record)
        row = self.memory.get("post", record.source_id)
        page = ArticlePage.objects.filter(pk=row[0]).first() if row else None
        if page is not None and row[1] == digest:
            self._note_featured(record, page)
            return "skipped"
        if page is not None:
            latest = page.get_latest_revision()
            if latest is not None and latest.user_id is not None:
                self.report.warn(
                    record.source_id, "Edited in Masthead since it was imported: not overwritten."
                )
                return "skipped"
        created = page is None
        section_id, category_topics = self.people.section_for(record.category_ids)
        section = self.people.section_page(section_id)
        if created:
            page = ArticlePage(slug=self._slug(record, section), live=False)
        self._fill(page, record, category_topics)
        public = record.status in PUBLIC_STATUSES and not self.options.as_drafts
        when = record.published_at or timezone.now()
        now_live = public and not (record.status == "scheduled" and when > timezone.now())
        if public and not section.live:  # navigation (and routing) lists live sections only
            section.save_revision(log_action=False).publish(log_action=False)
            section.live = True  # (publish() acts on a copy)
        if now_live:
            # Published as it was: live from the first save, with its own dates. (No
            # publish action: its side effects are held back for an import, quiet.py.)
            page.live, page.has_unpublished_changes, page.go_live_at = True, False, None
            page.first_published_at = when
            page.last_published_at = max(record.modified_at or when, when)
        elif public:
            page.go_live_at = when  # scheduled: Wagtail publishes it at its time
        if created:
            # Known already, so Wagtail's save need not look them up per article: the
            # section's locale, and that a new article is no site's root.
            page.locale_id, page._is_site_root = section.locale_id, False
            section.add_child(instance=page)
        else:
            page.save()
        self.memory.remember("post", record.source_id, page, digest)
        revision = page.save_revision(log_action=False, clean=False)
        if now_live:
            ArticlePage.objects.filter(pk=page.pk).update(
                live_revision=revision, has_unpublished_changes=False
            )
            self._narrate(page)
        else:
            self._not_live(page, record, revision, scheduled=public)
        self._redirects(page, record)
        self._note_featured(record, page)
        return "created" if created else "updated"

    def _slug(self, record: SourcePost, section: SectionPage) -> str:
        slug = unique_slug(
            ArticlePage,
            record.slug or record.title,
            path__startswith=section.path,
            depth=section.depth + 1,
        )
        if record.slug and slug != record.slug:
            taken = slug != slugify(record.slug)
            why = f"was taken in {section.title}" if taken else "is not a usable web address"
            self.report.warn(record.source_id, f"Slug “{record.slug}” {why}: imported as “{slug}”.")
        return slug

    def _fill(self, page: ArticlePage, record: SourcePost, category_topics: list[int]) -> None:
        from taggit.models import Tag

        page.title = plain(record.title, 255) or f"Untitled ({record.source_id})"
        page.draft_title = page.title
        page.dek = plain(record.excerpt, 300)
        page.seo_title = plain(record.seo_title or record.og_title, 255)
        page.search_description = plain(record.seo_description or record.og_description, 1000)
        page.narrate = True
        self._hero(page, record)
        page.body = self._body(record, page)
        self._canonical(record)
        author_ids = [self.people.authors[a] for a in record.author_ids if a in self.people.authors]
        if not author_ids:
            self.report.warn(record.source_id, "No known author: bylined “Staff”.")
            author_ids = [self.people.fallback_author()]
        page.article_authors = [
            ArticleAuthor(author_id=a, sort_order=i)
            for i, a in enumerate(dict.fromkeys(author_ids))
        ]
        tag_ids = [t for t in map(self.people.topic_id, record.tag_ids) if t is not None]
        page.tags.set(list(Tag.objects.filter(pk__in=[*tag_ids, *category_topics])))

    def _hero(self, page: ArticlePage, record: SourcePost) -> None:
        page.hero_image_id, page.hero_alt, page.hero_caption = None, "", ""
        if not record.featured_image_url:
            return
        image_id = self.media.image_id(
            record.featured_image_url,
            source_id=record.source_id,
            title=record.featured_image_alt or record.title,
        )
        if image_id is None:
            return  # MediaStore has warned: the article is imported without its picture
        alt = plain(record.featured_image_alt, 250)
        if not alt:
            self.report.warn(
                record.source_id,
                "The featured image had no alt text: the "
                "headline is used; describe the image in the editor.",
            )
            alt = page.title[:250]
        page.hero_image_id, page.hero_alt = image_id, alt
        page.hero_caption = plain(record.featured_image_caption, 400)

    def _body(self, record: SourcePost, page: ArticlePage) -> list[dict]:
        def image(src: str) -> int | None:
            return self.media.image_id(src, source_id=record.source_id)

        def warn(message: str) -> None:
            self.report.warn(record.source_id, message)

        blocks = BodyConverter(resolve_image=image, warn=warn).convert(record.body_html)
        paragraphs = [b for b in blocks if b["type"] == "paragraph"]
        pending = False
        for block in paragraphs:
            block["value"], unresolved = self.links.rewrite(block["value"])
            pending = pending or unresolved
        for block, value in zip(
            paragraphs, editor_form([b["value"] for b in paragraphs]), strict=True
        ):
            block["value"] = value
        if pending:
            self.pending_links.add(record.source_id)
        return blocks

    def _canonical(self, record: SourcePost) -> None:
        url = record.canonical_url.strip()
        if not url:
            return
        host = urlsplit(url).netloc.lower().removeprefix("www.")
        own = host in self.links.old_hosts or old_path(url) in {
            old_path(u) for u in record.old_urls
        }
        if not own:
            self.report.warn(
                record.source_id,
                f"Canonical URL elsewhere ({url}) not kept: articles have no canonical URL field.",
            )

    def _not_live(self, page: ArticlePage, record: SourcePost, revision, *, scheduled: bool):
        if record.status in ("private", "password"):
            self.report.warn(
                record.source_id,
                f"{record.status.capitalize()} in the source: imported as a draft, not public.",
            )
        if page.live:  # it was public, and the source says it is not any more
            page.unpublish(log_action=False)
        if scheduled:
            revision.publish(log_action=False)  # with go_live_at ahead: scheduled

    def _narrate(self, page: ArticlePage) -> None:
        if self.options.narrate:
            from masthead.core.lanes import ARCHIVE_PRIORITY
            from masthead.narration.services import narration_request

            transaction.on_commit(
                partial(narration_request, article_id=page.pk, priority=ARCHIVE_PRIORITY)
            )

    def _redirects(self, page: ArticlePage, record: SourcePost) -> None:
        if record.status not in PUBLIC_STATUSES:
            return
        own = old_path(page.url or "") if page.url else ""
        paths = [p for p in dict.fromkeys(map(old_path, record.old_urls)) if p != own]
        existing = existing_redirects(paths)
        for path in paths:
            self.links.add(path, page.pk)
            if save_redirect(path, page=page, exists=path in existing):
                self.report.count("redirects_created")

    def _note_featured(self, record: SourcePost, page: ArticlePage) -> None:
        if record.featured and self.options.featured_as_picks:
            self.featured.append(page.pk)

    # --- the end ---

    def finish(self) -> None:
        from .finish import add_picks, rewrite_pending_links

        rewrite_pending_links(self)
        if self.featured:
            add_picks(self.featured)
