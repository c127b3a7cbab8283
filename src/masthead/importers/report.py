"""What an import is asked to do (ImportOptions) and what it did (ImportReport)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

# The counters every summary shows, in this order (others follow when present).
COUNTERS = (
    "articles_created",
    "articles_updated",
    "articles_skipped",
    "articles_failed",
    "authors_created",
    "authors_updated",
    "sections_created",
    "topics_created",
    "images_imported",
    "images_missing",
    "redirects_created",
    "pages_skipped",
)
MAX_WARNINGS = 5000  # kept in the run's report; the count goes on


@dataclass
class ImportOptions:
    section_slug: str = ""  # default section for posts without a category (or with topics)
    media_dir: str = ""  # images from an unpacked export or wp-content/uploads
    fetch_media: bool = False  # download images by URL (SSRF-checked); off by default
    as_drafts: bool = False  # nothing goes live; default: published posts are published
    narrate: bool = False  # queue narrations (archive priority); default: on request only
    categories_as: Literal["sections", "topics"] = "sections"
    include_pages: bool = False  # WordPress pages / Ghost pages as articles too
    featured_as_picks: bool = False  # sticky / featured posts → Editors' Picks
    dry_run: bool = False
    recover: bool = False  # parse malformed XML as best lxml can
    members_public: bool = False  # Ghost posts for members/paid/tiers public (else drafts)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportOptions:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    warnings: list[dict] = field(default_factory=list)  # {"source_id", "message"}
    failures: list[dict] = field(default_factory=list)  # {"source_id", "title", "error"}
    warning_count: int = 0

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def warn(self, source_id: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append({"source_id": str(source_id), "message": message})

    def fail(self, source_id: str, title: str, error: str) -> None:
        self.counts["articles_failed"] += 1
        self.failures.append({"source_id": str(source_id), "title": title, "error": error})

    def as_dict(self) -> dict:
        return {
            "counts": dict(self.counts),
            "warnings": self.warnings,
            "warning_count": self.warning_count,
            "failures": self.failures,
        }

    def summary_lines(self) -> list[str]:
        names = [*COUNTERS, *sorted(set(self.counts) - set(COUNTERS))]
        lines = [f"{name.replace('_', ' ')}: {self.counts.get(name, 0)}" for name in names]
        for failure in self.failures:
            lines.append(f"FAILED {failure['source_id']} “{failure['title']}”: {failure['error']}")
        for warning in self.warnings:
            lines.append(f"warning {warning['source_id']}: {warning['message']}")
        if self.warning_count > len(self.warnings):
            lines.append(f"... and {self.warning_count - len(self.warnings)} more warnings")
        return lines
