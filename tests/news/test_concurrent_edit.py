"""Two editors on one article: a save built from an out-of-date version is refused.

Each editor has a real session (their own test Client, logged in), loads the editor page
and posts back the form they were given, as the browser does (news/concurrency.py).
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.models import Revision
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from masthead.news.models import ArticlePage

OLD_DEK = "The bridge closes for a month."
NEW_DEK = "The bridge closes for six weeks, the council said on Tuesday."


def editor(username: str, first: str, last: str, group: str = "Editor") -> User:
    user = User.objects.create_user(username, password="pw", first_name=first, last_name=last)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def article(make_article):
    return make_article(title="Bridge to close", dek=OLD_DEK)


@pytest.fixture
def alice(db) -> Client:
    client = Client()
    client.force_login(editor("alice", "Alice", "Adams"))
    return client


@pytest.fixture
def bruno(db) -> Client:
    client = Client()
    client.force_login(editor("bruno", "Bruno", "Bianchi"))
    return client


def edit_url(page) -> str:
    return f"/admin/pages/{page.pk}/edit/"


def form_data(html: str, page) -> dict[str, list[str]]:
    """What the browser would post from the editor page in `html`: every input of the
    edit form (repeated names kept in order) plus the body, which Wagtail's JavaScript
    draws from the page's StreamField."""
    form = BeautifulSoup(html, "html.parser").find("form", id="page-edit-form")
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or "__prefix__" in name or element.get("type") == "submit":
            continue
        if element.get("type") == "checkbox":
            if not element.has_attr("checked"):
                continue
            value = element.get("value", "on")
        elif element.name == "textarea":
            value = element.text.removeprefix("\n")
        elif element.name == "select":
            selected = element.find("option", selected=True)
            value = selected.get("value", "") if selected else ""
        else:
            value = element.get("value", "")
        data.setdefault(name, []).append(value)
    body = [(block.block_type, rich_text(block.value.source)) for block in page.body]
    for name, value in nested_form_data({"body": streamfield(body)}).items():
        data[name] = [value]
    for index, block in enumerate(page.body):
        data[f"body-{index}-id"] = [block.id]
    return data


def messages_in(response) -> str:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return " ".join(soup.select_one(".messages").get_text(" ").split())


def at(revision: Revision) -> str:
    return f"at {format_date(timezone.localtime(revision.created_at), 'H:i')}"


def open_editor(client: Client, page) -> dict[str, list[str]]:
    response = client.get(edit_url(page))
    assert response.status_code == 200
    return form_data(response.content.decode(), page)


def test_a_publish_from_a_stale_form_is_refused_and_says_what_changed(alice, bruno, article):
    form_a, form_b = open_editor(alice, article), open_editor(bruno, article)

    form_a.update({"dek": [NEW_DEK], "action-publish": ["action-publish"]})
    assert alice.post(edit_url(article), form_a).status_code == 302
    alice_revision = article.revisions.order_by("-pk").first()

    form_b.update({"title": ["Bridge to close for repairs"], "action-publish": ["publish"]})
    response = bruno.post(edit_url(article), form_b)

    assert response.status_code == 200  # the editor again, with Bruno's form as he left it
    message = messages_in(response)
    assert "Alice Adams saved a newer version of this page" in message
    assert f"Standfirst was changed by Alice Adams {at(alice_revision)}: " in message
    assert f"“{OLD_DEK}” → “{NEW_DEK}”" in message
    assert "Title was changed" not in message  # only what Alice changed is listed
    assert "Body was changed" not in message  # the editor's markup, not a visible change
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.find("input", {"name": "title"})["value"] == "Bridge to close for repairs"
    overwrite = soup.find("input", {"name": "overwrite_revision_confirmed"})
    assert overwrite["value"] == str(alice_revision.pk)
    live = ArticlePage.objects.get(pk=article.pk)
    assert (live.dek, live.title) == (NEW_DEK, "Bridge to close")
    assert live.live_revision_id == alice_revision.pk


def test_posting_the_refused_form_again_is_refused_until_the_overwrite_is_ticked(
    alice, bruno, article
):
    form_a, form_b = open_editor(alice, article), open_editor(bruno, article)
    form_a.update({"dek": [NEW_DEK], "action-publish": ["action-publish"]})
    alice.post(edit_url(article), form_a)
    form_b.update({"title": ["Bridge to close for repairs"], "action-publish": ["publish"]})
    refused = bruno.post(edit_url(article), form_b)

    again = form_data(refused.content.decode(), article)
    again["action-publish"] = ["publish"]
    assert bruno.post(edit_url(article), again).status_code == 200
    assert ArticlePage.objects.get(pk=article.pk).dek == NEW_DEK

    alice_revision = article.revisions.order_by("-pk").first()
    again["overwrite_revision_confirmed"] = [str(alice_revision.pk)]
    assert bruno.post(edit_url(article), again).status_code == 302
    live = ArticlePage.objects.get(pk=article.pk)
    assert (live.title, live.dek) == ("Bridge to close for repairs", OLD_DEK)
    assert live.live_revision.user.username == "bruno"


