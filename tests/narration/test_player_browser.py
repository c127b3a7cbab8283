"""The narration player in a real headless Chromium: play, seek, speed, read-along."""

import json
import re

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from masthead.narration import services
from masthead.narration.models import Narration
from tests.chromium import launched

# serialized_rollback: the flush between transactional tests would otherwise remove the
# rows Wagtail's migrations create (root page, locale, collection).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
HIGHLIGHTED = (
    "CSS.highlights.has('narration') ? [...CSS.highlights.get('narration')][0].toString() : ''"
)
LONG_BODY = [
    "The ferry left the harbour at dawn. It was late.",
    "Passengers waited on the pier for an hour. Some went home.",
    "The harbour master said the engine had failed overnight. A mechanic was called.",
    "Repairs took most of the morning. The parts came from the mainland.",
    "By noon the ferry was running again. The timetable was restored.",
    "The council will review the ferry contract next month. A report is due.",
    "Islanders have asked for a second boat. The request is not new.",
    "The operator declined to comment on the delays. Tickets will be refunded.",
]


@pytest.fixture(autouse=True)
def media_served_by_the_site(monkeypatch):
    """live_server answers /media/ itself with Django's static `serve`, which has no byte
    ranges, so a browser cannot seek in audio it has not downloaded. Let the site's own
    media view (core/media.py, with Range support and access checks) answer instead."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


@pytest.fixture
def chromium(monkeypatch):
    with launched(monkeypatch, "--autoplay-policy=no-user-gesture-required") as browser:
        yield browser


def open_page(chromium, *, width: int = 1280, height: int = 900, **options):
    page = chromium.new_page(viewport={"width": width, "height": height}, **options)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A blocked script, style or fetch under the strict Content-Security-Policy.
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    page.errors = errors
    return page


@pytest.fixture
def page_in_browser(chromium):
    return open_page(chromium)


# Tasks kept queued, as before the worker gets to them.
QUEUED_ONLY = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "slow"],
    }
}


def narrate(article):
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk)  # the real voice
    return Narration.objects.get(article=article)


@pytest.fixture
def narrated_article(make_article):
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in LONG_BODY[:2]]
    article = make_article(title="Ferry runs late", body=body)
    narrate(article)
    return article


@pytest.fixture
def long_narration(make_article):
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in LONG_BODY]
    return narrate(make_article(title="Ferry runs late", body=body))


def block_start(narration, index: int) -> float:
    timings = json.loads(default_storage.open(narration.timings.name).read())
    return next(s["start"] for s in timings["segments"] if s["target"] == f"block-{index}")


def current_time(page) -> float:
    return page.evaluate("document.querySelector('audio').currentTime")


def move_audio_to(page, seconds: float) -> None:
    page.evaluate(f"document.querySelector('audio').currentTime = {seconds}")


def wait_for_metadata(page) -> None:
    page.wait_for_function("() => document.querySelector('audio').readyState >= 1")


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
    page.focus(".player .player-toggle")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('audio').currentTime > 0.5")
    assert page.get_attribute(".player .player-toggle", "aria-label") == "Pause"

    # Clicking the second paragraph plays from its first sentence.
    page.click('.article-body [data-block="1"]')
    page.wait_for_function(f"() => ({HIGHLIGHTED}).startsWith('Passengers')")
    assert current_time(page) > 3

    page.select_option(".player-speed", "1.5")
    assert page.evaluate("document.querySelector('audio').playbackRate") == 1.5
    assert page.errors == []


def test_arrow_keys_on_the_seek_slider_move_five_seconds_and_the_buttons_fifteen(
    live_server, long_narration, page_in_browser
):
    page = page_in_browser
    page.goto(live_server.url + long_narration.article.url)
    wait_for_metadata(page)
    page.focus(".player-seek")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert current_time(page) == pytest.approx(10)
    page.keyboard.press("ArrowLeft")
    assert current_time(page) == pytest.approx(5)
    assert page.get_attribute(".player-seek", "aria-valuetext").startswith("5 seconds of ")
    assert page.locator(".player .player-elapsed").inner_text() == "0:05"

    page.get_by_role("button", name="Forward 15 seconds").click()
    assert current_time(page) == pytest.approx(20)
    assert page.locator(".player .player-elapsed").inner_text() == "0:20"
    page.get_by_role("button", name="Back 15 seconds").click()
    page.get_by_role("button", name="Back 15 seconds").click()
    assert current_time(page) == 0  # never before the start
    # The buttons say what they do on screen, too.
    assert "15" in page.locator(".player-back").inner_text()
    assert "15" in page.locator(".player-forward").inner_text()
    assert page.errors == []


def test_listen_from_here_works_from_the_keyboard(live_server, long_narration, page_in_browser):
    page = page_in_browser
    page.goto(live_server.url + long_narration.article.url, wait_until="networkidle")
    third = page.get_by_role("button", name=re.compile(r"^Listen from here: Passengers waited"))
    fourth = page.locator('[data-block="2"] .listen-here')
    assert third.count() == 1
    assert third.bounding_box()["width"] <= 1  # out of the way while reading
    page.focus('[data-block="0"] .listen-here')
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert fourth.evaluate("b => b === document.activeElement")
    assert fourth.bounding_box()["width"] > 20  # seen when focused
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({HIGHLIGHTED}).startsWith('The harbour master said')")
    assert current_time(page) >= block_start(long_narration, 2)
    assert not page.evaluate("document.querySelector('audio').muted")
    assert page.get_attribute(".player .player-toggle", "aria-label") == "Pause"
    assert page.errors == []


def test_the_heading_and_the_player_show_the_same_length(
    live_server, long_narration, page_in_browser
):
    page = page_in_browser
    page.goto(live_server.url + long_narration.article.url)
    wait_for_metadata(page)
    heading = page.locator(".narration-length time").inner_text()
    minutes, seconds = divmod(int(long_narration.duration), 60)
    assert heading == f"{minutes}:{seconds:02d}"
    assert page.locator(".player .player-total").inner_text() == heading
    assert page.locator(".mini-player .player-total").inner_text() == heading
    assert " s" not in page.locator(".narration-heading").inner_text()


def test_reading_along_scrolls_to_the_spoken_sentence_unless_switched_off_or_the_reader_scrolls(
    live_server, long_narration, chromium
):
    page = open_page(chromium, height=700, reduced_motion="reduce")
    page.goto(live_server.url + long_narration.article.url, wait_until="networkidle")
    page.get_by_label("Scroll to follow the reading").uncheck()
    page.get_by_role("button", name="Play").click()
    start_y = page.evaluate("scrollY")
    last = len(LONG_BODY) - 1
    move_audio_to(page, block_start(long_narration, last))
    page.wait_for_function(f"() => ({HIGHLIGHTED}).startsWith('The operator declined')")
    assert page.evaluate("scrollY") == start_y  # switched off: the page stays put

    page.get_by_label("Scroll to follow the reading").check()
    page.wait_for_function(
        "() => { const r = [...CSS.highlights.get('narration')][0].getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert page.evaluate("scrollY") > start_y

    # The reader scrolls back up: the next sentences do not drag the page back down.
    page.mouse.wheel(0, -5000)
    page.wait_for_function("() => scrollY === 0")
    move_audio_to(page, block_start(long_narration, 5))
    page.wait_for_function(f"() => ({HIGHLIGHTED}).startsWith('The council will review')")
    assert page.evaluate("scrollY") == 0
    assert page.errors == []


def test_on_a_phone_listen_sits_by_the_headline_and_a_mini_player_follows_the_reader(
    live_server, long_narration, chromium
):
    page = open_page(chromium, width=390, height=844, has_touch=True)
    page.goto(live_server.url + long_narration.article.url, wait_until="networkidle")
    mini = page.locator(".mini-player")
    # Following the reading would scroll back up to the headline being read.
    page.get_by_label("Scroll to follow the reading").uncheck()
    page.evaluate("scrollTo(0, 0)")
    # A compact Listen button beside the reading time, on the first screen.
    listen = page.get_by_role("button", name=re.compile(r"^Listen \(\d+:\d\d\)$"))
    assert listen.bounding_box()["y"] < 844
    listen.click()
    page.wait_for_function("() => !document.querySelector('audio').paused")
    assert page.locator(".headline-listen").inner_text() == "Pause"
    assert mini.is_hidden()  # the full player is on screen
    page.evaluate("document.querySelector('[data-block=\"6\"]').scrollIntoView()")
    mini.wait_for(state="visible")
    box = mini.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(844, abs=1)  # along the bottom edge
    assert mini.get_by_role("button", name="Pause", exact=True).is_visible()
    assert re.fullmatch(r"\d+:\d\d / \d+:\d\d", mini.locator(".mini-time").inner_text())

    # Keyboard: it comes right after the full player's controls.
    page.evaluate("document.querySelector('.player-scroll-toggle').focus({preventScroll: true})")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.mini-player .player-toggle')")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('audio').paused")
    # The label follows the audio's "pause" event, which may come a moment later.
    mini.get_by_role("button", name="Play", exact=True).wait_for(state="visible", timeout=5000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.mini-close')")
    page.keyboard.press("Enter")
    assert mini.is_hidden()  # closed: it covers nothing any more
    assert page.evaluate("document.activeElement.matches('.player .player-toggle')")
    assert page.errors == []


def test_the_word_timings_are_fetched_on_the_first_play_not_with_the_page(
    live_server, long_narration, page_in_browser
):
    page = page_in_browser
    timings_url = long_narration.timings.url
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + long_narration.article.url, wait_until="networkidle")
    assert not [url for url in requested if url.endswith(".json")]
    assert page.locator(f'link[href="{timings_url}"]').count() == 0  # nothing to preload
    with page.expect_request(lambda request: request.url.endswith(timings_url)):
        page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({HIGHLIGHTED}).length > 0")

    # Seeking is enough, too.
    requested.clear()
    page.reload(wait_until="networkidle")
    assert not [url for url in requested if url.endswith(".json")]
    with page.expect_request(lambda request: request.url.endswith(timings_url)):
        page.focus(".player-seek")
        page.keyboard.press("ArrowRight")
    assert page.errors == []


def test_without_javascript_the_browsers_own_audio_controls_play(
    live_server, narrated_article, chromium
):
    page = open_page(chromium, java_script_enabled=False)
    page.goto(live_server.url + narrated_article.url)
    assert page.locator("audio.narration-audio[controls]").is_visible()
    assert page.locator(".player").is_hidden()
    assert page.locator(".mini-player").is_hidden()
    assert page.locator(".headline-listen").count() == 0
    minutes, seconds = divmod(int(Narration.objects.get(article=narrated_article).duration), 60)
    assert page.locator(".narration-length time").inner_text() == f"{minutes}:{seconds:02d}"


def test_without_a_narration_there_is_no_player(live_server, make_article, page_in_browser):
    # The dummy task backend keeps the narration queued, as before the worker gets to it.
    with override_settings(TASKS=QUEUED_ONLY):
        article = make_article(title="Not narrated yet")
    page_in_browser.goto(live_server.url + article.url)
    assert page_in_browser.locator("[data-narration]").count() == 0
    assert page_in_browser.locator("text=This audio is created with AI assistance").count() == 0


def test_a_sentence_typed_with_straight_quotes_and_dashes_is_highlighted_as_the_page_shows_it(
    live_server, make_article, page_in_browser
):
    # The page shows “curly” quotes and em dashes; the timings hold what was typed.
    body = [
        {"type": "paragraph", "value": "<p>The ferry left at dawn. It was late.</p>"},
        {"type": "paragraph", "value": '<p>"It\'s late -- again," she said. We waited.</p>'},
    ]
    article = make_article(title="Ferry runs late", body=body)
    narrate(article)
    page = page_in_browser
    page.goto(live_server.url + article.url, wait_until="networkidle")
    assert "“It’s late — again,”" in page.locator('.article-body [data-block="1"]').inner_text()
    page.focus(".player .player-toggle")
    page.keyboard.press("Space")
    page.click('.article-body [data-block="1"]')
    page.wait_for_function(f"() => ({HIGHLIGHTED}).startsWith('“It’s late — again,” she said.')")
    assert page.errors == []


class PausedMidway:
    """The real voice; before chunk `at` it runs `meanwhile()`: the narration is half made."""

    def __init__(self, at: int, meanwhile) -> None:
        from masthead.narration.engines import get_engine

        self.engine, self.at, self.meanwhile, self.count = get_engine(), at, meanwhile, 0
        self.voice_id, self.sample_rate = self.engine.voice_id, self.engine.sample_rate

    def speak(self, text: str):
        self.count += 1
        if self.count == self.at:
            self.meanwhile()
        return self.engine.speak(text)


def test_while_the_narration_is_made_the_player_follows_its_parts_then_the_final_file(
    live_server, make_article, page_in_browser
):
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in LONG_BODY[:5]]
    # A fresh article: its narration waits in the queue (the dummy backend) until the
    # test makes it below, half way at a time, so the page has no earlier audio to show.
    with override_settings(TASKS=QUEUED_ONLY):
        article = make_article(title="Ferry runs late", body=body)
    page = page_in_browser

    def reader_listens() -> None:
        page.goto(live_server.url + article.url, wait_until="networkidle")
        assert "being prepared" in page.locator(".narration-heading").inner_text()
        page.get_by_role("button", name="Play").click()
        page.wait_for_function(f"() => ({HIGHLIGHTED}).startsWith('Ferry runs late')")
        # The manifest arrived: the made length shows; the end of what is made is reachable.
        page.wait_for_function(
            "() => /\\d:\\d\\d/.test(document.querySelector('.player-total').textContent)"
        )
        page.focus(".player-seek")
        page.keyboard.press("End")
        page.locator(".narration-live", has_text="Preparing the next part").wait_for()
        assert re.search(r"-live-[2-9]\.mp3$", page.evaluate("document.querySelector('audio').src"))

    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk, engine=PausedMidway(10, reader_listens))
    narration = Narration.objects.get(article=article)
    assert narration.status == Narration.Status.READY
    # Complete: the player goes on in the final file, from where the parts ended.
    page.wait_for_function(
        f"() => {{ const a = document.querySelector('audio'); return a.src.endsWith("
        f"'{narration.audio.url}') && !a.paused && a.currentTime > 5; }}"
    )
    assert page.locator(".narration-live").is_hidden()
    minutes, seconds = divmod(int(narration.duration), 60)
    assert page.locator(".narration-length").inner_text() == f"· {minutes}:{seconds:02d}"
    assert page.errors == []
