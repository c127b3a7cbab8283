"""Reader forms. No CSRF token in them (they sit on cached pages): see views.py for why
that is safe."""

from django import forms

from .addresses import MAX_LENGTH, normalise_email
from .models import Newsletter

SOURCES = {"home", "article", "newsletters", "preferences"}


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label="Your e-mail address",
        max_length=MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Enter your e-mail address.",
            "max_length": "That address is too long.",
        },
    )
    newsletters = forms.TypedMultipleChoiceField(
        coerce=int,
        required=True,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one newsletter.",
            "invalid_choice": "That newsletter is not offered any more.",
        },
    )
    source = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # A field people never see (hidden by CSS): bots fill it in.
    website = forms.CharField(required=False, max_length=200, label="Leave this empty")

    def __init__(self, *args, newsletters: list[Newsletter], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].choices = [(n.pk, n.name) for n in newsletters]

    def clean_email(self) -> str:
        address = normalise_email(self.cleaned_data["email"])
        if address is None:
            raise forms.ValidationError(
                "That does not look like an e-mail address: check it "
                "and try again (for example ana@example.org)."
            )
        return address

    def clean_source(self) -> str:
        source = self.cleaned_data.get("source") or "newsletters"
        return f"form:{source if source in SOURCES else 'newsletters'}"


class PreferencesForm(forms.Form):
    newsletters = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "That newsletter is not offered any more."},
    )

    def __init__(self, *args, newsletters: list[Newsletter], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].choices = [(n.pk, n.name) for n in newsletters]


class LinkRequestForm(forms.Form):
    email = forms.CharField(label="Your e-mail address", max_length=MAX_LENGTH, strip=True)

    def clean_email(self) -> str:
        address = normalise_email(self.cleaned_data["email"])
        if address is None:
            raise forms.ValidationError("That does not look like an e-mail address.")
        return address
