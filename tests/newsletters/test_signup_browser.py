"""The sign-up form in a real headless Chromium with JavaScript off, on an article page:
subscribe, confirm from the e-mailed link, and no cookie set along the way."""

import pytest

from masthead.newsletters.models import Subscription
from tests.chromium import launched

from .conftest import link_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_reader_signs_up_from_an_article_and_confirms_without_javascript_or_cookies(
    monkeypatch, live_server, smtp_server, newsletters, make_article
):
    article = make_article(title="Ferry timetable changes")
    with launched(monkeypatch) as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server.url + article.url)
        box = page.locator(".newsletter-signup")
        box.get_by_label("The weekend read").check()
        box.get_by_label("Your e-mail address").fill("reader@example.org")
        box.get_by_role("button", name="Subscribe").click()
        assert page.locator("h1").inner_text() == "Check your inbox"

        confirm = link_in(smtp_server.to("reader@example.org")[0], "confirm")
        page.goto(live_server.url + confirm)
        page.get_by_role("button", name="Confirm my subscription").click()

        assert page.locator("h1").inner_text() == "You are subscribed"
        assert context.cookies() == []
    statuses = dict(Subscription.objects.values_list("newsletter__slug", "status"))
    assert statuses == {"weekend": "confirmed"}
