"""Crafted POSTs to the page editor that its JavaScript would never send: the server must
refuse them or store them made safe, never keep something that breaks the page later."""

import pytest
from django.contrib.auth.models import User

from masthead.news.models import ArticlePage

from .xss_forms import contentstate, stream_fields
from .xss_support import AdminSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def editing(make_article):
    article = make_article(title="Harbour bridge reopens")
    session = AdminSession(User.objects.create_superuser("chief", "c@example.org", "pw"))
    return article, session, f"/admin/pages/{article.pk}/edit/"


def publish_body(session: AdminSession, url: str, body: dict):
    fields = session.form(url)
    fields.update({k: [v] for k, v in body.items()})
    fields["action-publish"] = ["action-publish"]
    return session.client.post(session.last_url, fields)


def test_a_page_link_whose_id_is_not_a_number_is_stored_as_a_plain_link(editing, client):
    article, session, url = editing
    value = contentstate([[("read ", None), ("this", {"id": '1" onmouseover="__xss(1)'})]])
    response = publish_body(session, url, stream_fields("body", [("paragraph", value)]))
    assert response.status_code == 302
    stored = ArticlePage.objects.get(pk=article.pk).body.raw_data[0]["value"]
    assert "__xss" not in stored and "<a>this</a>" in stored
    # The article, its feed and the editor's form all still render.
    assert client.get(article.url).status_code == 200
    assert client.get("/feeds/rss.xml").status_code == 200
    assert session.client.get(url).status_code == 200


def test_raw_html_posted_for_a_rich_text_field_is_refused_not_a_server_error(editing):
    article, session, url = editing
    html = '<p><a href="javascript:__xss(2)">x</a><img src=x onerror=__xss(3)></p>'
    response = publish_body(session, url, stream_fields("body", [("paragraph", html)]))
    assert response.status_code == 200  # the form again, with its error
    assert "__xss" not in str(list(ArticlePage.objects.get(pk=article.pk).body.raw_data))


def test_a_link_entity_without_a_url_or_page_is_kept_as_text(editing, client):
    article, session, url = editing
    value = contentstate([[("no target", {"title": "x"})]])
    response = publish_body(session, url, stream_fields("body", [("paragraph", value)]))
    assert response.status_code == 302
    assert "<a>no target</a>" in ArticlePage.objects.get(pk=article.pk).body.raw_data[0]["value"]
    assert client.get(article.url).status_code == 200


def test_a_tag_named_only_with_punctuation_gets_a_slug_and_its_pages_render(editing, client):
    article, session, url = editing
    fields = session.form(url)
    fields.update(stream_fields("body", []))
    fields["tags"] = ['"<>", "&&", "--"']
    fields["action-publish"] = ["action-publish"]
    assert session.client.post(session.last_url, fields).status_code == 302
    tags = ArticlePage.objects.get(pk=article.pk).tags.all()
    assert sorted(t.name for t in tags) == ["&&", "--", "<>"]
    assert all(t.slug for t in tags)
    for path in [article.url, "/feeds/rss.xml", f"/api/v2/articles/{article.pk}/"]:
        assert client.get(path).status_code == 200, path
    for tag in tags:
        page = client.get(f"/tags/{tag.slug}/")
        assert page.status_code == 200 and "Harbour bridge reopens" in page.content.decode()
