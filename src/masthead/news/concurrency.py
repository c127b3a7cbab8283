"""Refuses an admin save built from an out-of-date version of a page (lost updates).

Wagtail 7.4 puts the version the editor loaded in the form (`loaded_revision_id`,
`loaded_revision_created_at`) but checks it only for autosave's JSON requests
(EditView.is_out_of_date): a full Save, Publish, Submit or workflow action posted from
a stale form replaces the newer version without a word. This form checks every
post: when another user (or the system) has saved a version since the one the form was
built from, it is refused with what changed, who changed it and when, and the editor
may reload or tick "Overwrite their changes" and post again. The rule is in
docs/editing.md.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator
from wagtail.admin.compare import TextFieldComparison
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Revision

# The confirmation carries the id of the version being overwritten: if yet another
# version is saved after the editor was warned, the confirmation no longer matches.
OVERWRITE_FIELD = "overwrite_revision_confirmed"
# Revisions walked to say who changed which field; older ones are summed up.
MAX_REVISIONS_WALKED = 10
QUOTE_CHARS = 120
_DIFF_MARK = re.compile(r'class="[^"]*\b(addition|deletion)\b')


@dataclass
class FieldChange:
    label: str
    revision: Revision
    old: str | None = None  # set for plain text fields, where both values read well
    new: str | None = None


@dataclass
class Conflict:
    latest: Revision  # the version a confirmed overwrite replaces
    base: Revision | None  # the version the form was built from, when known
    base_created_at: str  # as posted: re-posted with the form so a retry is still stale
    others: list[Revision]  # versions saved by other users since the base
    changes: list[FieldChange] = field(default_factory=list)

    def messages(self) -> list[str]:
        newest = self.others[-1]
        if self.base is None:
            lead = (
                f"This save did not say which version of the page it was made from, and the "
                f"latest version was saved by {_who(newest)} {_when(newest)}."
            )
        else:
            names = list(dict.fromkeys(_who(r) for r in self.others))
            lead = (
                f"{' and '.join(names)} saved a newer version of this page "
                f"{_when(newest)}, after you opened it."
            )
        lines = [lead]
        for change in self.changes:
            line = f"{change.label} was changed by {_who(change.revision)} {_when(change.revision)}"
            if change.old is not None:
                line += f": “{change.old}” → “{change.new}”"
            lines.append(line if line.endswith(("”", ".")) else line + ".")
        lines.append(
            "Your changes have not been saved. Reload the page to see the latest version, or "
            "tick “Overwrite their changes” and save again to replace it with yours."
        )
        return lines


class ConflictCheckingPageForm(WagtailAdminPageForm):
    """The base form of the news pages' editors (base_form_class)."""

    edit_conflict: Conflict | None = None

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and self.for_user is not None and self.is_bound:
            conflict = find_conflict(page=self.instance, data=self.data, user=self.for_user)
            if conflict and self.data.get(OVERWRITE_FIELD) != str(conflict.latest.pk):
                self.edit_conflict = conflict
                for message in conflict.messages():
                    self.add_error(None, message)
        return cleaned_data


def find_conflict(*, page, data, user) -> Conflict | None:
    """The versions saved by others since the one a posted form was built from, or None.

    The base is the autosave revision the form has been writing (`overwrite_revision_id`,
    as in Wagtail), else the loaded revision. A form that names neither is taken to be
    built from the poster's own latest version: only a version they saved themselves is
    known to have been seen.
    """
    # Their content is read only to list the changes (_changes), a few of them at most.
    revisions = Revision.objects.for_instance(page).select_related("user").defer("content")
    base_id = data.get("overwrite_revision_id") or data.get("loaded_revision_id") or ""
    base = revisions.filter(pk=base_id).first() if base_id.isdigit() else None
    base_created_at = data.get("loaded_revision_created_at", "") if base else ""
    if base is None:
        base = revisions.filter(user_id=user.pk).order_by("-pk").first()
    newer = revisions.order_by("pk") if base is None else revisions.filter(pk__gt=base.pk)
    others = [r for r in newer.order_by("pk") if r.user_id != user.pk]
    if (
        base is not None
        and base.user_id != user.pk
        and base_created_at
        and base_created_at != base.created_at.isoformat()
    ):
        # Its author's autosave rewrote the loaded version in place after it was loaded.
        others.insert(0, base)
    if not others:
        return None
    latest = revisions.order_by("-pk").first()
    conflict = Conflict(latest=latest, base=base, base_created_at=base_created_at, others=others)
    if base is not None and others[0] is not base:
        conflict.changes = _changes(page=page, base=base, user=user)
    return conflict


def _changes(*, page, base: Revision, user) -> list[FieldChange]:
    """The fields other users changed since `base`, each with its last such change."""
    newer = Revision.objects.for_instance(page).filter(pk__gt=base.pk).select_related("user")
    newer = list(newer.order_by("-pk")[: MAX_REVISIONS_WALKED + 1])[::-1]
    first = base if len(newer) <= MAX_REVISIONS_WALKED else newer.pop(0)
    comparators = (
        type(page)
        .get_edit_handler()
        .get_bound_panel(instance=page, request=None, form=None)
        .get_comparison()
    )
    versions = [(first, first.as_object())] + [(r, r.as_object()) for r in newer]
    latest_by_label: dict[str, FieldChange] = {}
    for (_, before), (revision, after) in zip(versions, versions[1:], strict=False):
        if revision.user_id == user.pk:
            continue
        for comparator in comparators:
            comparison = comparator(before, after)
            if _visibly_changed(comparison):
                change = FieldChange(label=str(comparison.field_label()), revision=revision)
                if type(comparison) is TextFieldComparison:
                    change.old = _quote(comparison.val_a)
                    change.new = _quote(comparison.val_b)
                latest_by_label[change.label] = change
    return list(latest_by_label.values())


def _visibly_changed(comparison) -> bool:
    # A rich text block saved by the editor for the first time gains markup (Draftail's
    # block keys) without any change a reader could see: judged by Wagtail's own diff.
    if not comparison.has_changed():
        return False
    if type(comparison) is TextFieldComparison or not hasattr(comparison, "htmldiff"):
        return True
    return _DIFF_MARK.search(str(comparison.htmldiff())) is not None


def _quote(value) -> str:
    return Truncator(str(value or "")).chars(QUOTE_CHARS)


def _who(revision: Revision) -> str:
    return get_user_display_name(revision.user) if revision.user else "the system"


def _when(revision: Revision) -> str:
    created: datetime = timezone.localtime(revision.created_at)
    if created.date() == timezone.localdate():
        return f"at {format_date(created, 'H:i')}"
    return f"on {format_date(created, 'j M')} at {format_date(created, 'H:i')}"
