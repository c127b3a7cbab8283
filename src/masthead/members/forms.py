from django import forms
from django.core.exceptions import ValidationError

from .addresses import normalised


class EmailForm(forms.Form):
    email = forms.CharField(max_length=320, label="Your e-mail address")
    next = forms.CharField(required=False, widget=forms.HiddenInput)  # members/services.safe_next

    def clean_email(self) -> str:
        return normalised(self.cleaned_data["email"])


class NewslettersForm(forms.Form):
    """The account page's checkboxes; ids not offered are refused, not ignored quietly."""

    newsletters = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, offered: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].choices = [(n.pk, str(n)) for n, _ in offered]


def clean_new_email(value: str, current: str) -> str:
    email = normalised(value)
    if email == current:
        raise ValidationError("That is already your address.")
    return email
