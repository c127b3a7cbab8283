"""Related-article cards: a short teaser, a thumbnail and a link, only to live articles."""

import pytest
from bs4 import BeautifulSoup

from masthead.news.text import lead_paragraph, teaser

LONG_SUMMARY = (
    "The council voted on Tuesday night to close the harbour bridge for six weeks of "
    "repairs, sending commuters to the ferry and the ring road while crews replace the deck."
)


@pytest.mark.parametrize(
    ("text", "length", "expected"),
    [
        ("The council voted to close the harbour bridge", 20, "The council voted to…"),
        ("The council voted to close the harbour bridge", 22, "The council voted to…"),
        ("The council voted to close the harbour bridge", 24, "The council voted to…"),
        ("The council voted to close the harbour bridge", 26, "The council voted to close…"),
        ("Budget approved, council says", 17, "Budget approved…"),
        ("Budget approved; council says", 16, "Budget approved…"),
        ("Budget approved. Council says", 17, "Budget approved…"),
        ("Bridge closes — ferries added", 16, "Bridge closes…"),
        ("Short text", 20, "Short text"),
        ("Exactly twenty chars", 20, "Exactly twenty chars"),
        ("  Spaced   out\n text  ", 20, "Spaced out text"),
        ("Supercalifragilistic expialidocious", 10, "Supercalif…"),
        ("", 10, ""),
    ],
)
def test_a_teaser_is_cut_at_a_word_boundary_and_ends_in_an_ellipsis(text, length, expected):
    assert teaser(text, length) == expected


@pytest.mark.parametrize(
    ("text", "length", "expected"),
    [
        ("Who pays? Council says nobody", 12, "Who pays…"),
        ("Stop! Council says nobody", 8, "Stop…"),
    ],
)
def test_a_teaser_leaves_no_punctuation_of_any_kind_before_the_ellipsis(text, length, expected):
    assert teaser(text, length) == expected


@pytest.mark.parametrize("length", [30, 60, 90, 140])
def test_a_teaser_never_exceeds_its_length_and_ends_on_a_whole_word(length):
    result = teaser(LONG_SUMMARY, length)
    assert result.endswith("…")
    kept = result.removesuffix("…")
    assert len(kept) <= length
    assert LONG_SUMMARY.startswith(kept)
    assert LONG_SUMMARY[len(kept)] in " ,"  # the next character ends the word
    assert kept[-1] not in " ,;:.-–—"


def related_body(article) -> list[dict]:
    return [
        {"type": "paragraph", "value": "<p>Before the card.</p>"},
        {"type": "related", "value": {"article": article.pk}},
    ]


def related_card(client, page):
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    return soup.select_one(".article-body aside.related-card")


def test_the_related_card_shows_headline_teaser_thumbnail_and_link(client, make_article):
    other = make_article(title="Bridge closure: what commuters need to know", dek="Unused.")
    other.card_summary = LONG_SUMMARY
    other.save_revision().publish()
    page = make_article(body=related_body(other))

    card = related_card(client, page)
    assert card is not None
    assert card.select_one(".related-title").get_text(strip=True) == other.title
    teaser_text = card.select_one(".related-teaser").get_text(strip=True)
    assert teaser_text.endswith("…")
    assert LONG_SUMMARY.startswith(teaser_text.removesuffix("…"))
    assert len(teaser_text) <= 141
    picture = card.select_one(".related-thumb picture")
    assert picture is not None
    assert picture.find("source", type="image/webp") is not None
    assert picture.find("img")["src"]
    assert card.find("a")["href"] == other.url


LEAD = (
    "Ferry fares rise by ten cents on Monday, the first increase in six years, the harbour "
    "board said, blaming the cost of fuel and the new dock at Pier 4."
)


def test_without_a_card_summary_the_teaser_is_the_start_of_the_lead_paragraph(client, make_article):
    body = [
        {"type": "heading", "value": "Not the lead"},
        {"type": "paragraph", "value": f"<p>{LEAD}</p><p>The second paragraph.</p>"},
    ]
    other = make_article(
        title="Ferry fares rise", dek="The standfirst.", card_summary="", body=body
    )
    page = make_article(body=related_body(other))
    teaser_text = related_card(client, page).select_one(".related-teaser").get_text(strip=True)
    assert teaser_text == (
        "Ferry fares rise by ten cents on Monday, the first increase in six years, the "
        "harbour board said, blaming the cost of fuel and the new dock…"
    )


def test_a_short_lead_paragraph_is_the_whole_teaser(client, make_article):
    body = [{"type": "paragraph", "value": "<p>Fares <b>rise</b> today.</p>"}]
    other = make_article(card_summary="", dek=LONG_SUMMARY, body=body)
    page = make_article(body=related_body(other))
    teaser_text = related_card(client, page).select_one(".related-teaser").get_text(strip=True)
    assert teaser_text == "Fares rise today."


def test_a_body_without_a_paragraph_falls_back_to_the_standfirst(client, make_article):
    body = [{"type": "heading", "value": "Only a heading"}]
    other = make_article(title="Ferry fares rise", dek=LONG_SUMMARY, card_summary="", body=body)
    page = make_article(body=related_body(other))
    teaser_text = related_card(client, page).select_one(".related-teaser").get_text(strip=True)
    assert teaser_text.endswith("…")
    assert LONG_SUMMARY.startswith(teaser_text.removesuffix("…"))


@pytest.mark.parametrize(
    ("raw", "lead"),
    [
        ([{"type": "paragraph", "value": "<p>First.</p><p>Second.</p>"}], "First."),
        ([{"type": "heading", "value": "H"}, {"type": "paragraph", "value": "<p>P</p>"}], "P"),
        (
            [
                {"type": "paragraph", "value": "<p> </p>"},
                {"type": "paragraph", "value": "<p>B</p>"},
            ],
            "B",
        ),
        ([{"type": "paragraph", "value": "<p>Tom &amp; Jerry&#x27;s</p>"}], "Tom & Jerry's"),
        ([{"type": "related", "value": {"article": 3}}], ""),
        ([], ""),
    ],
)
def test_the_lead_paragraph_is_the_first_paragraph_with_text(raw, lead):
    assert lead_paragraph(raw) == lead


def test_a_short_card_summary_is_shown_whole(client, make_article):
    other = make_article(card_summary="Fares rise by ten cents.", dek=LONG_SUMMARY)
    page = make_article(body=related_body(other))
    teaser_text = related_card(client, page).select_one(".related-teaser").get_text(strip=True)
    assert teaser_text == "Fares rise by ten cents."


def test_the_teaser_length_is_configurable(client, make_article, settings):
    settings.MASTHEAD_TEASER_LENGTH = 40
    other = make_article(card_summary=LONG_SUMMARY)
    page = make_article(body=related_body(other))
    teaser_text = related_card(client, page).select_one(".related-teaser").get_text(strip=True)
    assert teaser_text == "The council voted on Tuesday night to…"


def test_a_related_card_to_an_unpublished_article_renders_nothing(client, make_article):
    draft = make_article(title="Embargoed budget leak", publish=False)
    page = make_article(body=related_body(draft))
    response = client.get(page.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("aside.related-card") is None
    assert "Embargoed budget leak" not in soup.decode()
    assert "Before the card." in soup.select_one(".article-body").get_text()


def test_unpublishing_the_related_article_removes_its_card(client, make_article):
    other = make_article(title="Mayor resigns")
    page = make_article(body=related_body(other))
    assert related_card(client, page) is not None
    other.unpublish()
    assert related_card(client, page) is None
    assert "Mayor resigns" not in client.get(page.url).content.decode()
