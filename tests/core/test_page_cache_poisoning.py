"""Page-cache poisoning: parameters outside the cache key never reach the cached HTML.

The page cache keys a page on `page`, `q` and `before` only. Anything else a visitor adds to the
address (utm_source, a script, a forged link) must not be stored in the page that every
later visitor of the same key is served.
"""

import re

import pytest
from bs4 import BeautifulSoup

POISON = "poisoned-by-visitor-x"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0
    settings.MASTHEAD_PAGE_SIZE = 1


@pytest.fixture
def three_pages(make_article):
    for n in range(3):
        make_article(
            title=f"Harbour story {n}",
            body=[{"type": "paragraph", "value": f"<p>Harbour news number {n}.</p>"}],
        )


def pagination_hrefs(response) -> list[str]:
    """The pagination links, each with its keyset cursor (`&before=<microseconds>-<id>`,
    news/keyset.py) checked and taken off: nothing else may ride along."""
    soup = BeautifulSoup(response.content, "html.parser")
    hrefs = []
    for a in soup.select(".pagination a"):
        href, _, cursor = a["href"].partition("&before=")
        assert cursor == "" or re.fullmatch(r"\d+-\d+", cursor), a["href"]
        hrefs.append(href)
    return hrefs


def test_a_poisoned_section_page_is_cached_without_the_extra_parameter(client, three_pages):
    poisoned = client.get("/news/", {"page": 2, "utm_source": POISON, "x": '"><b>'})
    assert poisoned["X-Cache"] == "MISS"
    assert pagination_hrefs(poisoned) == ["?page=1", "?page=3"]
    later = client.get("/news/", {"page": 2})
    assert later["X-Cache"] == "HIT"
    html = later.content.decode()
    assert POISON not in html and "utm_source" not in html and "<b>" not in html
    assert pagination_hrefs(later) == ["?page=1", "?page=3"]


def test_a_poisoned_search_page_keeps_the_search_words_and_nothing_else(client, three_pages):
    client.get("/search/", {"q": "harbour", "page": 2, "utm_campaign": POISON})
    later = client.get("/search/", {"q": "harbour", "page": 2})
    assert later["X-Cache"] == "HIT"
    assert POISON not in later.content.decode()
    assert pagination_hrefs(later) == ["?q=harbour&page=1", "?q=harbour&page=3"]


def test_the_search_words_in_links_are_escaped(client, three_pages):
    response = client.get("/search/", {"q": 'harbour "<i>'})
    html = response.content.decode()
    assert "<i>" not in html
    for href in pagination_hrefs(response):
        assert href.startswith("?q=harbour+%22%3Ci%3E")
