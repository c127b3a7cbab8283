"""“Read also”: editors' picks first, then suggestions from rare shared tags, the section
and recency; never the article itself or one already linked on the page."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.audience.models import ReadAlsoPick
from masthead.audience.selectors import related_articles
from masthead.news.models import SectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_section(home):
    section = home.add_child(instance=SectionPage(title="Culture", slug="culture"))
    section.save_revision().publish()
    return section


@pytest.fixture
def days_ago():
    now = timezone.now()
    return lambda n: now - timedelta(days=n)


def titles(articles):
    return [a.title for a in articles]


def suggest(article, limit=4):
    cache.clear()
    return titles(related_articles(article=article, limit=limit))


def commonplace(make_article, other_section, tag, count=8):
    """Make `tag` common: many articles elsewhere carry it."""
    for n in range(count):
        make_article(title=f"Filler {tag} {n}", tags=[tag], parent=other_section)


def test_a_rare_shared_tag_outranks_a_common_one(make_article, other_section):
    commonplace(make_article, other_section, "City")
    make_article(title="Rare", tags=["Lighthouse"], parent=other_section)  # and older
    make_article(title="Common", tags=["City"], parent=other_section)
    article = make_article(title="Main", tags=["City", "Lighthouse"])
    assert suggest(article, limit=2) == ["Rare", "Common"]


def test_more_shared_tags_outrank_fewer(make_article, other_section):
    make_article(title="Two tags", tags=["Ferry", "Budget"], parent=other_section)  # older
    make_article(title="One tag", tags=["Ferry"], parent=other_section)
    article = make_article(title="Main", tags=["Ferry", "Budget"])
    assert suggest(article, limit=2) == ["Two tags", "One tag"]


def test_the_same_section_outranks_another_with_equal_tags(make_article, other_section, days_ago):
    when = days_ago(3)
    make_article(title="Elsewhere", tags=["Ferry"], parent=other_section, display_date=when)
    make_article(title="Same section", tags=["Ferry"], display_date=when)
    article = make_article(title="Main", tags=["Ferry"])
    assert suggest(article, limit=2) == ["Same section", "Elsewhere"]


def test_a_newer_article_outranks_an_older_one_otherwise_equal(make_article, days_ago):
    make_article(title="Old", tags=["Ferry"], display_date=days_ago(90))
    make_article(title="New", tags=["Ferry"], display_date=days_ago(2))
    make_article(title="Middle", tags=["Ferry"], display_date=days_ago(20))
    article = make_article(title="Main", tags=["Ferry"])
    assert suggest(article, limit=3) == ["New", "Middle", "Old"]


def test_a_shared_rare_tag_outweighs_being_merely_recent_in_the_section(make_article, days_ago):
    make_article(title="Fresh but unrelated", display_date=days_ago(0))
    make_article(title="Older but on topic", tags=["Lighthouse"], display_date=days_ago(60))
    article = make_article(title="Main", tags=["Lighthouse"])
    assert suggest(article, limit=2) == ["Older but on topic", "Fresh but unrelated"]


def test_an_article_sharing_neither_tag_nor_section_is_not_suggested(make_article, other_section):
    make_article(title="Unrelated", tags=["Opera"], parent=other_section)
    article = make_article(title="Main", tags=["Ferry"])
    assert suggest(article) == []


def test_editors_picks_come_first_in_their_order_and_unpublished_ones_are_skipped(
    make_article, other_section
):
    make_article(title="Suggested", tags=["Ferry"])
    first = make_article(title="Pick one", parent=other_section)
    second = make_article(title="Pick two", parent=other_section)
    gone = make_article(title="Unpublished pick", parent=other_section)
    article = make_article(title="Main", tags=["Ferry"])
    for order, pick in enumerate([second, gone, first]):
        ReadAlsoPick.objects.create(page=article, article=pick, sort_order=order)
    gone.unpublish()
    assert suggest(article) == ["Pick two", "Pick one", "Suggested"]


def test_never_the_article_itself_an_unpublished_one_or_one_linked_on_the_page(make_article):
    carded = make_article(title="Already a card", tags=["Ferry"])
    linked = make_article(title="Linked in the text", tags=["Ferry"])
    make_article(title="Draft", tags=["Ferry"], publish=False)
    make_article(title="Fine to suggest", tags=["Ferry"])
    body = [
        {"type": "paragraph", "value": f'<p>See <a linktype="page" id="{linked.pk}">this</a>.</p>'},
        {"type": "related", "value": {"article": carded.pk}},
    ]
    article = make_article(title="Main", tags=["Ferry"], body=body)
    ReadAlsoPick.objects.create(page=article, article=article, sort_order=0)
    ReadAlsoPick.objects.create(page=article, article=carded, sort_order=1)
    assert suggest(article) == ["Fine to suggest"]


def test_the_list_is_cut_to_the_limit(make_article):
    for n in range(6):
        make_article(title=f"Ferry {n}", tags=["Ferry"])
    article = make_article(title="Main", tags=["Ferry"])
    assert len(suggest(article, limit=4)) == 4


def test_the_query_count_does_not_grow_with_tags_or_candidates(make_article, other_section):
    small = make_article(title="Small", tags=["Solo"])
    for n in range(12):
        make_article(title=f"Peer {n}", tags=[f"Tag {n % 6}", "Shared"], parent=other_section)
    large = make_article(title="Large", tags=[f"Tag {n}" for n in range(6)] + ["Shared"])
    counts = []
    for article in (small, large):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            found = related_articles(article=article, limit=4)
        counts.append(len(captured))
        assert found
    assert counts[0] == counts[1]


def test_a_publish_refreshes_the_cached_list(make_article, other_section):
    article = make_article(title="Main", tags=["Ferry"])
    assert titles(related_articles(article=article, limit=4)) == []
    pick = make_article(title="New pick", parent=other_section)
    revision_page = article.get_latest_revision_as_object()
    revision_page.read_also_picks.add(ReadAlsoPick(article=pick, sort_order=0))
    revision_page.save_revision().publish()
    article.refresh_from_db()
    assert titles(related_articles(article=article, limit=4)) == ["New pick"]


def test_the_article_page_ends_with_a_read_also_list_of_thumbnail_cards(client, make_article):
    make_article(title="Ferry fares rise", tags=["Ferry"])
    article = make_article(title="Main", tags=["Ferry"])
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    section = soup.select_one("article.article section.read-also")
    assert section.h2.get_text(strip=True) == "Read also"
    cards = section.select("li article.card.card-thumb")
    assert [c.select_one(".card-title").get_text(strip=True) for c in cards] == ["Ferry fares rise"]


def test_without_anything_to_suggest_there_is_no_read_also_section(client, make_article):
    article = make_article(title="Alone")
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert soup.select_one(".read-also") is None


def test_drafts_do_not_make_a_tag_common(make_article, other_section):
    # "Lighthouse" is on many drafts but on one published article: still the rare tag.
    for n in range(8):
        make_article(title=f"Draft {n}", tags=["Lighthouse"], parent=other_section,
                     publish=False)  # fmt: skip
    commonplace(make_article, other_section, "City", count=3)
    make_article(title="Rare", tags=["Lighthouse"], parent=other_section)  # and older
    make_article(title="Common", tags=["City"], parent=other_section)
    article = make_article(title="Main", tags=["City", "Lighthouse"])
    assert suggest(article, limit=2) == ["Rare", "Common"]
