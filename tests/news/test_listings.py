"""Section, tag, author, search and home listings; the friendly 404 page."""

from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from masthead.news.models import SectionPage


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def card_titles(soup: BeautifulSoup, scope: str = "main .card-grid") -> list[str]:
    return [t.get_text(strip=True) for t in soup.select(f"{scope} .card-title")]


@pytest.fixture
def five_articles(make_article, settings):
    settings.MASTHEAD_PAGE_SIZE = 2
    return [make_article(title=f"Story {n}", tags=["Transit"]) for n in range(1, 6)]


LISTINGS = {
    "section": lambda: "/news/",
    "tag": lambda: "/tags/transit/",
    "author": lambda: "/authors/mara-okafor/",
}


@pytest.mark.parametrize("listing", LISTINGS)
def test_a_listing_shows_one_page_of_cards_newest_first(client, five_articles, listing):
    response = client.get(LISTINGS[listing]())
    assert response.status_code == 200
    assert card_titles(soup_of(response)) == ["Story 5", "Story 4"]


@pytest.mark.parametrize("listing", LISTINGS)
def test_a_listing_links_to_the_next_page_only_on_the_first_page(client, five_articles, listing):
    soup = soup_of(client.get(LISTINGS[listing]()))
    older = soup.select_one('a[rel="next"]')["href"]
    # The link says where page 2 starts (news/keyset.py), after the last card shown.
    assert older.startswith("?page=2&before=")
    assert card_titles(soup_of(client.get(LISTINGS[listing]() + older))) == ["Story 3", "Story 2"]
    assert soup.select_one('a[rel="prev"]') is None
    assert soup.select_one(".pagination-status").get_text(strip=True) == "Page 1 of 3"


@pytest.mark.parametrize("listing", LISTINGS)
def test_a_middle_page_links_both_ways(client, five_articles, listing):
    soup = soup_of(client.get(LISTINGS[listing](), {"page": 2}))
    assert card_titles(soup) == ["Story 3", "Story 2"]
    assert soup.select_one('a[rel="next"]')["href"].startswith("?page=3&before=")
    assert soup.select_one('a[rel="prev"]')["href"] == "?page=1"


@pytest.mark.parametrize("listing", LISTINGS)
def test_the_last_page_holds_the_remainder_and_links_back(client, five_articles, listing):
    soup = soup_of(client.get(LISTINGS[listing](), {"page": 3}))
    assert card_titles(soup) == ["Story 1"]
    assert soup.select_one('a[rel="next"]') is None
    assert soup.select_one('a[rel="prev"]')["href"] == "?page=2"


@pytest.mark.parametrize("listing", LISTINGS)
def test_an_out_of_range_page_shows_the_last_page(client, five_articles, listing):
    for page in ("4", "99", "0", "-1"):
        response = client.get(LISTINGS[listing](), {"page": page})
        assert response.status_code == 200, page
        assert card_titles(soup_of(response)) == ["Story 1"], page


@pytest.mark.parametrize("listing", LISTINGS)
def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, five_articles, listing):
    response = client.get(LISTINGS[listing](), {"page": "abc"})
    assert response.status_code == 200
    assert card_titles(soup_of(response)) == ["Story 5", "Story 4"]


def test_pagination_links_keep_other_query_parameters(client, make_article, settings):
    settings.MASTHEAD_PAGE_SIZE = 1
    make_article(body=[{"type": "paragraph", "value": "<p>Harbour dredging begins.</p>"}])
    make_article(body=[{"type": "paragraph", "value": "<p>Harbour fees rise.</p>"}])
    soup = soup_of(client.get("/search/", {"q": "harbour"}))
    assert soup.select_one('a[rel="next"]')["href"] == "?q=harbour&page=2"


def test_the_tag_page_lists_only_articles_with_that_tag(client, make_article):
    make_article(title="Bus lanes extended", tags=["Transit"])
    make_article(title="Library reopens", tags=["Culture"])
    soup = soup_of(client.get("/tags/transit/"))
    assert soup.h1.get_text(strip=True) == "Transit"
    assert card_titles(soup) == ["Bus lanes extended"]


