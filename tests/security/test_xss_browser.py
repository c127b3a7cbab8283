"""Stored XSS in a real browser: after every role has posted the corpus through the admin
forms, every public output and the admin pages that show it are loaded in headless
Chromium. Not one payload may run, open a dialog or fetch from the marker host, and no
injected handler or script URL may sit in the live DOM."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.chromium import launched

from .xss_browser import visit, watch_context
from .xss_support import build_site, run_attack

# serialized_rollback: the flush between transactional tests would otherwise remove the
# rows Wagtail's migrations create (root page, locale, collection).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(monkeypatch):
    with launched(monkeypatch) as browser:
        yield browser


def session_cookie(user, live_server) -> list[dict]:
    client = Client()
    client.force_login(user)
    value = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return [{"name": django_settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}]


def test_no_stored_payload_runs_in_chromium_on_any_public_or_admin_page(
    live_server, browser, settings
):
    settings.MASTHEAD_NARRATION_ENABLED = False
    attack = run_attack(build_site())
    public = (
        attack.public_urls()
        + attack.reflected_urls()[::2]
        + attack.feed_urls()
        + attack.sitemap_urls()
        + attack.api_urls()[:5]
    )

    reader, seen_by_reader = watch_context(browser, live_server.url)
    visit(reader, seen_by_reader, public)
    reader.close()

    staff, seen_by_staff = watch_context(
        browser, live_server.url, cookies=session_cookie(attack.users["chief"], live_server)
    )
    # A signed-in editor sees the public pages too (with the staff toolbar), then the admin.
    admin = attack.admin_urls(edit_pages=2)
    visit(staff, seen_by_staff, attack.public_urls()[:5] + admin, settle_ms=200)
    staff.close()

    assert seen_by_reader.report() == ""
    # Readers' pages make no request to any other host (no fonts, scripts, images).
    assert seen_by_reader.other_hosts == []
    assert seen_by_staff.report() == ""
    # The test saw what it was meant to: the pages rendered the payload-laden articles.
    assert len(public) > 40 and len(admin) > 20
