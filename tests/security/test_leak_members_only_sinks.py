"""Members-only text stays out of the remaining reader-facing outputs: search results,
sitemaps and the news sitemap, and the related-article card another story shows (its
teaser is the first paragraph, never the rest)."""

import pytest

OPEN = "The council met on Tuesday."
CLOSED = "Only members read this sentence."


@pytest.fixture
def gated(make_article):
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in (OPEN, "More.", CLOSED)]
    article = make_article(title="Harbour ledger", body=body, access_level="members")
    card = {"type": "related", "value": {"article": article.pk}}
    host = make_article(title="Ferry timetable", body=[card])
    return article, host


def test_search_sitemaps_and_related_cards_never_carry_the_walled_text(client, gated):
    article, host = gated
    urls = ["/search/?q=members+sentence", "/search/?q=Harbour", "/sitemap.xml",
            "/news-sitemap.xml", host.url]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert CLOSED not in response.content.decode(), url
    assert "Harbour ledger" in client.get("/search/?q=Harbour").content.decode()
    card = client.get(host.url).content.decode()
    assert article.url in card and OPEN in card  # the card's teaser: the first paragraph
