"""The one rule of what a reader may see (news/visibility.py): its answers and its cost.
The whole matrix of restrictions against reader-facing pages is in
tests/security/test_leak_matrix.py."""

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from masthead.narration.models import Narration
from masthead.news.models import ArticlePage, SectionPage
from masthead.news.visibility import (
    has_visible_page,
    is_visible_id,
    visible_ids,
    visible_to_readers,
)


def restrict(page, kind=PageViewRestriction.LOGIN):
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="pw")


def visible_titles() -> set[str]:
    return set(visible_to_readers(ArticlePage.objects.all()).values_list("title", flat=True))


def test_restrictions_on_an_article_or_its_section_hide_it_and_only_it(make_article, home):
    members = home.add_child(instance=SectionPage(title="Members", slug="members"))
    members.save_revision().publish()
    make_article(title="Open")
    own = make_article(title="Own restriction")
    inside = make_article(title="Inside members", parent=members)
    make_article(title="Draft", publish=False)
    assert visible_titles() == {"Open", "Own restriction", "Inside members"}

    restrict(own, PageViewRestriction.PASSWORD)
    restrict(members)
    assert visible_titles() == {"Open"}
    assert visible_ids([own.pk, inside.pk]) == set()
    assert not is_visible_id(inside.pk)
    Narration.objects.create(article=own)
    assert not Narration.objects.filter(has_visible_page("article_id")).exists()


def test_restricting_an_article_adds_no_query_to_the_home_page(client, make_article):
    # Once any restriction exists Wagtail checks the served page's own (two queries,
    # as before this rule); hiding listed articles adds none.
    restrict(make_article(title="Unlisted draft", publish=False))
    make_article(title="Zebra crossing reopens")
    hidden = make_article(title="Quokka census results")
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        assert b"Quokka census" in client.get("/").content
    restrict(hidden)
    client.get("/")
    with CaptureQueriesContext(connection) as after:
        page = client.get("/").content
    assert b"Quokka census" not in page and b"Zebra crossing" in page
    assert len(after) == len(before)


def test_the_check_is_part_of_the_query_and_costs_no_query_of_its_own(make_article):
    make_article(title="Open")
    with CaptureQueriesContext(connection) as captured:
        assert visible_titles() == {"Open"}
    assert len(captured) == 1
    assert "pageviewrestriction" in captured[0]["sql"]


def test_without_any_restriction_the_memo_leaves_the_check_out(
    make_article, process_caches_on, django_capture_on_commit_callbacks
):
    article = make_article(title="Open")
    visible_titles()  # the memo learns that no restriction exists
    with CaptureQueriesContext(connection) as captured:
        visible_titles()
    assert "pageviewrestriction" not in captured[0]["sql"]

    with django_capture_on_commit_callbacks(execute=True):
        restrict(article)  # a new generation: the memo asks again
    assert visible_titles() == set()


def test_a_rich_text_link_to_a_draft_keeps_its_text_but_not_the_drafts_path(client, make_article):
    draft = make_article(title="Embargoed", slug="embargoed-merger", publish=False)
    live = make_article(title="Published", slug="published-story")
    body = (
        f'<p>See <a linktype="page" id="{draft.pk}">the merger</a> and '
        f'<a linktype="page" id="{live.pk}">the story</a>.</p>'
    )
    host = make_article(title="Host", body=[{"type": "paragraph", "value": body}])
    response = client.get(host.url)
    assert b"embargoed-merger" not in response.content
    soup = BeautifulSoup(response.content, "html.parser")
    links = {a.get_text(): a.get("href") for a in soup.select(".article-body a")}
    assert links["the merger"] is None  # the text stays, as an <a> without href
    assert links["the story"] == live.url
