"""The view beacon in a real headless Chromium: one page load records exactly one view,
also when the page HTML comes from a cache and the server never renders it.

Headless Chromium announces itself as "HeadlessChrome" in its user agent, which the bot
filter drops (as it should: most scrapers are headless browsers). The counting tests
therefore give the browser context an ordinary desktop Chrome user agent; a separate
test keeps the headless one and shows its view is dropped.
"""

import pytest

from masthead.audience.models import DailyArticleViews
from tests.chromium import launched

# serialized_rollback: the flush between transactional tests would otherwise remove the
# rows Wagtail's migrations create (root page, locale, collection).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
READER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
BEACON_PATH = "/_audience/view"


def is_beacon(response) -> bool:
    return response.url.endswith(BEACON_PATH) and response.request.method == "POST"


def total_views(article) -> int:
    return sum(DailyArticleViews.objects.filter(article=article).values_list("views", flat=True))


@pytest.fixture
def browser(monkeypatch):
    with launched(monkeypatch) as browser:
        yield browser


def load_and_wait_for_beacon(context, url: str) -> tuple[int, object]:
    """Open `url` in a new tab and wait for the beacon's response: (its status, the page's
    response)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with page.expect_response(is_beacon) as beacon:
        response = page.goto(url)
        html = response.text()
    page.wait_for_load_state("networkidle")  # a second beacon would show up by now
    assert errors == []
    page.close()
    return beacon.value.status, (response.headers, html)


def test_each_page_load_records_exactly_one_view_also_from_the_page_cache_or_a_cdn(
    live_server, browser, make_article, settings
):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    article = make_article(title="Harbour bridge reopens")
    url = live_server.url + article.url

    # A first reader: the server renders the page (and the page cache stores it).
    status, (headers, html) = load_and_wait_for_beacon(
        browser.new_context(user_agent=READER_UA), url
    )
    assert (status, headers.get("x-cache")) == (204, "MISS")
    assert total_views(article) == 1

    # A second reader, fresh browser context: the page cache answers, nothing is rendered.
    status, (headers, _) = load_and_wait_for_beacon(browser.new_context(user_agent=READER_UA), url)
    assert (status, headers.get("x-cache")) == (204, "HIT")
    assert total_views(article) == 2

    # A third reader gets the same HTML from a CDN: the request never reaches the server.
    cdn = browser.new_context(user_agent=READER_UA)
    served_by_cdn: list[str] = []

    def from_cdn(route) -> None:
        served_by_cdn.append(route.request.url)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    cdn.route(url, from_cdn)
    assert load_and_wait_for_beacon(cdn, url)[0] == 204
    assert served_by_cdn == [url]
    assert total_views(article) == 3
    assert DailyArticleViews.objects.filter(article=article).count() == 1


def test_a_headless_browser_user_agent_is_not_counted(live_server, browser, make_article):
    article = make_article(title="Harbour bridge reopens")
    context = browser.new_context()  # Chromium's own "HeadlessChrome" user agent
    assert "HeadlessChrome" in context.new_page().evaluate("navigator.userAgent")
    assert load_and_wait_for_beacon(context, live_server.url + article.url)[0] == 204
    assert total_views(article) == 0
    context.close()


# Makes the page believe it is prerendered or in a background tab until __show() is called.
HIDDEN_PAGE_SCRIPT = """
(() => {
  let state = "%s";
  Object.defineProperty(document, "prerendering", {get: () => state === "prerendering"});
  Object.defineProperty(document, "visibilityState",
                        {get: () => state === "visible" ? "visible" : "hidden"});
  window.__show = () => {
    const event = state === "prerendering" ? "prerenderingchange" : "visibilitychange";
    state = "visible";
    document.dispatchEvent(new Event(event));
  };
})();
"""


@pytest.mark.parametrize("state", ["prerendering", "hidden"])
def test_a_prerendered_or_background_page_is_counted_only_once_shown(
    live_server, browser, make_article, state
):
    article = make_article(title="Harbour bridge reopens")
    context = browser.new_context(user_agent=READER_UA)
    page = context.new_page()
    page.add_init_script(HIDDEN_PAGE_SCRIPT % state)
    beacons: list[str] = []
    page.on("request", lambda r: beacons.append(r.url) if BEACON_PATH in r.url else None)
    page.goto(live_server.url + article.url)
    page.wait_for_load_state("networkidle")
    assert beacons == []
    assert total_views(article) == 0
    with page.expect_response(is_beacon):
        page.evaluate("window.__show()")
    page.evaluate("window.__show()")  # shown again later: still one view
    page.wait_for_load_state("networkidle")
    assert len(beacons) == 1
    assert total_views(article) == 1
    context.close()
