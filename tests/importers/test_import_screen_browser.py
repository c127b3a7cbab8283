"""The Import screen in a real browser (headless Chromium): upload, rehearse, import, and
a progress bar that follows a run through its static script under the strict CSP."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from masthead.importers.models import ImportRun
from masthead.news.models import ArticlePage
from tests.reliability.test_editors_browser import browser  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def signed_in_admin(browser, live_server):  # noqa: F811
    user = User.objects.create_user("ada", password="pw", first_name="Ada")
    user.groups.add(Group.objects.get(name="Admin"))
    page = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    page.errors, page.csp = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp.append(m.text))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, user


def test_an_admin_uploads_rehearses_and_imports_a_ghost_export(
    browser,  # noqa: F811
    live_server,
    section,
    settings,
    tmp_path,
):
    settings.MASTHEAD_IMPORT_UPLOAD_DIR = tmp_path / "imports"
    page, _ = signed_in_admin(browser, live_server)
    page.goto(f"{live_server.url}/admin/import/")
    page.set_input_files("input[name=export]", str(FIXTURES / "ghost-3.json"))
    page.select_option("select[name=section]", "news")
    page.click("button:has-text('Upload and rehearse')")
    page.wait_for_selector("text=What the import would do")
    assert ArticlePage.objects.count() == 0
    assert page.locator("td", has_text="p11").count() >= 1
    page.click("button:has-text('Start import')")
    page.wait_for_selector("text=What the import did")
    assert ArticlePage.objects.get(slug="budget-vote").live
    page.screenshot(path=str(tmp_path / "import-report.png"), full_page=True)
    assert page.errors == [] and page.csp == []


def test_the_progress_bar_follows_a_running_import_and_shows_the_report_at_the_end(
    browser,  # noqa: F811
    live_server,
):
    page, user = signed_in_admin(browser, live_server)
    run = ImportRun.objects.create(kind="ghost", file_name="archive.json", user=user)
    page.goto(f"{live_server.url}/admin/import/{run.pk}/")
    assert page.locator("progress").get_attribute("value") == "0"
    ImportRun.objects.filter(pk=run.pk).update(status="running", progress_done=3, progress_total=4)
    # Waited for through the DOM (a string evaluated in the page would break the admin's CSP).
    expect(page.locator("progress")).to_have_attribute("value", "75", timeout=10000)
    assert page.locator("[data-import-done]").inner_text() == "3"
    ImportRun.objects.filter(pk=run.pk).update(
        status="finished", progress_done=4, counts={"articles_created": 4},
        report={"warnings": [{"source_id": "p9", "message": "an image was missing"}],
                "warning_count": 1},
    )  # fmt: skip
    page.wait_for_selector("text=What the import did", timeout=10000)
    assert page.locator("td", has_text="an image was missing").is_visible()
    assert page.errors == [] and page.csp == []
