"""Stored XSS, read back at the HTTP level: payloads posted through the admin forms by
each role (tests/security/xss_support.py), then every public output fetched and parsed.

The browser half (test_xss_browser.py) loads the same outputs in Chromium; this half
fails on markup that would run in some other consumer (a feed reader, an API client)
and runs without a browser."""

import json
from html import unescape

import pytest
from django.test import Client

from masthead.news.models import ArticlePage

from .xss_payloads import ALL, PAYLOADS, URL_PAYLOADS, has_control_characters, is_detectable
from .xss_scan import dangerous_url, scan_api, scan_feed, scan_html, scan_xml, urls_in
from .xss_support import attack_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def attack(django_db_setup, django_db_blocker, tmp_path_factory):
    with attack_once(django_db_blocker, tmp_path_factory.mktemp("xss-media")) as attack:
        yield attack


@pytest.fixture(autouse=True)
def _attack_media(request, settings):
    # The uploaded images live in the attack's media folder (conftest gives each test
    # its own, empty one).
    if "attack" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("attack").media_root
        settings.MASTHEAD_NARRATION_ENABLED = False


def fetch(client: Client, url: str):
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    return response


def test_the_corpus_holds_over_200_distinct_payloads_each_detectable():
    texts = [p.text for p in ALL]
    assert len(PAYLOADS) >= 200
    assert len(set(texts)) == len(texts)
    assert len({p.n for p in ALL}) == len(ALL)
    for p in ALL:
        assert is_detectable(p.text), p
        assert not has_control_characters(p.text), p
        assert len(p.text) <= 500, p  # a list item's limit
    kinds = {p.kind for p in ALL}
    assert {"script", "handler", "url", "bare-url", "svg-mathml", "attribute", "template",
            "css", "unicode", "closer"} <= kinds  # fmt: skip


def test_every_role_stores_its_payloads_through_the_admin_forms(attack):
    article = ArticlePage.objects.get(pk=attack.articles[1].pk)
    stored = {block.block_type for block in article.body}
    assert {"paragraph", "heading", "pull_quote", "editors_note", "embed", "list", "image",
            "related"} <= stored  # fmt: skip
    # The list block keeps each payload of this article's share verbatim, as typed.
    items = next(b.value for b in article.body if b.block_type == "list")["items"]
    assert list(items) == [p.text for p in PAYLOADS[1::5]]
    assert "xss" in article.title.lower() and "xss" in article.dek.lower()
    first = attack.articles[0]
    assert first.live and first.revisions.count() >= 3  # draft, publish, second edit
    reporter = attack.users["reporter"]
    reporter.refresh_from_db()
    assert "xss" in reporter.first_name and "xss" in reporter.last_name


def test_public_html_never_carries_an_executable_payload(attack, client):
    findings = []
    for url in attack.public_urls():
        response = fetch(client, url)
        findings += scan_html(response.content.decode(), url)
    assert findings == []


def test_no_public_page_has_a_javascript_or_data_link_and_payload_text_is_shown_as_text(
    attack, client
):
    article = attack.articles[1]
    html = fetch(client, article.url).content.decode()
    # What the attacker typed reaches the reader as text: escaped, not dropped.
    assert "&lt;script&gt;__xss(" in html
    assert "&lt;/title&gt;" in html or "&lt;/textarea&gt;" in html
    # Draftail links with script URLs lose their href (or the whole link).
    for p in URL_PAYLOADS:
        if dangerous_url(unescape(p.text)):
            assert f'href="{p.text}"' not in html
    links = []
    for url in attack.public_urls():
        links += [(url, link) for link in urls_in(fetch(client, url).content.decode())]
    assert len(links) > 200
    assert [(url, link) for url, link in links if dangerous_url(link)] == []


def test_reflected_payloads_in_search_and_404_urls_are_escaped(attack, client):
    findings = []
    for url in attack.reflected_urls():
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        findings += scan_html(response.content.decode(), url)
    assert findings == []


def test_feeds_and_podcast_parse_and_carry_payloads_only_as_text(attack, client):
    findings = []
    for url in attack.feed_urls():
        response = fetch(client, url)
        assert response.status_code == 200, url
        findings += scan_feed(response.content, url)
    assert findings == []
    rss = client.get("/feeds/rss.xml").content.decode()
    assert "&lt;script&gt;__xss(" in rss  # present, escaped


def test_sitemaps_parse_as_xml_with_payload_titles(attack, client):
    findings = []
    for url in attack.sitemap_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        findings += scan_xml(response.content, url)
    assert findings == []


def test_the_api_serves_clean_body_html_and_no_script_urls(attack, client):
    findings = []
    for url in attack.api_urls():
        response = fetch(client, url)
        assert response.status_code == 200, url
        findings += scan_api(json.loads(response.content), url)
    assert findings == []
    detail = json.loads(client.get(f"/api/v2/articles/{attack.articles[1].pk}/").content)
    assert "__xss(" in detail["title"]  # stored and served as plain text


def test_redirects_never_send_readers_to_a_script_url(attack, client):
    from wagtail.contrib.redirects.models import Redirect

    for redirect in Redirect.objects.all():
        response = client.get(redirect.old_path)
        location = response.headers.get("Location", "")
        assert not dangerous_url(location), (redirect.old_path, location)


def test_admin_pages_render_every_payload_without_a_server_error(attack):
    chief = Client()
    chief.force_login(attack.users["chief"])
    findings = []
    for url in attack.admin_urls():
        response = chief.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        findings += scan_html(response.content.decode(), url)
    assert findings == []
