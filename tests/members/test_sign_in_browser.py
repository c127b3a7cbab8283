"""In a real headless Chromium: a reader meets the wall, asks for a link from its box,
opens the e-mailed link, signs in, reads the whole story and finds their account. No
cookie until the sign-in; no JavaScript needed."""

import pytest

from tests.chromium import launched

from .conftest import link_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CLOSED = "The third paragraph is for members."


def test_a_reader_signs_in_from_the_wall_and_reads_the_whole_story(
    live_server, make_article, mailoutbox, monkeypatch
):
    texts = ["Opening paragraph.", "Second paragraph.", CLOSED]
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts]
    article = make_article(title="Harbour deal", body=body, access_level="members")
    with launched(monkeypatch) as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server.url + article.url)
        assert CLOSED not in page.content()
        page.fill("#wall-email", "ana@calder.example")
        page.click(".registration-wall button[type=submit]")
        assert page.locator("h1").inner_text() == "Check your inbox"
        assert context.cookies() == []  # nothing stored before signing in
        (message,) = mailoutbox
        page.goto(live_server.url + link_in(message.body))
        page.click(".account-form button[type=submit]")  # not the header search
        page.wait_for_url(live_server.url + article.url)
        assert CLOSED in page.content()
        assert [c["name"] for c in context.cookies()] == ["sessionid"]
        page.goto(live_server.url + "/account/")
        assert "ana@calder.example" in page.locator(".member-email").inner_text()
        page.click("text=Sign out")
        page.goto(live_server.url + article.url)
        assert CLOSED not in page.content()