def test_the_author_page_lists_only_that_authors_articles(client, make_article, author):
    from masthead.news.models import Author

    other = Author.objects.create(name="Tomas Reyes", slug="tomas-reyes")
    make_article(title="Council budget passes", authors=[author])
    make_article(title="Jointly reported", authors=[other, author])
    make_article(title="Someone else's story", authors=[other])
    soup = soup_of(client.get("/authors/mara-okafor/"))
    assert soup.h1.get_text(strip=True) == "Mara Okafor"
    assert card_titles(soup) == ["Jointly reported", "Council budget passes"]


def test_unknown_tags_and_authors_are_not_found(client, home):
    assert client.get("/tags/no-such-tag/").status_code == 404
    assert client.get("/authors/nobody/").status_code == 404


def test_search_finds_an_article_by_a_word_of_its_body(client, make_article):
    make_article(
        title="Night at the port",
        body=[{"type": "paragraph", "value": "<p>A zeppelin moored over the docks.</p>"}],
    )
    make_article(title="Unrelated story")
    soup = soup_of(client.get("/search/", {"q": "zeppelin"}))
    assert card_titles(soup) == ["Night at the port"]
    assert soup.select_one(".result-count").get_text(strip=True) == "1 result for “zeppelin”"


def test_search_with_no_match_says_so(client, make_article):
    make_article(title="Night at the port")
    soup = soup_of(client.get("/search/", {"q": "xylophone"}))
    assert card_titles(soup) == []
    assert soup.select_one(".result-count").get_text(strip=True) == "0 results for “xylophone”"
    assert "Nothing matched" in soup.select_one("main").get_text()


def test_an_over_long_search_query_gets_a_friendly_message(client, make_article):
    make_article(title="Night at the port")
    response = client.get("/search/", {"q": "harbour " * 40})
    assert response.status_code == 200
    soup = soup_of(response)
    error = soup.select_one('[role="alert"]')
    assert error.get_text(strip=True) == "Search terms are limited to 200 characters."
    assert card_titles(soup) == []


def test_a_search_query_of_exactly_the_limit_is_accepted(client, make_article):
    make_article(
        title="Night at the port",
        body=[{"type": "paragraph", "value": "<p>A zeppelin moored over the docks.</p>"}],
    )
    query = "zeppelin" + " " * 191 + "x"
    assert len(query) == 200
    soup = soup_of(client.get("/search/", {"q": query}))
    assert soup.select_one('[role="alert"]') is None


@pytest.mark.parametrize(
    "query",
    [
        '"harbour bridge',
        'harbour"',
        '"',
    ],
)
def test_a_search_with_an_unbalanced_quote_does_not_break_the_page(make_article, query):
    make_article(
        title="Harbour bridge reopens",
        body=[{"type": "paragraph", "value": "<p>The harbour bridge reopened.</p>"}],
    )
    reader = Client(raise_request_exception=False)
    response = reader.get("/search/", {"q": query})
    assert response.status_code == 200
    assert soup_of(response).select_one("form.search-form input[name=q]") is not None


def test_an_empty_search_shows_a_prompt(client, home):
    soup = soup_of(client.get("/search/"))
    assert soup.select_one("form.search-form input[name=q]") is not None
    assert "Type a word or two" in soup.select_one("main").get_text()


def test_an_article_tagged_in_ukrainian_renders_and_links_to_its_tag_page(make_article):
    article = make_article(title="Нова школа", tags=["Освіта"])
    reader = Client(raise_request_exception=False)
    response = reader.get(article.url)
    assert response.status_code == 200
    link = soup_of(response).select_one(".article-tags a")
    assert link.get_text() == "Освіта"
    assert unquote(link["href"]) == "/tags/освіта/"


def test_the_tag_page_of_a_ukrainian_tag_lists_its_articles(make_article):
    make_article(title="Нова школа", tags=["Освіта"])
    reader = Client(raise_request_exception=False)
    tag_page = reader.get("/tags/освіта/")
    assert tag_page.status_code == 200
    assert soup_of(tag_page).h1.get_text(strip=True) == "Освіта"
    assert card_titles(soup_of(tag_page)) == ["Нова школа"]


