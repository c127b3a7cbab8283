"""What readers find around the listings: the topics index, search pages in order of
relevance, headings in order, named search landmarks, the home page's reading order."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from masthead.news.models import SectionPage


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def topics_shown(client) -> dict[str, str]:
    soup = soup_of(client.get("/topics/"))
    return {
        li.a.get_text(strip=True): li.select_one(".topic-count").get_text(strip=True)
        for li in soup.select(".topic-list li")
    }


def test_the_topics_index_lists_topics_a_to_z_with_their_article_counts(client, make_article):
    make_article(tags=["Transit", "Harbour"])
    make_article(tags=["Transit"])
    make_article(tags=["Budget"])
    assert list(topics_shown(client).items()) == [
        ("Budget", "1 article"),
        ("Harbour", "1 article"),
        ("Transit", "2 articles"),
    ]


def test_the_topics_index_links_each_topic_to_its_page(client, make_article):
    make_article(title="Bus lanes open", tags=["Transit"])
    soup = soup_of(client.get("/topics/"))
    link = soup.select_one(".topic-list a")
    assert link["href"] == "/tags/transit/"
    topic_page = soup_of(client.get(link["href"]))
    assert [t.get_text(strip=True) for t in topic_page.select(".card-title")] == ["Bus lanes open"]


def test_drafts_and_restricted_articles_neither_count_nor_show_on_the_topics_index(
    client, make_article, home
):
    make_article(tags=["Transit"])
    make_article(tags=["Transit", "Embargo"], publish=False)
    secret = make_article(tags=["Transit", "Members only"])
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)
    closed = home.add_child(instance=SectionPage(title="Closed", slug="closed"))
    closed.save_revision().publish()
    PageViewRestriction.objects.create(
        page=closed, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    make_article(parent=closed, tags=["Transit", "Inside"])
    unpublished = make_article(tags=["Withdrawn"])
    unpublished.unpublish()

    assert topics_shown(client) == {"Transit": "1 article"}


def test_the_topics_index_without_topics_says_so(client, home):
    soup = soup_of(client.get("/topics/"))
    assert soup.h1.get_text(strip=True) == "Topics"
    assert "No topics yet" in soup.select_one("main").get_text()


def test_the_navigation_and_the_footer_link_to_the_topics_index(client, section):
    soup = soup_of(client.get(section.url))
    assert soup.select_one('.nav-list a[href="/topics/"]').get_text(strip=True) == "Topics"
    assert soup.select_one('.site-menu a[href="/topics/"]') is not None
    assert soup.select_one('.site-footer a[href="/topics/"]') is not None


def test_article_topics_link_to_their_topic_pages(client, make_article):
    article = make_article(tags=["City Hall"])
    soup = soup_of(client.get(article.url))
    assert [a["href"] for a in soup.select(".article-tags a")] == ["/tags/city-hall/"]


@pytest.fixture
def three_matches(make_article, settings):
    settings.MASTHEAD_PAGE_SIZE = 2
    body = [{"type": "paragraph", "value": "<p>The zeppelin returns.</p>"}]
    return [make_article(title=f"Zeppelin {n}", body=body) for n in range(3)]


def test_search_results_are_paged_as_previous_and_next_not_older_and_newer(client, three_matches):
    first = soup_of(client.get("/search/", {"q": "zeppelin"}))
    assert first.select_one(".pagination-status").get_text(strip=True) == "Page 1 of 2"
    assert first.select_one('a[rel="next"]').get_text(strip=True) == "Next page →"
    second = soup_of(client.get("/search/", {"q": "zeppelin", "page": 2}))
    assert second.select_one(".pagination-status").get_text(strip=True) == "Page 2 of 2"
    assert second.select_one('a[rel="prev"]').get_text(strip=True) == "← Previous page"
    assert "Older" not in first.select_one(".pagination").get_text()
    assert "Newer" not in second.select_one(".pagination").get_text()


def test_date_ordered_listings_still_page_as_newer_and_older(client, three_matches, section):
    soup = soup_of(client.get(section.url))
    assert soup.select_one('a[rel="next"]').get_text(strip=True) == "Older →"


def heading_levels(soup: BeautifulSoup) -> list[int]:
    main = soup.select_one("main")
    return [int(h.name[1]) for h in main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]


def test_listing_pages_have_headings_in_order(client, make_article, section, author):
    make_article(title="Bus lanes open", tags=["Transit"])
    for url in (section.url, "/tags/transit/", author.get_absolute_url(), "/search/?q=bus"):
        levels = heading_levels(soup_of(client.get(url)))
        assert levels[0] == 1, url
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
        assert 3 in levels, url  # the card titles, under a heading of their own


def test_every_search_landmark_on_a_page_has_its_own_name(client, home):
    for url in ("/search/?q=x", "/no-such-page/"):
        response = client.get(url)
        soup = BeautifulSoup(response.content, "html.parser")
        names = [form.get("aria-label") for form in soup.select('[role="search"]')]
        assert len(names) == 3, url
        assert all(names) and len(set(names)) == len(names), (url, names)


def test_the_home_page_puts_the_rails_after_the_top_stories_and_before_the_sections(
    client, make_article, home
):
    for n in range(8):
        make_article(title=f"Story {n}")
    soup = soup_of(client.get("/"))
    order = [
        el["class"][0] for el in soup.select(".home-layout > *") if el.name in ("div", "aside")
    ]
    assert order == ["home-top", "rail", "home-sections"]
    assert soup.select_one(".home-top .lead-story") is not None
    assert soup.select_one(".home-sections .section-block") is not None
