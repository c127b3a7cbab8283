"""JSON-LD, canonical URLs, Open Graph and Twitter cards, read back from the rendered page."""

import json
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from masthead.news.models import Author, Correction

HOST = "http://testserver"


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def json_ld(soup: BeautifulSoup) -> dict[str, dict]:
    """Every JSON-LD block of the page, by @type."""
    blocks = {}
    for script in soup.find_all("script", type="application/ld+json"):
        assert "<" not in script.string and ">" not in script.string
        data = json.loads(script.string)
        assert data["@context"] == "https://schema.org"
        blocks[data["@type"]] = data
    return blocks


def meta(soup: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in soup.head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found.setdefault(key, []).append(tag["content"])
    return found


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def image_size(client, url: str) -> tuple[int, int]:
    from io import BytesIO

    from django.core.files.storage import default_storage

    path = url.removeprefix(f"{HOST}/media/")
    with default_storage.open(path) as handle:
        return Image.open(BytesIO(handle.read())).size


def test_an_article_carries_a_complete_news_article(client, newsroom):
    bridge = newsroom.bridge
    data = json_ld(soup_of(client, bridge.url))["NewsArticle"]
    url = HOST + bridge.url
    assert data["headline"] == "Tarn bridge reopens"
    assert data["description"] == "Traffic returns after two years."
    assert when(data["datePublished"]) == bridge.published_at
    assert when(data["dateModified"]) == bridge.published_at  # no substantive update
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Mara Okafor",
            "url": f"{HOST}/authors/mara-okafor/",
            "jobTitle": "Reporter",
        }
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "The Calder Ledger"
    logo = publisher["logo"]
    assert logo["url"] == f"{HOST}/static/masthead/distribution/publisher-logo.png"
    assert client.get(logo["url"].removeprefix(HOST)).status_code == 200
    assert (logo["width"], logo["height"]) == (600, 60)
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert data["articleSection"] == "News"
    assert data["keywords"] == ["Transport", "City Hall"]
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "name": "Correction",
            "text": "An earlier version misdated the closure.",
            "datePublished": data["correction"][0]["datePublished"],
        }
    ]
    assert when(data["correction"][0]["datePublished"]) == bridge.corrections.get().date


def test_article_images_come_in_16_9_4_3_and_1_1(client, newsroom):
    images = json_ld(soup_of(client, newsroom.bridge.url))["NewsArticle"]["image"]
    assert [(i["width"], i["height"]) for i in images] == [(1200, 675), (1200, 900), (1200, 1200)]
    for image in images:
        assert image["@type"] == "ImageObject"
        assert image_size(client, image["url"]) == (image["width"], image["height"])


def test_a_substantive_update_is_the_date_modified(client, newsroom):
    data = json_ld(soup_of(client, newsroom.budget.url))["NewsArticle"]
    assert when(data["dateModified"]) == newsroom.budget.last_updated_at
    assert [a["name"] for a in data["author"]] == ["Mara Okafor", "Theo Brandt"]


def test_an_article_without_corrections_has_no_correction_property(client, newsroom):
    data = json_ld(soup_of(client, newsroom.market.url))["NewsArticle"]
    assert "correction" not in data
    assert "keywords" not in data


def test_an_article_has_a_breadcrumb_trail_home_section_article(client, newsroom):
    trail = json_ld(soup_of(client, newsroom.budget.url))["BreadcrumbList"]["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in trail] == [
        (1, "The Calder Ledger", f"{HOST}/"),
        (2, "Business", f"{HOST}/business/"),
        (3, "Council passes budget", HOST + newsroom.budget.url),
    ]
    assert all(i["@type"] == "ListItem" for i in trail)


def test_a_section_has_a_breadcrumb_trail(client, newsroom):
    trail = json_ld(soup_of(client, "/business/"))["BreadcrumbList"]["itemListElement"]
    assert [i["name"] for i in trail] == ["The Calder Ledger", "Business"]


def test_the_home_page_describes_the_website_and_its_search(client, newsroom):
    site = json_ld(soup_of(client, "/"))["WebSite"]
    assert site["name"] == "The Calder Ledger" and site["url"] == f"{HOST}/"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["query-input"] == "required name=search_term_string"
    template = action["target"]["urlTemplate"]
    assert template == f"{HOST}/search/?q={{search_term_string}}"
    results = soup_of(client, template.replace("{search_term_string}", "bridge").removeprefix(HOST))
    assert "Tarn bridge reopens" in results.get_text()


