"""Every article opens in the editor and saves, whatever HTML its rich text holds."""

import json

import pytest
from django.contrib.auth import get_user_model
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from masthead.news.blocks import RICH_TEXT_FEATURES
from masthead.news.models import ArticlePage
from masthead.news.rich_text import TolerantContentstateConverter, editable_html
from tests.conftest import as_loaded

STORED = [
    '<p>Before <img src="/x.png" alt="a picture"> after.</p>',
    "<p>Line<br>break and <hr> rule</p>",
    "<p>Unclosed <b>bold <i>and italic</p>",
    "<div><table><tr><td>Cell</td></tr></table></div><p>Then text</p>",
    '<p>A <a linktype="page" id="3">page link</a> and <input value="x"> field</p>',
    "<p>Text</p></p></div>",
]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


def store_as_an_old_import_did(article, body: list[dict]) -> None:
    """Writes `body` to the page row and its latest revision without ArticlePage.save
    (which would repair it), as an import or an older version of the code did."""
    ArticlePage.objects.filter(pk=article.pk).update(body=body)
    revision = article.get_latest_revision()
    stored = revision.content["body"]
    revision.content["body"] = json.dumps(body) if isinstance(stored, str) else body
    revision.save(update_fields=["content"])
    reloaded = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert reloaded.body.raw_data[0]["value"] == body[0]["value"]


def editor_text(html: str) -> str:
    state = json.loads(TolerantContentstateConverter(RICH_TEXT_FEATURES).from_database_format(html))
    return "\n".join(block["text"] for block in state["blocks"])


@pytest.mark.parametrize("html", STORED)
def test_the_editor_reads_html_the_stock_converter_cannot(html):
    text = editor_text(html)
    assert text.strip()
    assert "<" not in text


def test_the_text_and_formatting_are_kept_and_the_image_dropped():
    assert editable_html(STORED[0]) == "<p>Before  after.</p>"
    assert editor_text(STORED[0]) == "Before after."
    assert editable_html(STORED[4]).startswith('<p>A <a linktype="page" id="3">page link</a>')


@pytest.mark.parametrize("html", STORED)
def test_an_article_stored_with_such_html_opens_in_the_editor_and_saves(
    client, superuser, make_article, html
):
    article = make_article()
    store_as_an_old_import_did(article, [
        {"type": "paragraph", "value": html},
        {"type": "editors_note", "value": {"kind": "update", "text": html}},
    ])  # fmt: skip
    client.force_login(superuser)
    response = client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200

    # Saving what the editor shows: the editor posts its own format back.
    before = Revision.objects.filter(object_id=str(article.pk)).count()
    links = list(article.article_authors.all())
    data = nested_form_data(
        {
            "title": article.title, "slug": article.slug, "dek": article.dek,
            "hero_image": article.hero_image_id, "hero_alt": article.hero_alt,
            "narrate": "on", "tags": "", **as_loaded(article),
            "article_authors": inline_formset(
                [{"id": link.pk, "author": link.author_id, "role": ""} for link in links],
                initial=len(links),
            ),
            "body": streamfield([
                ("paragraph", rich_text(html, features=RICH_TEXT_FEATURES)),
                ("editors_note", {"kind": "update",
                                  "text": rich_text(html, features=RICH_TEXT_FEATURES)}),
            ]),
            "corrections": inline_formset([]),
            "read_also_picks": inline_formset([]),
            "comments": inline_formset([]),
        }
    )  # fmt: skip
    response = client.post(f"/admin/pages/{article.pk}/edit/", data)
    assert response.status_code == 302
    assert Revision.objects.filter(object_id=str(article.pk)).count() == before + 1
    saved = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    source = saved.body[0].value.source
    assert "<img" not in source and "<input" not in source
    # What the editor saved is in its own form: the stock converter reads it.
    ContentstateConverter(RICH_TEXT_FEATURES).from_database_format(source)
    assert client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200


@pytest.mark.parametrize("html", STORED[:3] + STORED[4:5])
def test_an_import_through_the_orm_stores_what_the_editor_can_open(make_article, html):
    article = make_article(body=[
        {"type": "paragraph", "value": html},
        {"type": "editors_note", "value": {"kind": "update", "text": html}},
    ])  # fmt: skip
    stored = ArticlePage.objects.get(pk=article.pk)
    converter = ContentstateConverter(RICH_TEXT_FEATURES)
    for source in (stored.body[0].value.source, stored.body[1].value["text"].source):
        assert "<img" not in source and "<hr" not in source and "<input" not in source
        converter.from_database_format(source)  # the stock converter: no exception


def test_rich_text_the_editor_reads_is_stored_exactly_as_given(make_article):
    html = '<p>A <a linktype="page" id="3">page link</a>, <b>bold</b><br/>and a break.</p>'
    article = make_article(body=[{"type": "paragraph", "value": html}])
    assert ArticlePage.objects.get(pk=article.pk).body[0].value.source == html
