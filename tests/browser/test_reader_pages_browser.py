"""The reader pages in a real headless Chromium at a desktop (1280 px) and a phone
(390 px) width: the phone menu works by keyboard and without JavaScript, and axe-core
finds no accessibility violation of any impact (best-practice rules included) on any
page type.

axe-core comes from npm (no Python package ships it). The test looks for `axe.min.js`
in AXE_CORE_JS (a path), then ./node_modules, then npm's global folder
(`npm install -g axe-core`), and is skipped, saying so, when none has it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.news.models import Author, SectionPage
from tests.chromium import launched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SECTIONS = ["World", "Business", "Opinion", "Culture"]  # besides the fixture's "News"
REPO = Path(__file__).resolve().parents[2]


def axe_script() -> Path | None:
    candidates = []
    if os.environ.get("AXE_CORE_JS"):
        candidates.append(Path(os.environ["AXE_CORE_JS"]))
    candidates.append(REPO / "node_modules" / "axe-core" / "axe.min.js")
    npm = shutil.which("npm")
    if npm:
        found = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False)
        if found.returncode == 0 and found.stdout.strip():
            candidates.append(Path(found.stdout.strip()) / "axe-core" / "axe.min.js")
    return next((path for path in candidates if path.is_file()), None)


@pytest.fixture
def browser(monkeypatch):
    with launched(monkeypatch) as browser:
        yield browser


@pytest.fixture
def newsroom(home, section, make_article, image, author):
    """Five sections with articles, topics, a second author, editors' picks and an
    inline related-article card: every part of every reader page."""
    sections = [section]
    for title in SECTIONS:
        extra = home.add_child(instance=SectionPage(title=title, slug=title.lower()))
        extra.save_revision().publish()
        sections.append(extra)
    writer = Author.objects.create(
        name="Jonah Whitfield", slug="jonah-whitfield", role="Editor", bio="Covers the port."
    )
    articles = []
    for n, parent in enumerate(sections * 3):
        articles.append(
            make_article(
                title=f'Harbour story {n}: the "quay" reopens -- again',
                parent=parent,
                tags=["Harbour", f"Topic {n % 4}"],
                authors=[author, writer] if n % 2 else [author],
                card_summary="The council's plan, in short." if n % 3 else "",
            )
        )
    body = [
        {"type": "paragraph", "value": "<p>The harbour reopened on Monday.</p>"},
        {"type": "heading", "value": "What changes"},
        {"type": "paragraph", "value": "<p>Ferries run every hour.</p>"},
        {"type": "related", "value": {"article": articles[0].pk}},
        {"type": "pull_quote", "value": {"quote": "It's a new start", "attribution": "A pilot"}},
    ]
    lead = make_article(title="The harbour reopens", body=body, tags=["Harbour"])
    picks = EditorsPicks.load()
    for order, article in enumerate(articles[:3]):
        EditorsPick.objects.create(collection=picks, article=article, sort_order=order)
    return {"article": lead, "sections": sections, "author": author}


def reader_pages(newsroom) -> dict[str, str]:
    return {
        "home": "/",
        "section": newsroom["sections"][1].url,
        "topic": "/tags/harbour/",
        "topics": "/topics/",
        "author": newsroom["author"].get_absolute_url(),
        "search": "/search/?q=harbour",
        "article": newsroom["article"].url,
        "404": "/no-such-page/",
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_axe_finds_no_violation_of_any_impact_on_any_reader_page(
    live_server, browser, newsroom, viewport
):
    script = axe_script()
    if script is None:
        pytest.skip(
            "axe-core is not installed: `npm install -g axe-core@4.14.1` "
            "(or set AXE_CORE_JS to the path of its axe.min.js)"
        )
    # The pages' Content-Security-Policy would refuse the injected script; axe is the
    # test's, not the page's.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found = {}
    for name, path in reader_pages(newsroom).items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "404" else 200), name
        page.add_script_tag(path=str(script))
        violations = page.evaluate(
            """async () => (await axe.run(document)).violations.map(
                v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)"""
        )
        if violations:
            found[name] = violations
    context.close()
    assert found == {}


def test_on_a_phone_the_menu_opens_by_keyboard_and_shows_every_section(
    live_server, browser, newsroom
):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(live_server.url + "/")
    assert not page.locator(".nav-list").is_visible()
    menu_links = page.locator(".site-menu-panel a")
    assert not menu_links.first.is_visible()

    toggle = page.locator(".site-menu-toggle")
    for _ in range(10):  # skip link, logo, then the menu
        page.keyboard.press("Tab")
        if toggle.evaluate("el => el === document.activeElement"):
            break
    assert toggle.evaluate("el => el === document.activeElement")
    # The focused toggle has a visible outline.
    assert toggle.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")

    shown = [a.inner_text() for a in menu_links.all() if a.is_visible()]
    assert shown == ["Home", "News", *SECTIONS, "Topics"]
    for link in menu_links.all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("#menu-search").is_visible()

    page.keyboard.press("Tab")  # into the menu: its first link
    assert page.evaluate("document.activeElement.textContent") == "Home"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # closes it again
    assert not menu_links.first.is_visible()


def test_the_phone_menu_works_without_javascript(live_server, browser, newsroom):
    page = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(live_server.url + newsroom["sections"][1].url)
    page.locator(".site-menu-toggle").click()
    page.locator(".site-menu-panel a", has_text="Topics").click()
    page.wait_for_url(live_server.url + "/topics/")
    assert page.locator("h1").inner_text() == "Topics"


def test_on_a_desktop_every_section_shows_in_one_row_and_the_menu_stays_hidden(
    live_server, browser, newsroom
):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(live_server.url + "/")
    assert not page.locator(".site-menu").is_visible()
    links = page.locator(".nav-list a")
    assert [a.inner_text().title() for a in links.all()] == ["Home", "News", *SECTIONS, "Topics"]
    tops = {round(a.bounding_box()["y"]) for a in links.all()}
    assert len(tops) == 1
    assert page.locator(".topbar-search input").is_visible()
