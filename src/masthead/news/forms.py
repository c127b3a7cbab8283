"""Admin form bases of the news pages and snippets: text fields refuse control
characters (validators.py).

One check for every text field of the form and of its inline forms (byline, corrections,
comments), Wagtail's own fields included (title, SEO title, search description, tags),
so a field added later is covered without a validator of its own. StreamField text is
checked by the body block (blocks.py), where the error can be shown on the exact field.
"""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

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


class NewsPageForm(RefusesControlCharacters, ConflictCheckingPageForm):
    """Also refuses a save built from an out-of-date version (concurrency.py)."""


class NewsSnippetForm(RefusesControlCharacters, WagtailAdminModelForm):
    pass
