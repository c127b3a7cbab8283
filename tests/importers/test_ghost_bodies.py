"""Ghost bodies (lexical, mobiledoc, html) as the safe HTML the engine turns into blocks."""

from pathlib import Path

import pytest

from masthead.importers.ghost import GhostSource
from masthead.importers.ghost_cards import markdown_html

FIXTURES = Path(__file__).parent / "fixtures"


def body(name: str, slug: str) -> tuple[str, list[str]]:
    post = {p.slug: p for p in GhostSource(FIXTURES / f"ghost-{name}.json").posts()}[slug]
    return post.body_html, post.warnings


def test_mobiledoc_sections_markups_atoms_and_cards_become_html():
    html, _ = body("2", "ferry-fares")
    assert html.startswith("<h2>What changes</h2><p><strong>Fares</strong> rise by <em>8%</em>")
    assert '<a href="/harbour-plan/">Monday</a><br>Second line.</p>' in html  # onclick gone
    assert "<ul><li>Adults</li><li>Children</li></ul>" in html
    assert "<blockquote>We had no choice.</blockquote>" in html
    assert (
        '<figure><img src="/content/images/2019/05/quay.jpg" alt="The quay at dawn">'
        "<figcaption>The quay at dawn</figcaption></figure>"
    ) in html
    assert "<hr><pre><code>fare = base * 1.08</code></pre>" in html
    assert "old html" not in html  # the richer mobiledoc wins over the stored html


def test_mobiledoc_gallery_embed_bookmark_callout_and_markdown_cards():
    html, warnings = body("3", "budget-vote")
    first, second = html.index('alt="First"'), html.index('alt="Second"')
    assert first < second  # gallery images in their grid order
    youtube = '<iframe src="https://www.youtube.com/watch?v=abc123" title="The debate"></iframe>'
    assert f'<figure class="embed">{youtube}</figure>' in html  # the page, not the player
    assert '<p><a href="https://example.org/report">The report</a></p>' in html
    assert "<aside><p>💡 Polls close at 9.</p></aside>" in html
    assert "<h2>Key numbers</h2><ul><li><strong>12</strong> seats</li>" in html
    assert any("Markdown" in w for w in warnings)


def test_lexical_nodes_and_text_formats_become_html():
    html, _ = body("5", "harbour-plan")
    assert html.startswith("<h2>The plan</h2><p><strong>Bold</strong> and <em>italic</em> and ")
    assert "<code>code</code><br>" in html
    assert '<a href="/harbour-plan/">the harbour plan</a>' in html  # __GHOST_URL__ gone
    assert "<ul><li>One</li><li>Two<ol><li>Two point one</li></ol></li></ul>" in html
    assert "<blockquote>It will take ten years.</blockquote><aside>An aside.</aside>" in html
    assert (
        '<figure><img src="/content/images/2024/03/crane.jpg" alt="A crane on the quay">'
        "<figcaption>The new crane</figcaption></figure>"
    ) in html
    assert '<img src="https://cdn.example.org/g1.jpg" alt="G1">' in html
    assert '<iframe src="https://vimeo.com/12345" title=""></iframe>' in html
    assert "<table><tbody><tr><td>1</td></tr></tbody></table>" in html
    assert "<pre><code>&lt;b&gt;not bold&lt;/b&gt;</code></pre>" in html
    assert "<hr>" in html and "ignored" not in html


def test_cards_without_an_equivalent_are_left_out_and_named_in_a_warning():
    html, warnings = body("5", "harbour-plan")
    assert "Mug" not in html
    assert any("'product' card" in w for w in warnings)


@pytest.mark.parametrize(
    ("name", "slug"), [("3", "budget-vote"), ("5", "harbour-plan"), ("html-only", "long-ago")]
)
def test_nothing_unsafe_survives_any_body_format(name, slug):
    html, _ = body(name, slug)
    for unsafe in ("<script", "javascript:", "onclick", "onerror", "onload", "alert(", "steal("):
        assert unsafe not in html


def test_an_html_only_body_is_kept_cleaned_with_its_image_and_site_links():
    html, _ = body("html-only", "long-ago")
    assert html.startswith("<h2>History</h2><p>Old <a>text</a> and ")
    assert '<a href="/ferry-fares/">fares</a>' in html
    assert '<img src="/content/images/old.jpg" alt="Old pier"><figcaption>The old pier' in html


def test_a_broken_mobiledoc_falls_back_to_the_stored_html_with_a_warning(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(
        '{"db": [{"meta": {"version": "3.0.0"}, "data": {"posts": [{"id": "p", "slug": "s", '
        '"status": "published", "mobiledoc": "{not json", "html": "<p>Stored</p>"}]}}]}'
    )
    (post,) = GhostSource(path).posts()
    assert post.body_html == "<p>Stored</p>"
    assert "mobiledoc body could not be read" in post.warnings[0]


def test_markdown_cards_render_the_common_forms():
    html = markdown_html(
        "# Title\n\nA *b* **c** `<d>` [e](https://e.org)\n\n> quoted\n\n1. one\n2. two"
    )
    assert html == (
        "<h1>Title</h1><p>A <em>b</em> <strong>c</strong> <code>&lt;d&gt;</code> "
        '<a href="https://e.org">e</a></p><blockquote><p>quoted</p></blockquote>'
        "<ol><li>one</li><li>two</li></ol>"
    )


def test_a_header_card_becomes_a_heading_and_its_line():
    from masthead.importers.ghost_cards import card_html

    warnings: list[str] = []
    html = card_html("header", {"header": "<b>Election 2026</b>", "subheader": "Live"}, warnings)
    assert html == "<h2>Election 2026</h2><p>Live</p>" and warnings == []
