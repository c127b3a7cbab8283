"""The Import screen's form: the export file and the choices an import takes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured

from .report import ImportOptions
from .uploads import max_upload_bytes, sniff_kind, upload_dir


def section_choices() -> list[tuple[str, str]]:
    from masthead.news.models import SectionPage

    sections = SectionPage.objects.order_by("path").values_list("slug", "title")
    return [("", "From the export's categories (new sections when needed)"), *sections]


class ImportForm(forms.Form):
    export = forms.FileField(
        label="Export file",
        help_text="WordPress: Tools → Export → All content (.xml). "
        "Ghost: Settings → Labs → Export your content (.json).",
    )
    section = forms.ChoiceField(
        label="Section for articles without a category", required=False, choices=()
    )
    categories_as = forms.ChoiceField(
        label="WordPress categories become",
        choices=[("sections", "Sections"), ("topics", "Topics")],
        initial="sections",
    )
    as_drafts = forms.BooleanField(
        label="Import every article as a draft",
        required=False,
        help_text="Published stories are published here too unless this is ticked.",
    )
    include_pages = forms.BooleanField(
        label="Import the old site's pages (About, Contact...) as articles too", required=False
    )
    featured_as_picks = forms.BooleanField(
        label="Put featured (sticky) stories in Editors' Picks", required=False
    )
    fetch_media = forms.BooleanField(
        label="Download images from the old site",
        required=False,
        help_text="Off: images are left out with a warning unless they were already imported.",
    )
    members_public = forms.BooleanField(
        label="Ghost: make posts for members, paid members or tiers public",
        required=False,
        help_text="Off: they are imported as drafts, each with a warning.",
    )
    narrate = forms.BooleanField(
        label="Narrate the imported articles",
        required=False,
        help_text="Queued after all fresh work. Off: archive articles are narrated on request.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = section_choices()
        limit = max_upload_bytes() // 1048576
        self.fields["export"].help_text += f" Up to {limit} MB."
        self.kind = ""

    def clean_export(self):
        upload = self.cleaned_data["export"]
        try:
            upload_dir()
        except ImproperlyConfigured as error:  # said to the admin, not a server error
            raise forms.ValidationError(f"Uploads are switched off: {error}.") from error
        self.kind = sniff_kind(upload)
        return upload

    def options(self, *, dry_run: bool) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            section_slug=data["section"],
            fetch_media=data["fetch_media"],
            as_drafts=data["as_drafts"],
            narrate=data["narrate"],
            categories_as=data["categories_as"],
            include_pages=data["include_pages"],
            featured_as_picks=data["featured_as_picks"],
            members_public=data["members_public"],
            dry_run=dry_run,
        )
