"""The Wagtail admin and the reader pages work in a real headless Chromium under their
Content-Security-Policy: no violation is reported and no request leaves the site."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User

from tests.chromium import launched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# Runs before any page script (and is not itself subject to the page's policy).
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""

ADMIN_PAGES = ["/admin/", "/admin/images/", "/admin/images/multiple/add/", "/admin/users/",
               "/admin/reports/site-history/", "/admin/documents/"]  # fmt: skip


@pytest.fixture
def browser(monkeypatch):
    with launched(monkeypatch) as browser:
        yield browser


class Watcher:
    """Collects CSP reports (console and events) and every request's origin for a page."""

    def __init__(self, context, base_url: str) -> None:
        self.page = context.new_page()
        self.console: list[str] = []
        self.offsite: list[str] = []
        self.errors: list[str] = []
        origin = urlsplit(base_url).netloc
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "request",
            lambda r: (
                urlsplit(r.url).scheme in ("http", "https")
                and urlsplit(r.url).netloc != origin
                and self.offsite.append(r.url)
            ),
        )

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        return self.console + self.page.evaluate("window.__cspViolations || []")


@pytest.fixture
def signed_in(live_server, browser, make_article):
    User.objects.create_superuser("chief", "chief@example.org", "chief-pass-1234")
    context = browser.new_context()
    context.add_init_script(WATCH_VIOLATIONS)
    watcher = Watcher(context, live_server.url)
    page = watcher.page
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "chief")
    page.fill("input[name=password]", "chief-pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return watcher


def test_admin_pages_load_without_csp_violations_or_offsite_requests(
    live_server, signed_in, make_article
):
    article = make_article(title="Harbour fire")
    page = signed_in.page
    for path in ADMIN_PAGES + [f"/admin/pages/{article.pk}/edit/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert signed_in.violations() == [], path
    # The image chooser (a modal fetched and run by the editor's scripts).
    page.goto(live_server.url + f"/admin/pages/{article.pk}/edit/")
    # The hero field has an image, so its choose button is hidden behind a menu: click it.
    page.eval_on_selector(".chooser__choose-button", "button => button.click()")
    page.wait_for_selector(".modal-content .listing, .modal-content form", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert signed_in.violations() == []
    assert signed_in.errors == []
    assert signed_in.offsite == []


def test_reader_pages_work_under_the_strict_policy_also_from_the_page_cache(
    live_server, browser, make_article, settings
):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    article = make_article(title="Harbour fire", tags=["Waterfront"])
    for attempt in ("MISS", "HIT"):
        context = browser.new_context()
        context.add_init_script(WATCH_VIOLATIONS)
        watcher = Watcher(context, live_server.url)
        for path in [article.url, "/", "/news/", "/tags/waterfront/", "/search/?q=fire"]:
            response = watcher.page.goto(live_server.url + path)
            watcher.page.wait_for_load_state("networkidle")
            policy = response.headers["content-security-policy"]
            assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
            assert watcher.violations() == [], (attempt, path)
            if path == article.url:
                assert response.headers["x-cache"] == attempt
        assert watcher.errors == []
        assert watcher.offsite == []
        context.close()
