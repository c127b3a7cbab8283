"""Admin form bases of the news pages and snippets: text fields refuse control
characters (validators.py).

One check for every text field of the form and of its inline forms (byline, corrections,
comments), Wagtail's own fields included (title, SEO title, search description, tags),
so a field added later is covered without a validator of its own. StreamField text is
checked by the body block (blocks.py), where the error can be shown on the exact field.
"""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Page

from .concurrency import ConflictCheckingPageForm
from .validators import control_character_message


def refuse_control_characters(form: forms.BaseForm) -> bool:
    """Adds an error to every field of a cleaned form that holds a control character;
    True if none did."""
    clean = True
    for name, value in list(getattr(form, "cleaned_data", {}).items()):
        texts = value if isinstance(value, list | tuple) else [value]
        for text in texts:
            if isinstance(text, str) and (message := control_character_message(text)):
                form.add_error(name if name in form.fields else None, message)
                clean = False
                break
    return clean


class RefusesControlCharacters:
    def is_valid(self) -> bool:
        valid = super().is_valid()
        # Validated after Django's own cleaning, so each value is the one to be saved.
        valid = refuse_control_characters(self) and valid
        for formset in getattr(self, "formsets", {}).values():
            for child in formset.forms:
                if formset.can_delete and formset._should_delete_form(child):
                    continue
                valid = refuse_control_characters(child) and valid
        return valid


SCHEDULE_HELP = {
    "go_live_at": (
        "Publish at",
        "To publish later: set the time here, then choose Publish. The article goes live "
        "then (the worker must be running). Leave blank to publish at once.",
    ),
    "expire_at": (
        "Unpublish at",
        "Optional: the time the article is taken off the site. Leave blank to keep it.",
    ),
}


class SuffixesClashingDraftSlug:
    """A story that has never been published takes the next free web address (`-2`,
    `-3`, ...) when its slug is taken in the section, rather than being refused.

    Wagtail's autosave stores a draft as soon as a new story is typed in; a reporter who
    abandons it and starts again with the same headline would otherwise be told the slug
    is in use, by a draft they may not even see. The change is reported after the save
    (`slug_changed_from`, shown by wagtail_hooks.py). A published story keeps its address:
    changing it to a taken one is still refused."""

    slug_changed_from: str | None = None

    def clean(self):
        slug = self.cleaned_data.get("slug")
        parent = getattr(self, "parent_page", None)
        if slug and parent is not None and self.instance.first_published_at is None:
            page = self.instance if self.instance.pk else None
            if not Page._slug_is_available(slug, parent, page):
                free = next_free_slug(slug, parent, page)
                self.cleaned_data["slug"] = free
                self.slug_changed_from = slug
                self.instance._masthead_slug_changed = (slug, free)
        return super().clean()


def next_free_slug(slug: str, parent: Page, page: Page | None) -> str:
    """`slug-2`, `slug-3`, ...: the first not used by another child of `parent`, as
    Wagtail numbers the slugs it makes from a title."""
    suffix = 2
    while not Page._slug_is_available(f"{slug}-{suffix}", parent, page):
        suffix += 1
    return f"{slug}-{suffix}"


class NewsPageForm(SuffixesClashingDraftSlug, RefusesControlCharacters, ConflictCheckingPageForm):
    """Also refuses a save built from an out-of-date version (concurrency.py)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in SCHEDULE_HELP.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = help_text


class NewsSnippetForm(RefusesControlCharacters, WagtailAdminModelForm):
    pass