@pytest.mark.parametrize(
    "action",
    [{}, {"action-submit": ["submit"]}],
    ids=["save draft", "submit for review"],
)
def test_saving_a_draft_or_submitting_from_a_stale_form_is_refused_too(
    alice, bruno, article, action
):
    form_a, form_b = open_editor(alice, article), open_editor(bruno, article)
    form_a.update({"dek": [NEW_DEK], "action-publish": ["action-publish"]})
    alice.post(edit_url(article), form_a)
    revisions = article.revisions.count()

    form_b.update({"card_summary": ["A month without the bridge."], **action})
    response = bruno.post(edit_url(article), form_b)

    assert response.status_code == 200
    assert "Standfirst was changed by Alice Adams" in messages_in(response)
    assert article.revisions.count() == revisions  # no draft was saved over Alice's version


def test_a_confirmation_for_an_older_version_does_not_overwrite_a_newer_one(alice, bruno, article):
    form_a, form_b = open_editor(alice, article), open_editor(bruno, article)
    form_a.update({"dek": [NEW_DEK], "action-publish": ["action-publish"]})
    alice.post(edit_url(article), form_a)
    form_b["action-publish"] = ["publish"]
    refused = bruno.post(edit_url(article), form_b)
    confirmed = form_data(refused.content.decode(), article)
    confirmed.update({"action-publish": ["publish"]})
    confirmed["overwrite_revision_confirmed"] = [
        BeautifulSoup(refused.content.decode(), "html.parser").find(
            "input", {"name": "overwrite_revision_confirmed"}
        )["value"]
    ]

    # Alice saves once more while Bruno reads the warning.
    form_a = open_editor(alice, article)
    form_a.update({"title": ["Bridge shut for six weeks"], "action-publish": ["action-publish"]})
    assert alice.post(edit_url(article), form_a).status_code == 302

    response = bruno.post(edit_url(article), confirmed)
    assert response.status_code == 200
    assert "Title was changed by Alice Adams" in messages_in(response)
    assert ArticlePage.objects.get(pk=article.pk).title == "Bridge shut for six weeks"


def test_an_editors_own_autosave_since_loading_is_not_a_conflict(bruno, article):
    form_b = open_editor(bruno, article)
    autosave = {**form_b, "card_summary": ["A month without the bridge."]}
    response = bruno.post(edit_url(article), autosave, HTTP_ACCEPT="application/json")
    assert response.json()["success"] is True

    # The full form still names the version loaded before the autosave, as in the browser.
    form_b.update({"card_summary": ["A month without the bridge."], "action-publish": ["1"]})
    assert bruno.post(edit_url(article), form_b).status_code == 302
    assert ArticlePage.objects.get(pk=article.pk).card_summary == "A month without the bridge."


def test_a_post_without_the_loaded_version_is_refused_when_someone_else_saved_last(
    alice, bruno, article
):
    form_a = open_editor(alice, article)
    form_a.update({"dek": [NEW_DEK], "action-publish": ["action-publish"]})
    alice.post(edit_url(article), form_a)

    # Raw HTTP around the editor's JavaScript: no loaded_revision_id at all.
    raw = open_editor(bruno, article)
    for name in ("loaded_revision_id", "loaded_revision_created_at"):
        del raw[name]
    raw.update({"title": ["Bridge to close for repairs"], "action-publish": ["publish"]})
    response = bruno.post(edit_url(article), raw)

    assert response.status_code == 200
    message = messages_in(response)
    assert "This save did not say which version of the page it was made from" in message
    assert "latest version was saved by Alice Adams" in message
    assert ArticlePage.objects.get(pk=article.pk).title == "Bridge to close"


def test_a_post_without_the_loaded_version_is_accepted_when_the_poster_saved_last(alice, article):
    form_a = open_editor(alice, article)
    form_a.update({"dek": [NEW_DEK], "action-publish": ["action-publish"]})
    assert alice.post(edit_url(article), form_a).status_code == 302

    raw = open_editor(alice, article)
    del raw["loaded_revision_id"]
    raw.update({"title": ["Bridge to close for repairs"], "action-publish": ["publish"]})
    assert alice.post(edit_url(article), raw).status_code == 302
    assert ArticlePage.objects.get(pk=article.pk).title == "Bridge to close for repairs"


def test_an_unchanged_page_saves_as_before(alice, article):
    form_a = open_editor(alice, article)
    form_a.update({"dek": [NEW_DEK], "action-publish": ["action-publish"]})
    response = alice.post(edit_url(article), form_a)
    assert response.status_code == 302
    assert re.search(r"/admin/pages/\d+/", response["Location"])
    assert ArticlePage.objects.get(pk=article.pk).dek == NEW_DEK


def test_a_version_its_author_autosaved_over_after_it_was_loaded_is_a_conflict(
    alice, bruno, article
):
    # Wagtail's autosave rewrites its own revision in place: the same id, a new time.
    form_a = open_editor(alice, article)
    first = alice.post(edit_url(article), form_a, HTTP_ACCEPT="application/json").json()
    form_b = open_editor(bruno, article)
    assert form_b["loaded_revision_id"] == [str(first["revision_id"])]
    form_a.update({"dek": [NEW_DEK], "overwrite_revision_id": [str(first["revision_id"])]})
    second = alice.post(edit_url(article), form_a, HTTP_ACCEPT="application/json").json()
    assert second["revision_id"] == first["revision_id"]

    form_b.update({"title": ["Bridge to close for repairs"], "action-publish": ["publish"]})
    response = bruno.post(edit_url(article), form_b)

    assert response.status_code == 200
    assert "Alice Adams saved a newer version of this page" in messages_in(response)
    assert ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object().dek == NEW_DEK
