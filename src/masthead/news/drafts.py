"""Drafts never published: the dashboard panel that lists a user's own.

Wagtail 7.4's autosave stores a new article as a draft page as soon as its form is typed
in. A story started and abandoned stays behind as a draft nobody sees in a listing of
published work; the panel lists the signed-in user's own never-published articles, oldest
change first, with Edit and (where the user may delete it) Delete, which goes to
Wagtail's own delete confirmation.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from .models import ArticlePage

PANEL_LIMIT = 10


def never_published_drafts(*, user: AbstractBaseUser, limit: int = PANEL_LIMIT) -> QuerySet:
    """The user's own articles that have never been live and are not in review."""
    in_review = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=Cast(OuterRef("pk"), CharField()),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    return (
        ArticlePage.objects.filter(owner=user, live=False, first_published_at__isnull=True)
        .exclude(Exists(in_review))
        .order_by("latest_revision_created_at", "pk")[:limit]
    )


class NeverPublishedDraftsPanel(Component):
    name = "never_published_drafts"
    order = 150  # after Wagtail's "Awaiting your review" (100), before recent edits (250)
    template_name = "news/admin/drafts_panel.html"

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context=None) -> dict:
        user = self.request.user
        drafts = list(never_published_drafts(user=user))
        for draft in drafts:
            draft.user_can_delete = draft.permissions_for_user(user).can_delete()
        return {"drafts": drafts, "request": self.request}


def add_drafts_panel(request, panels: list) -> None:
    """construct_homepage_panels."""
    panels.append(NeverPublishedDraftsPanel(request))
