"""The staff bar in a real browser (headless Chromium): an editor reaches its links with
the keyboard, and "Add a correction" opens the editor at the corrections log."""

import pytest

from tests.reliability.test_editors_browser import browser, logged_in_editor  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_tabs_to_add_a_correction_and_lands_on_the_corrections_log(
    browser,  # noqa: F811
    live_server,
    make_article,
    tmp_path,
):
    article = make_article(title="Council passes budget", slug="council-budget")
    page = logged_in_editor(browser, live_server, "desk", "Dana", "Desk")
    page.goto(f"{live_server.url}{article.url}")
    bar = page.locator(".staff-toolbar")
    assert bar.is_visible()
    page.screenshot(path=str(tmp_path / "staff-bar.png"))
    focused = []
    for _ in range(12):  # skip link, then the bar's links
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
        if focused[-1] == "Add a correction":
            break
    assert focused[-1] == "Add a correction", focused
    assert {"Edit post", "History"} <= set(focused)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/admin/pages/{article.pk}/edit/*")
    assert page.url.endswith("#panel-child-content-corrections_log-section")
    assert page.locator("#panel-child-content-corrections_log-section").is_visible()
    assert page.errors == []
