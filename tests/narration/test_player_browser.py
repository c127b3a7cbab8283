"""The narration player in a real headless Chromium: play, seek, speed, read-along."""

import time

import pytest
from django.test import override_settings

from masthead.narration import services

# serialized_rollback: the flush between transactional tests would otherwise remove the
# rows Wagtail's migrations create (root page, locale, collection).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]  # fmt: skip


@pytest.fixture
def page_in_browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database
    # calls are still synchronous, so Django's async-safety check does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        yield page
        browser.close()


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll `expression` in the page: Playwright's wait_for_function evaluates a string
    with eval(), which the site's Content-Security-Policy (rightly) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(100)


@pytest.fixture
def narrated_article(make_article):
    body = [
        {"type": "paragraph", "value": "<p>The ferry left the harbour at dawn. It was late.</p>"},
        {"type": "paragraph", "value": "<p>Passengers waited on the pier for an hour.</p>"},
    ]
    article = make_article(title="Ferry runs late", body=body)
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk)  # the real voice
    return article


def test_the_player_plays_seeks_changes_speed_and_highlights_the_sentence(
    live_server, narrated_article, page_in_browser
):
    page = page_in_browser
    page.goto(live_server.url + narrated_article.url, wait_until="networkidle")
    assert (
        page.locator(".narration-label").inner_text() == "This audio is created with AI assistance"
    )
    assert page.locator(".player").is_visible()
    assert not page.locator(".narration-audio").is_visible()  # replaced by the custom controls

    # Keyboard: the play button is reachable and operable without a mouse.
    page.focus(".player-toggle")
    page.keyboard.press("Space")
    wait_until(page, "document.querySelector('audio').currentTime > 0.5")
    assert page.get_attribute(".player-toggle", "aria-label") == "Pause"

    # Clicking the second paragraph plays from its first sentence.
    page.click('.article-body [data-block="1"]')
    wait_until(
        page,
        "CSS.highlights.has('narration') && "
        "[...CSS.highlights.get('narration')][0].toString().startsWith('Passengers')",
    )
    assert page.evaluate("document.querySelector('audio').currentTime") > 3

    page.select_option(".player-speed", "1.5")
    assert page.evaluate("document.querySelector('audio').playbackRate") == 1.5
    assert page.errors == []


def test_without_a_narration_there_is_no_player(live_server, make_article, page_in_browser):
    # The dummy task backend keeps the narration queued, as before the worker gets to it.
    with override_settings(
        TASKS={
            "default": {
                "BACKEND": "django_tasks.backends.dummy.DummyBackend",
                "QUEUES": ["default", "slow"],
            }
        }
    ):
        article = make_article(title="Not narrated yet")
    page_in_browser.goto(live_server.url + article.url)
    assert page_in_browser.locator("[data-narration]").count() == 0
    assert page_in_browser.locator("text=This audio is created with AI assistance").count() == 0
