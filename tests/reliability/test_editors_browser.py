"""Two editors in two real browser sessions (headless Chromium) on the same article: the
second to publish, from the form loaded before the first published, is refused and told
what changed; ticking "Overwrite their changes" publishes theirs (news/concurrency.py)."""

import pytest
from django.contrib.auth.models import Group, User

from masthead.news.models import ArticlePage
from tests.chromium import launched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
OLD_DEK = "The bridge closes for a month."
NEW_DEK = "The bridge closes for six weeks, the council said on Tuesday."


@pytest.fixture
def browser(monkeypatch):
    with launched(monkeypatch) as browser:
        yield browser


def logged_in_editor(browser, live_server, username: str, first: str, last: str):
    user = User.objects.create_user(username, password="pw", first_name=first, last_name=last)
    user.groups.add(Group.objects.get(name="Editor"))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def publish(page) -> None:
    """Opens the footer's action menu and clicks Publish, as an editor does."""
    page.click("footer [data-w-dropdown-target='toggle']")
    page.click("footer button[name='action-publish']")


def test_the_second_editor_to_publish_sees_what_changed_and_can_overwrite(
    browser, live_server, make_article
):
    article = make_article(title="Bridge to close", dek=OLD_DEK)
    alice = logged_in_editor(browser, live_server, "alice", "Alice", "Adams")
    bruno = logged_in_editor(browser, live_server, "bruno", "Bruno", "Bianchi")
    edit_url = f"{live_server.url}/admin/pages/{article.pk}/edit/"
    alice.goto(edit_url, wait_until="networkidle")
    bruno.goto(edit_url, wait_until="networkidle")

    alice.fill("#id_dek", NEW_DEK)
    publish(alice)
    alice.wait_for_url(f"{live_server.url}/admin/pages/{article.get_parent().pk}/")
    assert ArticlePage.objects.get(pk=article.pk).dek == NEW_DEK

    bruno.fill("#id_title", "Bridge to close for repairs")
    publish(bruno)
    message = bruno.locator(".messages")
    message.wait_for()
    text = " ".join(message.inner_text().split())
    assert "Alice Adams saved a newer version of this page" in text
    assert "Standfirst was changed by Alice Adams at " in text
    assert f"“{OLD_DEK}” → “{NEW_DEK}”" in text
    assert "Body was changed" not in text
    assert bruno.input_value("#id_title") == "Bridge to close for repairs"  # his edit is kept
    assert ArticlePage.objects.get(pk=article.pk).title == "Bridge to close"

    bruno.check("input[name='overwrite_revision_confirmed']")
    publish(bruno)
    bruno.wait_for_url(f"{live_server.url}/admin/pages/{article.get_parent().pk}/")
    live = ArticlePage.objects.get(pk=article.pk)
    assert (live.title, live.dek) == ("Bridge to close for repairs", OLD_DEK)
    assert alice.errors == [] and bruno.errors == []
