"""WordPress content to HTML, and HTML to body blocks: pure functions, no database."""

import pytest

from masthead.importers.html_blocks import BodyConverter, safe_href
from masthead.importers.wp_text import autop, prepare


def blocks(html: str, images=None) -> list[dict]:
    found = images or {}
    warnings = []
    result = BodyConverter(resolve_image=found.get, warn=warnings.append).convert(html)
    return result


def test_classic_content_gets_paragraphs_line_breaks_and_leaves_blocks_alone():
    text = "One\nline two\n\nSecond\n<ul>\n<li>x</li>\n</ul>\nAfter"
    assert (
        autop(text)
        == "<p>One<br />\nline two</p>\n<p>Second</p>\n<ul>\n<li>x</li>\n</ul>\n<p>After</p>"
    )


def test_shortcodes_become_figures_galleries_and_embeds_and_prose_brackets_stay():
    attachments = {"7": {"url": "https://x.example/a.jpg", "alt": "A", "caption": "Cap"}}
    html = prepare(
        '[caption id="c" width="300"]<img src="https://x.example/b.jpg" alt="B"> The B.[/caption]'
        '\n\n[gallery ids="7,99"]\n\nHe said [sic] it.\n\n[contact-form id="3"]\n\n'
        "https://www.youtube.com/watch?v=abc\n",
        attachments=attachments,
        children=[],
    )
    kinds = [
        (b["type"], b["value"])
        for b in blocks(html, {"https://x.example/b.jpg": 1, "https://x.example/a.jpg": 2})
    ]
    assert kinds[0] == ("image", {"image": 1, "alt": "B", "caption": "The B.", "credit": ""})
    assert kinds[1] == ("image", {"image": 2, "alt": "A", "caption": "Cap", "credit": ""})
    assert kinds[2] == ("paragraph", "<p>He said [sic] it.</p>")
    assert kinds[3][0] == "embed" and "youtube.com/watch?v=abc" in kinds[3][1]["html"]
    assert len(kinds) == 4  # the unknown shortcode is gone


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
    ],
)
def test_unsafe_link_schemes_are_refused(href):
    assert safe_href(href) == ""


def test_safe_links_are_kept():
    for href in ("https://x.example/a?b=1", "/2019/05/x/", "mailto:a@x.example", "#top"):
        assert safe_href(href) == href


def test_an_image_that_cannot_be_found_is_left_out_and_the_text_kept():
    assert blocks('<p>Text <img src="https://x.example/gone.jpg" alt="G"></p>') == [
        {"type": "paragraph", "value": "<p>Text</p>"}
    ]
