"""The everyday newsroom in the admin, by raw HTTP as Reporter and Editor: newsroom words,
reporters' rights over colleagues' stories, a review that is over when "Approve and
publish" is posted, slugs of abandoned drafts, and the drafts-never-published panel."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission, User
from wagtail.models import GroupPagePermission, Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from masthead.news.models import ArticlePage


def member_of(group: str, username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reporter(db):
    return member_of("Reporter", "reporter")


@pytest.fixture
def colleague(db):
    return member_of("Reporter", "colleague")


@pytest.fixture
def editor(db):
    return member_of("Editor", "editor")


def article_form(author, title: str, slug: str, **extra) -> dict:
    return nested_form_data({
        "title": title, "slug": slug, "dek": "Standfirst.", "hero_image": "", "hero_alt": "",
        "body": streamfield([("paragraph", rich_text("<p>Body text.</p>"))]),
        "article_authors": inline_formset([{"author": author.pk}]),
        "corrections": inline_formset([]), "read_also_picks": inline_formset([]), "tags": "",
        **extra,
    })  # fmt: skip


def loaded(page: ArticlePage) -> dict:
    """What the editor page sends about the version it was opened on (news/concurrency.py)."""
    revision = ArticlePage.objects.get(pk=page.pk).get_latest_revision()
    if revision is None:
        return {}
    created = revision.created_at.isoformat()
    return {"loaded_revision_id": str(revision.pk), "loaded_revision_created_at": created}


def owned_by(page: ArticlePage, user: User) -> ArticlePage:
    ArticlePage.objects.filter(pk=page.pk).update(owner=user)
    return ArticlePage.objects.get(pk=page.pk)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- words -----------------------------------------------------------------------------


def test_the_article_editor_speaks_of_headline_topics_and_review(client, reporter, section):
    client.force_login(reporter)
    html = client.get(f"/admin/pages/add/news/articlepage/{section.pk}/").content.decode()
    page = BeautifulSoup(html, "html.parser")
    labels = [label.get_text(" ", strip=True) for label in page.find_all("label")]
    assert any(label.startswith("Headline") for label in labels)
    assert any(label.startswith("Topics") for label in labels)
    assert not any(label.startswith("Tags") for label in labels)
    assert "The page title as you'd like it to be seen by the public" not in html
    assert "As readers see it on the page, on cards and in feeds." in html
    assert "Submit for review" in html
    assert "Submit to Editorial review" not in html
    assert "Publish at" in html  # not "Go live date/time"


def test_publish_is_the_primary_action_for_an_editor(client, editor, make_article):
    draft = make_article(title="Water rates", publish=False)
    client.force_login(editor)
    page = BeautifulSoup(client.get(f"/admin/pages/{draft.pk}/edit/").content, "html.parser")
    footer = page.select_one("footer .w-dropdown-button, footer [data-w-dropdown-target]")
    primary = page.select_one("footer button[name], footer .button-longrunning")
    assert primary is not None and primary.get("name") == "action-publish", footer


def test_submitting_for_review_says_submitted_for_review(client, reporter, author, section):
    client.force_login(reporter)
    form = article_form(author, "Night market returns", "night-market", **{"action-submit": "1"})
    response = client.post(f"/admin/pages/add/news/articlepage/{section.pk}/", form, follow=True)
    assert any("submitted for review" in m for m in messages_of(response))
    assert not any("moderation" in m for m in messages_of(response))


# --- reporters and colleagues' stories --------------------------------------------------


def test_a_reporter_edits_and_submits_their_own_story(client, reporter, author, make_article):
    draft = owned_by(make_article(title="Own story", publish=False), reporter)
    client.force_login(reporter)
    form = article_form(author, "Own story, rewritten", draft.slug, **{"action-submit": "1"})
    response = client.post(f"/admin/pages/{draft.pk}/edit/", form)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.get_latest_revision_as_object().title == "Own story, rewritten"
    assert WorkflowState.objects.filter(object_id=str(draft.pk), status="in_progress").exists()


def test_a_reporter_cannot_edit_a_colleagues_live_story(
    client, reporter, colleague, author, make_article
):
    live = owned_by(make_article(title="Colleague's scoop"), colleague)
    client.force_login(reporter)
    assert client.get(f"/admin/pages/{live.pk}/edit/").status_code in (302, 403)
    response = client.post(
        f"/admin/pages/{live.pk}/edit/", article_form(author, "Hijacked", live.slug)
    )
    assert response.status_code in (302, 403)
    assert response.get("Location", "") in ("", "/admin/")
    live.refresh_from_db()
    assert live.title == "Colleague's scoop"
    assert live.get_latest_revision_as_object().title == "Colleague's scoop"


def test_a_reporter_given_the_edit_right_on_a_section_may_edit_colleagues_stories(
    client, reporter, colleague, author, section, make_article
):
    live = owned_by(make_article(title="Colleague's scoop"), colleague)
    night_desk = Group.objects.create(name="Night desk")
    change = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.create(group=night_desk, page=section, permission=change)
    reporter.groups.add(night_desk)
    client.force_login(reporter)
    response = client.post(
        f"/admin/pages/{live.pk}/edit/",
        article_form(author, "Scoop, updated", live.slug, **loaded(live)),
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "Colleague's scoop"  # a draft until an editor publishes it
    assert live.get_latest_revision_as_object().title == "Scoop, updated"


# --- a review that is over --------------------------------------------------------------


def approve_and_publish(client, page: ArticlePage, author, *, opened_on: dict | None = None):
    form = article_form(author, page.title, page.slug, **{
        "action-workflow-action": "1", "workflow-action-name": "approve",
        "workflow-action-extra-data": "{}", **(opened_on or loaded(page)),
    })  # fmt: skip
    return client.post(f"/admin/pages/{page.pk}/edit/", form, follow=True)


def test_approve_and_publish_posted_for_a_story_not_in_review_explains_instead_of_failing(
    client, editor, author, make_article
):
    draft = make_article(title="Tram timetable", publish=False)
    client.force_login(editor)
    response = approve_and_publish(client, draft, author)
    assert response.status_code == 200
    assert any("no longer waiting for review" in m for m in messages_of(response))
    assert ArticlePage.objects.get(pk=draft.pk).live is False


def test_approving_twice_the_second_post_explains_and_publishes_nothing_more(
    client, reporter, editor, author, make_article
):
    draft = owned_by(make_article(title="Tram timetable", publish=False), reporter)
    client.force_login(reporter)
    client.post(
        f"/admin/pages/{draft.pk}/edit/",
        article_form(author, draft.title, draft.slug, **{"action-submit": "1"}),
    )
    client.force_login(editor)
    opened_on = loaded(draft)  # two tabs opened on the submitted version
    first = approve_and_publish(client, draft, author, opened_on=opened_on)
    assert first.status_code == 200
    assert ArticlePage.objects.get(pk=draft.pk).live is True
    revisions = ArticlePage.objects.get(pk=draft.pk).revisions.count()
    second = approve_and_publish(client, draft, author, opened_on=opened_on)
    assert second.status_code == 200
    assert any("no longer waiting for review" in m for m in messages_of(second))
    assert ArticlePage.objects.get(pk=draft.pk).revisions.count() <= revisions + 1


def test_approving_a_story_whose_review_was_cancelled_explains(
    client, reporter, editor, author, make_article
):
    draft = owned_by(make_article(title="Tram timetable", publish=False), reporter)
    client.force_login(reporter)
    client.post(
        f"/admin/pages/{draft.pk}/edit/",
        article_form(author, draft.title, draft.slug, **{"action-submit": "1"}),
    )
    state = WorkflowState.objects.get(object_id=str(draft.pk), status="in_progress")
    state.cancel(user=reporter)
    client.force_login(editor)
    response = approve_and_publish(client, draft, author)
    assert response.status_code == 200
    assert any("no longer waiting for review" in m for m in messages_of(response))
    assert ArticlePage.objects.get(pk=draft.pk).live is False


# --- abandoned drafts -------------------------------------------------------------------


def test_a_second_story_with_the_same_headline_gets_the_next_free_address(
    client, reporter, author, section
):
    client.force_login(reporter)
    url = f"/admin/pages/add/news/articlepage/{section.pk}/"
    client.post(url, article_form(author, "Storm warning", "storm-warning"))
    response = client.post(url, article_form(author, "Storm warning", "storm-warning"), follow=True)
    assert response.status_code == 200
    slugs = sorted(ArticlePage.objects.filter(title="Storm warning").values_list("slug", flat=True))
    assert slugs == ["storm-warning", "storm-warning-2"]
    assert any("storm-warning-2" in m for m in messages_of(response))


def test_a_published_story_cannot_take_a_colleagues_address(client, editor, author, make_article):
    make_article(title="Storm warning", slug="storm-warning")
    other = make_article(title="Flood watch", slug="flood-watch")
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/{other.pk}/edit/", article_form(author, "Flood watch", "storm-warning")
    )
    assert response.status_code == 200
    assert "already in use" in response.content.decode()
    assert ArticlePage.objects.get(pk=other.pk).slug == "flood-watch"


def test_the_dashboard_lists_ones_own_never_published_drafts_with_delete_links(
    client, reporter, colleague, author, make_article
):
    mine = owned_by(make_article(title="Half-written profile", publish=False), reporter)
    owned_by(make_article(title="Someone else's draft", publish=False), colleague)
    owned_by(make_article(title="My published story"), reporter)
    in_review = owned_by(make_article(title="My story in review", publish=False), reporter)
    client.force_login(reporter)
    submit = article_form(author, in_review.title, in_review.slug, **{"action-submit": "1"})
    assert client.post(f"/admin/pages/{in_review.pk}/edit/", submit).status_code == 302
    page = BeautifulSoup(client.get("/admin/").content, "html.parser")
    panel = page.find(id="never-published-drafts-section")
    assert panel is not None
    text = panel.get_text(" ", strip=True)
    assert "Half-written profile" in text
    assert "Someone else's draft" not in text
    assert "My published story" not in text
    assert "My story in review" not in text
    delete = panel.find("a", href=f"/admin/pages/{mine.pk}/delete/?next=/admin/")
    assert delete is not None
    confirm = client.post(f"/admin/pages/{mine.pk}/delete/", {"next": "/admin/"})
    assert confirm.status_code == 302
    assert not ArticlePage.objects.filter(pk=mine.pk).exists()


def test_a_reporter_cannot_delete_a_colleagues_draft(client, reporter, colleague, make_article):
    theirs = owned_by(make_article(title="Someone else's draft", publish=False), colleague)
    client.force_login(reporter)
    response = client.post(f"/admin/pages/{theirs.pk}/delete/")
    assert response.status_code in (302, 403)
    assert Page.objects.filter(pk=theirs.pk).exists()


def test_the_home_and_section_editors_still_open_with_the_newsroom_form(client, section):
    admin = User.objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(admin)
    for page in (section, section.get_parent()):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
        assert "Publish at" in response.content.decode()
