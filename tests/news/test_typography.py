"""Readers see typographic quotes, apostrophes and dashes where editors typed straight
ones and `--`; markup, addresses and code keep exactly what was typed."""

import pytest
from bs4 import BeautifulSoup

from masthead.news.typography import smarten, smarten_html


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ('"Hello," she said.', "“Hello,” she said."),
        ("It's the council's plan", "It’s the council’s plan"),
        ("The '90s and '24 budgets", "The ’90s and ’24 budgets"),
        ("'Single' quotes", "‘Single’ quotes"),
        ("\"'Nested' quotes\"", "“‘Nested’ quotes”"),
        ("Fares rise -- again", "Fares rise — again"),
        ("1990---2000", "1990—2000"),
        ("Wait for it...", "Wait for it…"),
        ('(“Already curly”) and ("straight")', "(“Already curly”) and (“straight”)"),
        ('A dash—"then a quote"', "A dash—“then a quote”"),
        ("A well-known fact", "A well-known fact"),
        ("See https://example.org/a--b?x=1 today", "See https://example.org/a--b?x=1 today"),
        ("'https://example.org/a--b'", "‘https://example.org/a--b’"),
        ("www.example.org/it's--here", "www.example.org/it's--here"),
        ("", ""),
    ],
)
def test_plain_text_gets_typographic_quotes_and_dashes(typed, shown):
    assert smarten(typed) == shown


def test_a_leading_quote_is_judged_by_the_text_before_it():
    assert smarten('"', before="o") == "”"
    assert smarten('"', before=" ") == "“"
    assert smarten('"') == "“"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ('<p>"Hi," he said -- twice.</p>', "<p>“Hi,” he said — twice.</p>"),
        (
            "<p><a href=\"/a--b?q='x'\" title=\"It's\">it's</a></p>",
            '<p><a href="/a--b?q=\'x\'" title="It\'s">it’s</a></p>',
        ),
        ('<p>"<em>Quoted</em>" words</p>', "<p>“<em>Quoted</em>” words</p>"),
        ('<p>End.</p><p>"New paragraph"</p>', "<p>End.</p><p>“New paragraph”</p>"),
        ('<p>Use <code>a--b "c"</code> -- ok</p>', '<p>Use <code>a--b "c"</code> — ok</p>'),
        ("<pre>x--y 'z'</pre><p>'a'</p>", "<pre>x--y 'z'</pre><p>‘a’</p>"),
        ("<p>&quot;Escaped&quot; and it&#x27;s</p>", "<p>“Escaped” and it’s</p>"),
        ("<p>Tom &amp; Jerry's</p>", "<p>Tom &amp; Jerry’s</p>"),
        ("<!-- keep -- this 'comment' --><p>x</p>", "<!-- keep -- this 'comment' --><p>x</p>"),
        ('<a data-x="a>b" href="/x">"go"</a>', '<a data-x="a>b" href="/x">“go”</a>'),
        ("<p>Line<br>'next'</p>", "<p>Line<br>‘next’</p>"),
        ("", ""),
    ],
)
def test_rich_text_changes_in_its_text_nodes_only(typed, shown):
    assert smarten_html(typed) == shown


def test_the_article_page_shows_curly_quotes_in_headline_standfirst_and_body(client, make_article):
    article = make_article(
        title='Mayor\'s "last" budget -- a guide',
        dek="What's in it, and what's not",
        body=[
            {
                "type": "paragraph",
                "value": '<p>"We\'re done," she said -- <a href="/x--y/">read</a>.</p>',
            },
            {"type": "heading", "value": "The '24 plan"},
            {"type": "pull_quote", "value": {"quote": '"It\'s over"', "attribution": "A clerk"}},
        ],
    )
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert soup.select_one("h1.headline").get_text() == "Mayor’s “last” budget — a guide"
    assert soup.select_one(".dek").get_text() == "What’s in it, and what’s not"
    paragraph = soup.select_one(".body-paragraph p")
    assert paragraph.get_text() == "“We’re done,” she said — read."
    assert paragraph.a["href"] == "/x--y/"
    assert soup.select_one(".body-heading").get_text(strip=True) == "The ’24 plan"
    assert soup.select_one(".pull-quote blockquote").get_text(strip=True) == "“It’s over”"


def test_cards_show_the_headline_with_curly_quotes(client, make_article, section):
    make_article(title='Council\'s "final" vote', card_summary="It's -- finally -- done")
    soup = BeautifulSoup(client.get(section.url).content, "html.parser")
    assert soup.select_one(".card-title").get_text(strip=True) == "Council’s “final” vote"
    assert soup.select_one(".card-summary").get_text(strip=True) == "It’s — finally — done"
