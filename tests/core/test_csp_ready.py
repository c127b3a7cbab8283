"""Public pages carry no inline code or styles, so a strict Content-Security-Policy works."""

import pytest
from bs4 import BeautifulSoup


@pytest.fixture
def pages(make_article, client):
    article = make_article(
        title="Harbour fire",
        tags=["Waterfront"],
        body=[
            {"type": "paragraph", "value": "<p>Text.</p>"},
            {
                "type": "embed",
                "value": {"title": "Table", "html": "<p style='x' onclick='y'>t</p>"},
            },
        ],
    )
    return [
        article.url,
        "/",
        "/news/",
        "/tags/waterfront/",
        "/authors/mara-okafor/",
        "/search/?q=fire",
    ]


def test_public_pages_have_no_inline_scripts_styles_or_event_handlers(client, pages):
    for url in pages:
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        for element in soup.find_all(True):
            assert "style" not in element.attrs, (url, element.name)
            handlers = [a for a in element.attrs if a.startswith("on")]
            assert not handlers, (url, element.name, handlers)
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", url
        assert not soup.find_all("style"), url
        external = [
            tag.get("src") or tag.get("href")
            for tag in soup.find_all(["script", "img", "link", "iframe"])
            if (tag.get("src") or tag.get("href") or "").startswith(("http://", "https://", "//"))
            and tag.name != "link"
        ]
        assert external == [], (url, external)  # no third-party requests
