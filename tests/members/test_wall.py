"""The registration wall: a preview and a sign-up box for readers, the whole story for
members; the cached page is the walled one, a member's page is never cached."""

import json

import pytest
from bs4 import BeautifulSoup

from masthead.members import access
from masthead.news.access import AccessLevel

PARAGRAPHS = ["First paragraph is open.", "Second paragraph is open.", "Third is for members."]


def body(*texts):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts]


@pytest.fixture
def gated(make_article):
    return make_article(title="Harbour deal", body=body(*PARAGRAPHS), access_level="members")


def news_article_ld(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle")


def test_a_reader_sees_the_preview_and_a_sign_up_box_and_search_engines_are_told(client, gated):
    html = client.get(gated.url).content.decode()
    assert PARAGRAPHS[0] in html and PARAGRAPHS[1] in html
    assert PARAGRAPHS[2] not in html
    soup = BeautifulSoup(html, "html.parser")
    wall = soup.select_one("aside.registration-wall")
    assert wall.select_one('form[action="/account/sign-in/"] input[type="email"]')
    assert wall.select_one('input[name="next"]')["value"] == gated.url
    data = news_article_ld(html)
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"]["isAccessibleForFree"] is False
    assert soup.select(data["hasPart"]["cssSelector"])  # the selector names the walled part


def test_a_member_reads_the_whole_article(member_client, gated):
    html = member_client.get(gated.url).content.decode()
    assert all(text in html for text in PARAGRAPHS)
    assert "registration-wall" not in html
    assert news_article_ld(html)["isAccessibleForFree"] is False


def test_the_preview_length_is_a_setting(client, gated, settings):
    settings.MASTHEAD_MEMBERS_PREVIEW_PARAGRAPHS = 1
    html = client.get(gated.url).content.decode()
    assert PARAGRAPHS[0] in html and PARAGRAPHS[1] not in html


def test_a_section_sets_the_default_and_an_article_may_open_itself(client, make_article, section):
    section.access_level = AccessLevel.MEMBERS
    section.save_revision().publish()
    inherits = make_article(body=body(*PARAGRAPHS))
    opened = make_article(body=body(*PARAGRAPHS), access_level=AccessLevel.PUBLIC)
    assert PARAGRAPHS[2] not in client.get(inherits.url).content.decode()
    html = client.get(opened.url).content.decode()
    assert PARAGRAPHS[2] in html
    assert news_article_ld(html)["isAccessibleForFree"] is True


def test_a_paid_article_is_walled_for_members_until_a_payment_provider_says_so(
    member_client, make_article
):
    paid = make_article(body=body(*PARAGRAPHS), access_level=AccessLevel.PAID)
    assert PARAGRAPHS[2] not in member_client.get(paid.url).content.decode()

    def subscribers(member, page):
        return member.email == "reader@calder.example"

    access.register_paid_provider(subscribers)
    try:
        assert PARAGRAPHS[2] in member_client.get(paid.url).content.decode()
    finally:
        access.unregister_paid_provider(subscribers)


def test_the_cached_page_is_the_walled_one_and_a_member_page_is_never_cached(
    client, member_client, gated, settings
):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    from django.test import Client

    mine = member_client.get(gated.url)  # first: had it been stored, readers would get it
    assert "X-Cache" not in mine and PARAGRAPHS[2] in mine.content.decode()
    assert "reader@calder.example" in member_client.get("/account/").content.decode()
    reader = Client()
    first, second = reader.get(gated.url), reader.get(gated.url)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    for response in (first, second):
        html = response.content.decode()
        assert PARAGRAPHS[2] not in html and "registration-wall" in html
        assert "reader@calder.example" not in html
        assert not response.cookies  # readers get no cookie
    assert "X-Cache" not in member_client.get(gated.url)
