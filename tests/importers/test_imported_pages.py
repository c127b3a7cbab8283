"""Imported articles as readers and editors meet them: safe, and editable unchanged."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from masthead.news.blocks import RICH_TEXT_FEATURES
from masthead.news.models import ArticlePage
from tests.conftest import as_loaded

from .conftest import NEWSROOM

pytestmark = pytest.mark.django_db


def test_xss_payloads_in_a_body_are_neutralised_on_the_reader_page(import_wordpress, client):
    import_wordpress(NEWSROOM)
    budget = ArticlePage.objects.get(slug="budget-vote")
    html = client.get(budget.url).content.decode()
    assert "See the tram story" in html and "Styled" in html and "Schools: $4m" in html
    for payload in ("alert(", "javascript:", "onerror", "onclick", "onmouseover", "color:red"):
        assert payload not in html, payload
    assert "<iframe" not in html and "youtube.com/watch?v=abc" in html  # a link, no frame


def block_form_value(block):
    if block.block_type == "paragraph":
        return rich_text(block.value.source, features=RICH_TEXT_FEATURES)
    if block.block_type in ("heading",):
        return block.value
    if block.block_type == "list":
        return {"ordered": block.value["ordered"], "items": streamfield(
            [("item", item) for item in block.value["items"]])}  # fmt: skip
    value = dict(block.block.get_prep_value(block.value))
    return value


def without_ids(value):
    """Stream and list ids are the form's own (a list item's is new on each save)."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def test_an_imported_article_opens_in_the_editor_and_saves_unchanged(import_wordpress, client):
    import_wordpress(NEWSROOM)
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    for slug in ("tram-line", "budget-vote"):
        page = ArticlePage.objects.get(slug=slug)
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
        before = page.body.get_prep_value()
        links = list(page.article_authors.all())
        data = nested_form_data({
            "title": page.title, "slug": page.slug, "dek": page.dek,
            "hero_image": page.hero_image_id or "", "hero_alt": page.hero_alt,
            "hero_caption": page.hero_caption, "narrate": "on",
            "tags": ", ".join(f'"{t}"' for t in page.tags.names()), **as_loaded(page),
            "article_authors": inline_formset(
                [{"id": link.pk, "author": link.author_id, "role": ""} for link in links],
                initial=len(links)),
            "body": streamfield([(b.block_type, block_form_value(b)) for b in page.body]),
            "corrections": inline_formset([]), "read_also_picks": inline_formset([]),
            "comments": inline_formset([]),
        })  # fmt: skip
        response = client.post(f"/admin/pages/{page.pk}/edit/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        saved = ArticlePage.objects.get(pk=page.pk).get_latest_revision_as_object()
        after = saved.body.get_prep_value()
        assert without_ids(after) == without_ids(before)
