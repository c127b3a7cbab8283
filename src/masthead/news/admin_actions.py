"""The page editor's actions in newsroom words, and the ones that can go stale.

- The action menu: "Submit for review" (Wagtail says "Submit to Editorial review"), and
  Publish (or "Approve and publish") as the primary button for those who may publish.
- A workflow action posted for a page whose review is over (approved and published in
  another tab, withdrawn from review, or never submitted) made Wagtail 7.4's page editor fail with
  `'NoneType' object has no attribute 'get_actions'` (EditView.workflow_action_is_valid
  reads the current task without checking that there is one). The post is handled as
  Save draft instead (with the usual checks, news/concurrency.py included), with a
  message saying so; nothing is approved or published.
- A slug changed to the next free one (forms.SuffixesClashingDraftSlug) is reported.
"""

from django.contrib import messages
from django.http import HttpRequest
from wagtail.admin.action_menu import ActionMenuItem, PublishMenuItem, SubmitForModerationMenuItem
from wagtail.models import Page

WORKFLOW_ACTION = "action-workflow-action"
STALE_REVIEW_MESSAGE = (
    "“{title}” is no longer waiting for review (it was approved, published or withdrawn "
    "from review in the meantime), so nothing was approved or published: the form was "
    "handled as Save draft. Check the page's status and history before publishing or "
    "submitting it again."
)


class SubmitForReviewMenuItem(SubmitForModerationMenuItem):
    """Wagtail's submit action, labelled "Submit for review" / "Resubmit for review"."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        state = page.current_workflow_state if page else None
        needs_changes = state is not None and state.status == state.STATUS_NEEDS_CHANGES
        context["label"] = "Resubmit for review" if needs_changes else "Submit for review"
        return context


def _is_primary_candidate(item: ActionMenuItem) -> bool:
    return getattr(item, "name", None) == "approve" or isinstance(item, PublishMenuItem)


def newsroom_action_menu(menu_items: list, request: HttpRequest, context: dict) -> None:
    """construct_page_action_menu: newsroom labels; publishing first for those who may."""
    for index, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[index] = SubmitForReviewMenuItem(order=item.order)
    primary = next((item for item in menu_items if _is_primary_candidate(item)), None)
    if primary is not None:
        menu_items.remove(primary)
        menu_items.insert(0, primary)


def saves_stale_workflow_action_as_draft(request: HttpRequest, page: Page):
    """before_edit_page: a workflow action for a page with no review under way becomes a
    plain save, with a message (module docstring)."""
    if request.method != "POST" or not request.POST.get(WORKFLOW_ACTION):
        return None
    if page.current_workflow_task is not None:
        return None  # Wagtail checks the action against the task's own list
    post = request.POST.copy()
    post.pop(WORKFLOW_ACTION, None)
    post.pop("workflow-action-name", None)
    request.POST = post
    messages.warning(request, STALE_REVIEW_MESSAGE.format(title=page.get_admin_display_title()))
    return None


def report_changed_slug(request: HttpRequest, page: Page) -> None:
    """after_create_page / after_edit_page: say which web address the story got."""
    changed = getattr(page, "_masthead_slug_changed", None)
    if changed:
        taken, free = changed
        messages.warning(
            request,
            f"The web address “{taken}” is already used by another story in this section "
            f"(perhaps an earlier draft), so this one is “{free}”. You can change it on "
            "the Promote tab before publishing.",
        )