def test_an_author_page_describes_the_person(client, newsroom, image):
    newsroom.theo.photo, newsroom.theo.photo_alt = image, "Theo at his desk"
    newsroom.theo.save()
    profile = json_ld(soup_of(client, "/authors/theo-brandt/"))["ProfilePage"]
    person = profile["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Theo Brandt"
    assert person["url"] == f"{HOST}/authors/theo-brandt/"
    assert person["jobTitle"] == "Business Editor"
    assert person["description"] == "Covers money."
    assert person["image"]["url"].startswith(f"{HOST}/media/images/")
    assert person["worksFor"]["name"] == "The Calder Ledger"


def test_a_headline_cannot_break_out_of_the_json_ld_block(client, make_article):
    title = 'Mayor says "</script><script>alert(1)</script>" & <!-- more'
    article = make_article(title=title)
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(BeautifulSoup(html, "html.parser"))["NewsArticle"]["headline"] == title


def test_an_article_has_canonical_open_graph_and_twitter_tags(client, newsroom):
    soup = soup_of(client, newsroom.bridge.url)
    url = HOST + newsroom.bridge.url
    assert soup.head.find("link", rel="canonical")["href"] == url
    tags = meta(soup)
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == ["Tarn bridge reopens"]
    assert tags["og:description"] == ["Traffic returns after two years."]
    assert tags["og:url"] == [url]
    assert tags["og:site_name"] == ["The Calder Ledger"]
    assert tags["og:locale"] == ["en_US"]
    assert (tags["og:image:width"], tags["og:image:height"]) == (["1200"], ["630"])
    assert image_size(client, tags["og:image"][0]) == (1200, 630)
    assert tags["og:image:alt"] == ["The bridge at dawn"]
    assert tags["article:section"] == ["News"]
    assert tags["article:tag"] == ["Transport", "City Hall"]
    assert tags["article:author"] == [f"{HOST}/authors/mara-okafor/"]
    assert when(tags["article:published_time"][0]) == newsroom.bridge.published_at
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["twitter:title"] == ["Tarn bridge reopens"]
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["twitter:image:alt"] == ["The bridge at dawn"]
    # The description base.html writes and the social description agree.
    assert tags["description"] == tags["og:description"]


@pytest.mark.parametrize("path", ["/", "/news/", "/tags/transport/", "/authors/mara-okafor/"])
def test_every_kind_of_page_has_open_graph_tags_and_a_canonical_url(client, newsroom, path):
    soup = soup_of(client, path)
    assert soup.head.find("link", rel="canonical")["href"] == HOST + path
    tags = meta(soup)
    for name in (
        "og:title",
        "og:description",
        "og:url",
        "og:image",
        "twitter:card",
        "twitter:title",
    ):
        assert tags.get(name), f"{path} has no {name}"
    assert client.get(tags["og:image"][0].removeprefix(HOST)).status_code == 200


def test_page_two_of_a_listing_is_its_own_canonical_url(client, settings, newsroom):
    settings.MASTHEAD_PAGE_SIZE = 1
    soup = soup_of(client, "/business/?page=2")
    assert soup.head.find("link", rel="canonical")["href"] == f"{HOST}/business/?page=2"


def test_the_twitter_site_is_announced_when_configured(client, settings, newsroom):
    settings.MASTHEAD_TWITTER_SITE = "@calderledger"
    assert meta(soup_of(client, "/"))["twitter:site"] == ["@calderledger"]


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_head_tags_add_no_queries_that_grow_with_authors_tags_or_corrections(
    client, newsroom, make_article
):
    small = make_article(title="Small")
    team = [Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(4)]
    large = make_article(title="Large", authors=team, tags=["a", "b", "c", "d"])
    for n in range(3):
        large.corrections.add(Correction(date=large.published_at, text=f"Fix {n}"))
    large.save_revision().publish()
    assert _queries(client, large.url) == _queries(client, small.url)
    assert len(json_ld(soup_of(client, large.url))["NewsArticle"]["correction"]) == 3
