"""Newsroom roles: Reporter, Editor, Admin groups and the editorial review workflow.

Created once, after migrations; later changes made by an administrator in
Settings → Groups are kept (a group that already exists is never touched).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

WORKFLOW_NAME = "Editorial review"

# A Reporter has "add" only: Wagtail lets the owner of a page edit it with "add", so a
# reporter writes and revises their own stories and cannot change a colleague's.
PAGE_PERMISSIONS = {
    "Reporter": ["add_page"],
    "Editor": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Admin": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page",
              "bulk_delete_page"],
}  # fmt: skip
COLLECTION_PERMISSIONS = {
    "Reporter": ["add_image", "choose_image", "add_document", "choose_document"],
    "Editor": ["add_image", "change_image", "choose_image", "delete_image",
               "add_document", "change_document", "choose_document", "delete_document"],
}  # fmt: skip
COLLECTION_PERMISSIONS["Admin"] = COLLECTION_PERMISSIONS["Editor"]
MODEL_PERMISSIONS = {
    "Reporter": ["wagtailadmin.access_admin", "news.view_author", "narration.view_narration"],
    "Editor": ["wagtailadmin.access_admin", "news.add_author", "news.change_author",
               "news.view_author", "curation.change_editorspicks", "taggit.add_tag",
               "taggit.change_tag", "audience.view_dailyarticleviews",
               "narration.view_narration", "narration.add_pronunciationentry",
               "narration.change_pronunciationentry", "narration.delete_pronunciationentry"],
    "Admin": ["wagtailadmin.access_admin", "news.add_author", "news.change_author",
              "news.delete_author", "news.view_author", "curation.change_editorspicks",
              "taggit.add_tag", "taggit.change_tag", "taggit.delete_tag",
              "audience.view_dailyarticleviews", "narration.view_narration",
              "narration.add_pronunciationentry", "narration.change_pronunciationentry",
              "narration.delete_pronunciationentry", "auth.add_user", "auth.change_user",
              "auth.delete_user", "auth.view_user", "wagtailcore.change_workflow",
              "wagtailcore.add_workflow", "wagtailredirects.add_redirect",
              "wagtailredirects.change_redirect", "wagtailredirects.delete_redirect",
              "importers.add_importrun"],
}  # fmt: skip
# Newsletters (docs/newsletters.md): editors manage and send them; only Admins see who
# subscribed (the lists, CSV export and import).
NEWSLETTER_PERMISSIONS = ["newsletters.add_newsletter", "newsletters.change_newsletter",
                          "newsletters.view_newsletter", "newsletters.add_send",
                          "newsletters.change_send", "newsletters.view_send"]  # fmt: skip
MODEL_PERMISSIONS["Editor"] += NEWSLETTER_PERMISSIONS
MODEL_PERMISSIONS["Admin"] += [*NEWSLETTER_PERMISSIONS, "newsletters.delete_newsletter",
                               "newsletters.view_subscriber",
                               "newsletters.add_subscriber"]  # fmt: skip
MODEL_PERMISSIONS["Admin"] += ["members.view_member", "members.delete_member"]


def _permission(name: str) -> Permission | None:
    app_label, codename = name.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _setup_group(group: Group, root: Page, collection: Collection) -> None:
    for codename in PAGE_PERMISSIONS[group.name]:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=_page_permission(codename)
        )
    for codename in COLLECTION_PERMISSIONS[group.name]:
        app = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(f"{app}.{codename}")
        )
    group.permissions.add(*filter(None, map(_permission, MODEL_PERMISSIONS[group.name])))


def _setup_workflow(root: Page, editors: Group) -> None:
    if Workflow.objects.filter(name=WORKFLOW_NAME).exists():
        return
    task = GroupApprovalTask.objects.create(name="Editor approval")
    task.groups.set([editors])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    # Workflow is a ClusterableModel: its related manager would only stage the row.
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


@transaction.atomic
def ensure_newsroom_roles() -> list[str]:
    """Create missing roles and the workflow; returns the names of groups created."""
    root = Page.get_first_root_node()
    collection = Collection.get_first_root_node()
    if root is None or collection is None:
        return []
    created = []
    for name in PAGE_PERMISSIONS:
        group, was_created = Group.objects.get_or_create(name=name)
        if was_created:
            _setup_group(group, root, collection)
            created.append(name)
    _setup_workflow(root, Group.objects.get(name="Editor"))
    return created
