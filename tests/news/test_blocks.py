"""Every body block renders on the article page; embeds and rich text are sanitised."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from masthead.news.blocks import EmbedBlock

DANGEROUS_EMBED = (
    '<table><caption>Turnout</caption><thead><tr><th scope="col">Ward</th><th>Votes</th></tr>'
    "</thead><tbody><tr><td>North</td><td>1,204</td></tr></tbody></table>"
    '<p style="color: red" onclick="steal()">Figures from the <a href="https://example.org/'
    'results" onmouseover="steal()">county clerk</a>.</p>'
    "<script>alert('script')</script>"
    '<img src="https://tracker.example/pixel.gif" onerror="alert(\'img\')">'
    '<iframe src="https://evil.example/frame"></iframe>'
    "<a href=\"javascript:alert('link')\">Click me</a>"
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Data link</a>'
    '<div style="background:url(https://tracker.example/bg.png)">Styled block</div>'
)


def render(client, page) -> BeautifulSoup:
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def body_of(soup: BeautifulSoup):
    return soup.select_one(".article-body")


@pytest.fixture
def related(make_article):
    return make_article(
        title="Ferry timetable changes next week",
        card_summary="Morning crossings move earlier.",
    )


@pytest.fixture
def every_block_article(make_article, image, related):
    return make_article(
        title="Everything at once",
        body=[
            {"type": "paragraph", "value": "<p>An <b>opening</b> paragraph.</p>"},
            {"type": "heading", "value": "What happens next"},
            {
                "type": "image",
                "value": {
                    "image": image.pk,
                    "alt": "Workers on the bridge deck",
                    "caption": "The deck was resurfaced overnight.",
                    "credit": "Photo: Ada Lin",
                },
            },
            {
                "type": "pull_quote",
                "value": {"quote": "We will reopen on time.", "attribution": "The mayor"},
            },
            {
                "type": "editors_note",
                "value": {"kind": "verification", "text": "<p>We checked the permits.</p>"},
            },
            {"type": "related", "value": {"article": related.pk}},
            {
                "type": "embed",
                "value": {
                    "title": "Turnout by ward",
                    "html": "<table><tr><td>42</td></tr></table>",
                },
            },
            {"type": "list", "value": {"ordered": True, "items": ["First", "Second"]}},
            {"type": "list", "value": {"ordered": False, "items": ["Apples", "Pears"]}},
        ],
    )


def test_a_paragraph_block_renders_its_rich_text(client, every_block_article):
    body = body_of(render(client, every_block_article))
    paragraph = body.find("b").parent
    assert paragraph.name == "p"
    assert paragraph.get_text() == "An opening paragraph."
    assert paragraph.find("b").get_text() == "opening"


def test_a_heading_block_renders_as_an_h2(client, every_block_article):
    body = body_of(render(client, every_block_article))
    assert [h.get_text(strip=True) for h in body.find_all("h2")] == ["What happens next"]


def test_an_image_block_renders_a_responsive_picture_with_alt_and_caption(
    client, every_block_article
):
    figure = body_of(render(client, every_block_article)).select_one("figure.body-image")
    picture = figure.find("picture")
    webp = picture.find("source", type="image/webp")
    assert webp is not None
    assert ".webp" in webp["srcset"] and "640w" in webp["srcset"]
    img = picture.find("img")
    assert img["alt"] == "Workers on the bridge deck"
    assert img["srcset"]
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    caption = figure.find("figcaption")
    assert caption.get_text(" ", strip=True) == "The deck was resurfaced overnight. Photo: Ada Lin"


def test_a_pull_quote_block_renders_the_quote_and_attribution(client, every_block_article):
    quote = body_of(render(client, every_block_article)).select_one("figure.pull-quote")
    assert quote.blockquote.get_text(strip=True) == "We will reopen on time."
    assert quote.figcaption.get_text(strip=True) == "— The mayor"


def test_a_verification_note_is_labelled_verification(client, every_block_article):
    note = body_of(render(client, every_block_article)).select_one("aside.callout")
    assert note.select_one(".callout-label").get_text(strip=True) == "Verification"
    assert note["aria-label"] == "Verification"
    assert "We checked the permits." in note.get_text()


def test_a_related_block_renders_a_card_for_the_other_article(client, every_block_article, related):
    card = body_of(render(client, every_block_article)).select_one("aside.related-card")
    assert card.select_one(".related-title").get_text(strip=True) == related.title
    assert card.find("a")["href"] == related.url


def test_an_embed_block_renders_its_html_and_an_accessible_title(client, every_block_article):
    embed = body_of(render(client, every_block_article)).select_one("figure.embed")
    assert embed["aria-label"] == "Turnout by ward"
    assert embed.find("td").get_text() == "42"
    assert embed.figcaption.get_text(strip=True) == "Turnout by ward"


def test_list_blocks_render_ordered_and_unordered_lists(client, every_block_article):
    body = body_of(render(client, every_block_article))
    assert [li.get_text() for li in body.select("ol.body-list li")] == ["First", "Second"]
    assert [li.get_text() for li in body.select("ul.body-list li")] == ["Apples", "Pears"]


def test_blocks_render_in_the_order_they_were_written(client, every_block_article):
    body = body_of(render(client, every_block_article))
    texts = body.get_text(" ", strip=True)
    order = ["opening", "What happens next", "resurfaced", "reopen on time", "permits", "42"]
    positions = [texts.index(t) for t in order]
    assert positions == sorted(positions)


@pytest.fixture
def embed_page(make_article):
    return make_article(
        body=[{"type": "embed", "value": {"title": "Results", "html": DANGEROUS_EMBED}}]
    )


def test_an_embed_loses_scripts_frames_images_and_event_handlers(client, embed_page):
    soup = render(client, embed_page)
    embed = soup.select_one("figure.embed")
    assert embed.find("script") is None
    assert embed.find("iframe") is None
    assert embed.find("img") is None
    for tag in embed.find_all(True):
        assert not any(attr.startswith("on") for attr in tag.attrs), tag
        assert "style" not in tag.attrs, tag
    html = soup.decode()
    needles = ("alert(", "steal()", "javascript:", "data:", "evil.example", "tracker.example")
    for needle in needles:
        assert needle not in html


def test_an_embed_keeps_tables_and_https_links(client, embed_page):
    embed = render(client, embed_page).select_one("figure.embed")
    table = embed.find("table")
    assert table.caption.get_text() == "Turnout"
    assert [td.get_text() for td in table.find_all("td")] == ["North", "1,204"]
    assert table.find("th", scope="col") is not None
    link = embed.find("a", string="county clerk")
    assert link["href"] == "https://example.org/results"
    assert "noopener" in link["rel"]
    assert embed.find(string=lambda s: s and "Styled block" in s)
    javascript_link = embed.find(string=lambda s: s and "Click me" in s).parent
    assert javascript_link.get("href") is None


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example/"></iframe>',
        '<img src="x" onerror="alert(1)">',
        "<style>body { display: none }</style>  ",
        "   ",
    ],
)
def test_the_embed_block_refuses_html_that_is_empty_once_sanitised(html):
    block = EmbedBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "Nothing safe", "html": html}))


def test_the_embed_block_accepts_html_with_something_safe_left():
    block = EmbedBlock()
    value = block.clean(
        block.to_python({"title": "Table", "html": "<table><tr><td>1</td></tr></table>"})
    )
    assert value["title"] == "Table"


def test_a_paragraph_with_a_crafted_javascript_link_or_script_renders_without_them(
    client, make_article
):
    crafted = (
        '<p>Read <a href="javascript:alert(1)">the report</a> and '
        '<a href="https://example.org/ok">the source</a>.'
        "<script>alert(2)</script>"
        '<img src="x" onerror="alert(3)"></p>'
    )
    article = make_article(body=[{"type": "paragraph", "value": crafted}])
    soup = render(client, article)
    body = body_of(soup)
    assert body.find("script") is None
    assert body.find("img") is None
    assert body.find("a", string="the report").get("href") is None
    assert body.find("a", string="the source")["href"] == "https://example.org/ok"
    html = soup.decode()
    assert "javascript:" not in html
    assert "alert(" not in html


def test_an_editors_note_with_crafted_html_renders_without_scripts(client, make_article):
    crafted = '<p>Checked.<script>alert(1)</script><a href="javascript:alert(2)">x</a></p>'
    article = make_article(
        body=[{"type": "editors_note", "value": {"kind": "update", "text": crafted}}]
    )
    soup = render(client, article)
    note = soup.select_one("aside.callout")
    assert note.select_one(".callout-label").get_text(strip=True) == "Update"
    assert "alert(" not in soup.decode()
    assert "javascript:" not in soup.decode()