@pytest.fixture
def front_page(make_article, home):
    world = home.add_child(instance=SectionPage(title="World", slug="world"))
    world.save_revision().publish()
    stories = {}
    for n in range(1, 3):
        stories[f"world {n}"] = make_article(title=f"World story {n}", parent=world)
    for n in range(1, 8):
        stories[f"news {n}"] = make_article(title=f"News story {n}")
    return stories


def test_the_home_page_leads_with_the_newest_story(client, front_page, home):
    soup = soup_of(client.get("/"))
    lead = soup.select_one("section.lead-story")
    assert lead.select_one(".card-title").get_text(strip=True) == "News story 7"
    assert lead.find("picture") is not None


def test_the_home_page_shows_the_next_four_as_top_stories(client, front_page):
    soup = soup_of(client.get("/"))
    assert card_titles(soup, "section.top-stories") == [
        "News story 6",
        "News story 5",
        "News story 4",
        "News story 3",
    ]


def test_the_home_page_shows_a_block_per_section_without_repeating_stories(client, front_page):
    soup = soup_of(client.get("/"))
    blocks = {
        block.find("h2").get_text(strip=True): card_titles(block, "")
        for block in soup.select("section.section-block")
    }
    assert blocks == {
        "News": ["News story 2", "News story 1"],
        "World": ["World story 2", "World story 1"],
    }


def test_a_section_block_shows_at_most_three_stories(client, make_article, home):
    for n in range(1, 10):
        make_article(title=f"Story {n}")
    soup = soup_of(client.get("/"))
    (block,) = soup.select("section.section-block")
    assert card_titles(block, "") == ["Story 4", "Story 3", "Story 2"]


def test_the_home_page_without_articles_shows_an_empty_state(client, home):
    response = client.get("/")
    assert response.status_code == 200
    assert soup_of(response).select_one(".empty-state h2").get_text() == "No stories yet"


def test_an_unpublished_article_is_not_listed_anywhere(client, make_article):
    make_article(title="Published story", tags=["Transit"])
    draft = make_article(
        title="Secret draft",
        tags=["Transit"],
        body=[{"type": "paragraph", "value": "<p>Embargoed zeppelin plans.</p>"}],
        publish=False,
    )
    withdrawn = make_article(
        title="Withdrawn story",
        tags=["Transit"],
        body=[{"type": "paragraph", "value": "<p>Retracted zeppelin claims.</p>"}],
    )
    withdrawn.unpublish()

    for url in ("/", "/news/", "/tags/transit/", "/authors/mara-okafor/", "/search/?q=zeppelin"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Secret draft" not in html, url
        assert "Withdrawn story" not in html, url
    assert "Published story" in client.get("/news/").content.decode()
    assert client.get(f"/news/{draft.slug}/").status_code == 404
    assert client.get(f"/news/{withdrawn.slug}/").status_code == 404


def test_a_missing_page_gets_a_friendly_not_found_page_with_search(client, section):
    response = client.get("/news/no-such-story/")
    assert response.status_code == 404
    soup = soup_of(response)
    assert "couldn’t find that page" in soup.h1.get_text()
    form = soup.select_one("main form.search-form")
    assert form["action"] == "/search/"
    assert form.select_one("input[name=q]") is not None
    assert soup.select_one("nav.sections-nav a[href='/news/']") is not None


@pytest.mark.parametrize("listing", LISTINGS)
def test_following_older_links_walks_every_page_in_order(client, five_articles, listing):
    url, seen, statuses = LISTINGS[listing](), [], []
    while url:
        soup = soup_of(client.get(url))
        seen += card_titles(soup)
        statuses.append(soup.select_one(".pagination-status").get_text(strip=True))
        older = soup.select_one('a[rel="next"]')
        url = LISTINGS[listing]() + older["href"] if older else None
    assert seen == [f"Story {n}" for n in range(5, 0, -1)]
    assert statuses == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]


@pytest.mark.parametrize(
    "cursor",
    ["abc", "12-", "-12", "1.5-3", "١٢٣-٤", "9" * 30 + "-1", "1" * 41, "99999999999999999999-1"],
)
def test_a_cursor_that_is_not_one_is_ignored(client, five_articles, cursor):
    response = client.get("/news/", {"page": 2, "before": cursor})
    assert response.status_code == 200
    assert card_titles(soup_of(response)) == ["Story 3", "Story 2"]
