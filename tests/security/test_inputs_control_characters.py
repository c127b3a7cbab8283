"""Control characters: refused by the admin, dropped by every XML output."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from lxml import etree
from wagtail.models import Revision

from masthead.narration.models import Narration
from masthead.news.models import ArticlePage, Author
from masthead.news.validators import control_character_message

from .inputs_forms import article_form_data

BAD = "\x01"


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw")


XML_URLS = [
    "/feeds/rss.xml",
    "/feeds/atom.xml",
    "/feeds/sections/news/rss.xml",
    "/feeds/tags/harbour/atom.xml",
    "/feeds/authors/mara-okafor/rss.xml",
    "/podcast.xml",
    "/news-sitemap.xml",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-topics.xml",
    "/sitemap-authors.xml",
    "/sitemap-pages.xml",
]


@pytest.fixture
def imported(make_article, author, settings):
    """An article written through the ORM, as an old import would, with control
    characters in every text a feed or sitemap carries."""
    settings.MASTHEAD_FEED_CONTENT = "full"
    author.name = f"Mara{BAD} Okafor"
    author.save()
    article = make_article(
        title=f"Harbour{BAD} reopens\x0b",
        dek=f"Standfirst with a control{BAD}character\x1f.",
        card_summary="Summary\x08 here",
        hero_credit=f"Ledger{BAD} staff",
        tags=[f"Harbour{BAD}"],
        body=[
            {"type": "paragraph", "value": f"<p>Body{BAD} text\x0c.</p>"},
            {"type": "heading", "value": f"Heading{BAD}"},
        ],
    )
    narration = Narration(article=article, status=Narration.Status.READY, duration=12.0,
                          audio_size=4, audio_updated_at=timezone.now())  # fmt: skip
    narration.audio.save("a.mp3", ContentFile(b"\xff\xfb\x90\x00"), save=True)
    return article


@pytest.mark.parametrize("url", XML_URLS)
def test_xml_outputs_answer_and_parse_when_stored_text_holds_control_characters(
    client, imported, url
):
    response = client.get(url)
    assert response.status_code == 200
    root = etree.fromstring(response.content)  # raises on a character XML cannot carry
    text = etree.tostring(root, encoding="unicode")
    assert BAD not in text
    if "sitemap" not in url or url == "/news-sitemap.xml":
        assert "Harbour reopens" in text  # the text is kept, only the character goes


def test_the_feed_keeps_tab_newline_and_the_rest_of_the_text(client, imported):
    ArticlePage.objects.filter(pk=imported.pk).update(dek="Line one\nline\ttwo\x02.")
    # card_summary wins over the dek in feeds: clear it to see the dek.
    ArticlePage.objects.filter(pk=imported.pk).update(card_summary="")
    root = etree.fromstring(client.get("/feeds/rss.xml").content)
    (description,) = root.findall("./channel/item/description")
    assert description.text == "Line one\nline\ttwo."


def test_the_api_serves_the_imported_article_as_json(client, imported):
    response = client.get(f"/api/v2/articles/{imported.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == f"Harbour{BAD} reopens\x0b"


# --- the admin refuses them ---------------------------------------------------------


def post_edit(client, article, **changes):
    return client.post(f"/admin/pages/{article.pk}/edit/", article_form_data(article, **changes))


def assert_unchanged(article, revisions: int) -> None:
    stored = ArticlePage.objects.get(pk=article.pk)
    assert (stored.title, stored.dek, stored.card_summary) == (
        article.title,
        article.dek,
        article.card_summary,
    )
    assert Revision.objects.filter(object_id=str(article.pk)).count() == revisions


def test_an_unchanged_article_saves_from_the_edit_form(client, superuser, make_article):
    # The form data the other tests send is complete: without a bad character it saves.
    article = make_article(tags=["Harbour"])
    client.force_login(superuser)
    before = Revision.objects.filter(object_id=str(article.pk)).count()
    response = post_edit(client, article, dek="A new standfirst\twith a tab\nand a line.")
    assert response.status_code == 302
    assert Revision.objects.filter(object_id=str(article.pk)).count() == before + 1
    latest = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert latest.dek == "A new standfirst\twith a tab\nand a line."


@pytest.mark.parametrize(
    "changes",
    [
        {"title": f"A{BAD} title"},
        {"dek": f"A standfirst{BAD}"},
        {"card_summary": "A summary\x7f"},
        {"seo_title": "SEO\x1b title"},
        {"search_description": "Search\x1e description"},
        {"hero_caption": "Cap\x0btion"},
        {"tags": f"harbour, ci{BAD}ty"},
        {"byline_role": f"Additional{BAD} reporting"},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_a_control_character_in_a_field_is_refused_and_nothing_is_saved(
    client, superuser, make_article, changes
):
    article = make_article()
    client.force_login(superuser)
    revisions = Revision.objects.filter(object_id=str(article.pk)).count()
    response = post_edit(client, article, **changes)
    assert response.status_code == 200
    body = response.content.decode()
    assert "invisible control character" in body
    assert "could not be saved" in body
    assert_unchanged(article, revisions)


@pytest.mark.parametrize(
    ("block", "where"),
    [
        (("paragraph", f"<p>Para{BAD}graph</p>"), None),
        (("heading", f"Head{BAD}ing"), None),
        (("pull_quote", {"quote": "Quote", "attribution": f"Someone{BAD}"}), "attribution"),
        (("list", {"ordered": False, "items": ["one", f"two{BAD}"]}), "items"),
        (("embed", {"title": "T", "html": f"<table><tr><td>x{BAD}</td></tr></table>"}), "html"),
    ],
    ids=["paragraph", "heading", "pull_quote", "list", "embed"],
)
def test_a_control_character_in_a_body_block_is_refused_on_that_block(
    client, superuser, make_article, block, where
):
    article = make_article()
    client.force_login(superuser)
    revisions = Revision.objects.filter(object_id=str(article.pk)).count()
    kind, value = block
    if kind == "list":
        value = {"ordered": "", "items": _list_form(value["items"])}
    response = post_edit(client, article, body=[("paragraph", "<p>Fine.</p>"), (kind, value)])
    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0]
    block_error = errors.block_errors[1]
    assert 0 not in errors.block_errors
    if where is None:
        assert "invisible control character (U+0001)" in block_error.messages[0]
    else:
        assert where in block_error.block_errors
    assert_unchanged(article, revisions)


def _list_form(items: list[str]) -> dict:
    data = {"count": len(items)}
    for i, item in enumerate(items):
        data[str(i)] = {"value": item, "deleted": "", "order": i, "id": ""}
    return data


def test_an_author_with_a_control_character_is_refused(client, superuser, author):
    client.force_login(superuser)
    url = f"/admin/snippets/news/author/edit/{author.pk}/"
    data = {"name": f"Mara{BAD} Okafor", "slug": author.slug, "role": "Reporter", "bio": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "invisible control character" in response.content.decode()
    assert Author.objects.get(pk=author.pk).name == "Mara Okafor"
    data["name"] = "Mara Okafor-Reyes"
    assert client.post(url, data).status_code == 302
    assert Author.objects.get(pk=author.pk).name == "Mara Okafor-Reyes"


def test_the_message_names_the_character_and_where_it_is():
    message = control_character_message("Council passes\x01 budget")
    assert "U+0001" in message
    assert "after “Council passes”" in message
    assert control_character_message("Tab\tnewline\ncarriage\rreturn") is None
    assert control_character_message("Ünïcode — fine “quotes” ✓") is None
