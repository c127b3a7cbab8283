"""Newsroom roles and the editorial review workflow, as created after migrations."""

import pytest
from django.contrib.auth.models import Group, User
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.models import GroupApprovalTask, Page, WorkflowPage, WorkflowState

from masthead.core.roles import WORKFLOW_NAME, ensure_newsroom_roles
from masthead.news.models import ArticlePage


def member_of(group: str, username: str | None = None) -> User:
    user = User.objects.create_user(username or group.lower(), password="pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reporter(db):
    return member_of("Reporter")


@pytest.fixture
def editor(db):
    return member_of("Editor")


@pytest.fixture
def draft(make_article, reporter):
    page = make_article(title="Council draft", publish=False)
    page.owner = reporter
    page.save()
    return page


def group_permissions() -> dict[str, set[str]]:
    return {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    }


def test_the_newsroom_groups_exist_after_migrations(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Reporter", "Editor", "Admin"}


def test_running_the_role_setup_again_changes_nothing(db):
    before = group_permissions()
    assert ensure_newsroom_roles() == []
    assert group_permissions() == before


def test_a_group_an_administrator_changed_is_kept(db):
    editors = Group.objects.get(name="Editor")
    editors.permissions.clear()
    ensure_newsroom_roles()
    assert not editors.permissions.exists()


def test_a_reporter_can_create_and_edit_an_article(client, section, reporter, draft):
    assert section.permissions_for_user(reporter).can_add_subpage()
    assert draft.permissions_for_user(reporter).can_edit()
    client.force_login(reporter)
    assert client.get(f"/admin/pages/add/news/articlepage/{section.pk}/").status_code == 200
    assert client.get(f"/admin/pages/{draft.pk}/edit/").status_code == 200


def test_a_reporter_cannot_publish_but_an_editor_can(section, reporter, editor, draft):
    assert draft.permissions_for_user(reporter).can_publish() is False
    assert draft.permissions_for_user(editor).can_publish() is True
    assert section.permissions_for_user(editor).can_publish_subpage()


def test_the_edit_page_offers_publish_to_an_editor_but_not_to_a_reporter(
    client, reporter, editor, draft
):
    client.force_login(reporter)
    html = client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    assert 'name="action-publish"' not in html
    client.force_login(editor)
    html = client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    assert 'name="action-publish"' in html


def test_a_reporter_cannot_publish_a_revision_directly(client, reporter, draft):
    revision = draft.save_revision(user=reporter)
    with pytest.raises(PublishPagePermissionError):
        revision.publish(user=reporter)
    assert ArticlePage.objects.get(pk=draft.pk).live is False
    assert client.get(draft.url).status_code == 404


def test_the_editorial_review_workflow_is_assigned_to_the_root_page(db):
    root = Page.get_first_root_node()
    assignment = WorkflowPage.objects.get(page=root)
    assert assignment.workflow.name == WORKFLOW_NAME
    assert assignment.workflow.active


def test_the_editorial_review_workflow_has_an_approval_task_for_editors(db, draft):
    workflow = draft.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    tasks = [task.specific for task in workflow.tasks.all()]
    assert len(tasks) == 1
    assert isinstance(tasks[0], GroupApprovalTask)
    assert list(tasks[0].groups.values_list("name", flat=True)) == ["Editor"]


def test_a_reporters_submission_waits_for_an_editor_who_approves_and_publishes_it(
    client, reporter, editor, draft
):
    draft.save_revision(user=reporter)
    workflow_state = draft.get_workflow().start(draft, reporter)

    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert ArticlePage.objects.get(pk=draft.pk).live is False
    assert client.get(draft.url).status_code == 404
    task_state = workflow_state.current_task_state
    assert task_state.task.specific.get_actions(draft, reporter) == []
    assert "approve" in [a[0] for a in task_state.task.specific.get_actions(draft, editor)]

    task_state.approve(user=editor)

    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    assert ArticlePage.objects.get(pk=draft.pk).live is True
    assert client.get(draft.url).status_code == 200
