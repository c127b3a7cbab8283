"""The per-process card store (news.selectors.CardStore), the `{% card %}` tag's HTML kept
on each card, `picture_html` and the article chooser, with the store turned on.

The test settings turn the store off (a test's transaction is never committed, so the
on-commit invalidation never runs): here it is on, and every publish that must be seen
runs inside `django_capture_on_commit_callbacks(execute=True)`.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from wagtail.users.models import UserProfile

from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.news import images, selectors
from masthead.news.blocks import ArticleChooserBlock
from masthead.news.models import ArticlePage
from masthead.news.selectors import CardStore, card_store, cards_by_id
from masthead.news.templatetags import news_tags

pytestmark = pytest.mark.usefixtures("process_caches_on")


def queries_of(function, *args, **kwargs) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = function(*args, **kwargs)
    return result, [q["sql"] for q in captured.captured_queries]


def publish_committed(django_capture_on_commit_callbacks, page, **changes) -> None:
    for name, value in changes.items():
        setattr(page, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()


def pick(*articles) -> None:
    collection = EditorsPicks.load()
    for order, article in enumerate(articles):
        EditorsPick.objects.create(collection=collection, article=article, sort_order=order)


# --- cards_by_id ---------------------------------------------------------------------------


def test_a_second_lookup_of_the_same_cards_runs_no_query(make_article, django_assert_num_queries):
    a, b = make_article(title="Harbour bridge"), make_article(title="Ferry fares")
    images.prepare_all(a.hero_image)  # as the prepare_renditions task does
    first, sql = queries_of(cards_by_id, [a.pk, b.pk])
    assert sql  # loaded from the database the first time
    with django_assert_num_queries(0):
        second = cards_by_id([b.pk, a.pk])
    assert {pk: c.title for pk, c in second.items()} == {
        a.pk: "Harbour bridge",
        b.pk: "Ferry fares",
    }
    assert second[a.pk] is first[a.pk]  # the stored card itself
    with django_assert_num_queries(0):  # the byline and image renditions came with it
        assert [link.author.name for link in second[a.pk].article_authors.all()] == ["Mara Okafor"]
        assert second[a.pk].hero_image.get_renditions(*images.filters_for("card"))


def test_only_the_cards_not_kept_are_loaded(make_article):
    a, b = make_article(), make_article()
    kept = cards_by_id([a.pk])[a.pk]
    both, sql = queries_of(cards_by_id, [a.pk, b.pk])
    assert set(both) == {a.pk, b.pk}
    assert both[a.pk] is kept
    assert sql
    # The one query for the articles names b only.
    article_query = next(q for q in sql if "news_articlepage" in q and "IN (" in q)
    assert f"IN ({b.pk})" in article_query


def test_publishing_a_change_loads_the_card_again(make_article, django_capture_on_commit_callbacks):
    article = make_article(title="Original headline")
    assert cards_by_id([article.pk])[article.pk].title == "Original headline"
    publish_committed(django_capture_on_commit_callbacks, article, title="Corrected headline")
    cards, sql = queries_of(cards_by_id, [article.pk])
    assert sql
    assert cards[article.pk].title == "Corrected headline"


def test_a_publish_whose_commit_never_ran_leaves_the_kept_card(make_article):
    # Why the test settings turn the store off: the card belongs to its generation.
    article = make_article(title="Original headline")
    cards_by_id([article.pk])
    article.title = "Corrected headline"
    article.save_revision().publish()  # its on-commit invalidation never runs
    assert cards_by_id([article.pk])[article.pk].title == "Original headline"


def test_unpublishing_an_article_removes_its_card(make_article, django_capture_on_commit_callbacks):
    article, other = make_article(), make_article()
    assert set(cards_by_id([article.pk, other.pk])) == {article.pk, other.pk}
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert set(cards_by_id([article.pk, other.pk])) == {other.pk}


def test_ids_that_are_not_live_articles_are_remembered_and_not_returned(
    make_article, section, django_assert_num_queries
):
    live = make_article()
    draft = make_article(publish=False)
    missing = live.pk + 10_000
    first, sql = queries_of(cards_by_id, [live.pk, draft.pk, missing, section.pk])
    assert set(first) == {live.pk}
    assert sql
    assert card_store.cards[draft.pk][1] is None
    assert card_store.cards[missing][1] is None
    with django_assert_num_queries(0):
        assert cards_by_id([draft.pk, missing, section.pk]) == {}
        assert set(cards_by_id([live.pk, draft.pk])) == {live.pk}


def test_publishing_a_remembered_draft_makes_its_card_appear(
    make_article, django_capture_on_commit_callbacks
):
    draft = make_article(title="Embargoed report", publish=False)
    assert cards_by_id([draft.pk]) == {}
    publish_committed(django_capture_on_commit_callbacks, draft)
    assert cards_by_id([draft.pk])[draft.pk].title == "Embargoed report"


def test_renaming_an_author_refreshes_the_byline_of_kept_cards(
    make_article, author, django_capture_on_commit_callbacks
):
    article = make_article()
    card = cards_by_id([article.pk])[article.pk]
    assert [link.author.name for link in card.article_authors.all()] == ["Mara Okafor"]
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Mara Okafor-Lind"
        author.save()
    card = cards_by_id([article.pk])[article.pk]
    assert [link.author.name for link in card.article_authors.all()] == ["Mara Okafor-Lind"]


def test_a_moved_article_gets_a_card_with_its_new_url(
    make_article, home, django_capture_on_commit_callbacks
):
    from masthead.news.models import SectionPage

    sport = home.add_child(instance=SectionPage(title="Sport", slug="sport"))
    sport.save_revision().publish()
    article = make_article(slug="harbour-race")
    card = cards_by_id([article.pk])[article.pk]
    assert card.url == "/news/harbour-race/"
    assert 'href="/news/harbour-race/"' in news_tags.card(card)
    with django_capture_on_commit_callbacks(execute=True):
        article.move(sport, pos="last-child")
    moved = cards_by_id([article.pk])[article.pk]
    assert moved.url == "/sport/harbour-race/"
    assert 'href="/sport/harbour-race/"' in news_tags.card(moved)


def test_the_least_recently_used_card_goes_first(make_article, settings, django_assert_num_queries):
    settings.MASTHEAD_CARD_CACHE_SIZE = 2
    a, b, c = make_article(), make_article(), make_article()
    cards_by_id([a.pk])
    cards_by_id([b.pk])
    with django_assert_num_queries(0):
        cards_by_id([a.pk])  # a is now the most recently used
    cards_by_id([c.pk])  # over the size: b goes
    assert list(card_store.cards) == [a.pk, c.pk]
    with django_assert_num_queries(0):
        # One at a time: within one lookup the ids are touched in no set order.
        assert set(cards_by_id([a.pk])) == {a.pk}
        assert set(cards_by_id([c.pk])) == {c.pk}
    again, sql = queries_of(cards_by_id, [b.pk])
    assert sql
    assert set(again) == {b.pk}
    assert list(card_store.cards) == [c.pk, b.pk]  # a was used before c


def test_a_lookup_of_more_cards_than_the_store_keeps_returns_them_all(make_article, settings):
    settings.MASTHEAD_CARD_CACHE_SIZE = 2
    articles = [make_article() for _ in range(3)]
    found = cards_by_id([a.pk for a in articles])
    assert set(found) == {a.pk for a in articles}
    assert len(card_store.cards) == 2


def test_kept_cards_expire_after_the_page_cache_seconds(
    make_article, settings, monkeypatch, django_assert_num_queries
):
    settings.MASTHEAD_PAGE_CACHE_SECONDS = 240
    clock = [1000.0]
    monkeypatch.setattr(selectors, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    article = make_article()
    first = cards_by_id([article.pk])[article.pk]
    clock[0] = 1239.0
    with django_assert_num_queries(0):
        assert cards_by_id([article.pk])[article.pk] is first
    clock[0] = 1240.5
    reloaded, sql = queries_of(cards_by_id, [article.pk])
    assert sql
    assert reloaded[article.pk] is not first
    assert reloaded[article.pk].pk == article.pk


def test_a_store_of_size_zero_loads_every_time(make_article, settings):
    settings.MASTHEAD_CARD_CACHE_SIZE = 0
    article = make_article()
    cards_by_id([article.pk])  # the memo learns whether view restrictions exist, once
    first, first_sql = queries_of(cards_by_id, [article.pk])
    second, second_sql = queries_of(cards_by_id, [article.pk])
    assert first_sql
    assert len(second_sql) == len(first_sql)
    assert second[article.pk] is not first[article.pk]
    assert len(card_store.cards) == 0


def test_with_views_copies_the_shared_cards(make_article, django_assert_num_queries):
    a, b = make_article(title="First"), make_article(title="Second")
    cards = cards_by_id([a.pk, b.pk])
    ranked = selectors.with_views([(b.pk, 7), (a.pk + 10_000, 5), (a.pk, 3)], cards)
    assert [(card.pk, card.title, card.views) for card in ranked] == [
        (b.pk, "Second", 7),
        (a.pk, "First", 3),
    ]
    assert ranked[0] is not cards[b.pk]
    assert not hasattr(cards[b.pk], "views")
    with django_assert_num_queries(0):
        kept = cards_by_id([a.pk, b.pk])
        assert not hasattr(kept[a.pk], "views")
        assert not hasattr(kept[b.pk], "views")
        # The copy keeps what came with the card.
        assert [link.author.name for link in ranked[0].article_authors.all()] == ["Mara Okafor"]
    again = selectors.with_views([(a.pk, 9)], kept)
    assert again[0].views == 9
    assert ranked[1].views == 3  # the first list's copy is its own


def test_the_store_forgets_a_card_when_its_article_changes_and_keeps_the_others(db):
    from masthead.core import invalidation

    store = CardStore()
    one, two = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    invalidation.invalidate(["page-99"])  # a log to stamp against
    before = invalidation.current()
    store.put_many({1: one, 2: two, 3: None}, before, size=10, seconds=60)
    assert store.get_many({1, 2, 3}, before) == {1: one, 2: two, 3: None}
    invalidation.invalidate(["page-1", "home"])  # article 1 published again
    assert store.get_many({1, 2, 3}, invalidation.current()) == {2: two, 3: None}
    # A load that began before that change is not taken as current.
    store.put_many({1: one}, before, size=10, seconds=60)
    assert store.get_many({1}, invalidation.current()) == {}
    invalidation.invalidate_everything()  # e.g. an author renamed: every byline
    assert store.get_many({2, 3}, invalidation.current()) == {}


# --- rendered pages -------------------------------------------------------------------------


def related_body(article) -> list[dict]:
    return [
        {"type": "paragraph", "value": "<p>Before the card.</p>"},
        {"type": "related", "value": {"article": article.pk}},
    ]


def picks_titles(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [t.get_text(strip=True) for t in soup.select(".editors-picks .card-title")]


def related_title(html: bytes) -> str | None:
    soup = BeautifulSoup(html, "html.parser")
    title = soup.select_one(".article-body aside.related-card .related-title")
    return title.get_text(strip=True) if title else None


@pytest.fixture
def rendered(make_article):
    """An article with a related card to one article and a pick of another."""
    linked = make_article(title="Bridge closure explained")
    picked = make_article(title="Ferry timetable changes")
    pick(picked)
    article = make_article(title="Council budget", body=related_body(linked))
    return SimpleNamespace(article=article, linked=linked, picked=picked)


def test_an_article_rendered_twice_shows_the_same_html(client, rendered):
    first = client.get(rendered.article.url)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(rendered.article.url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert picks_titles(second.content) == ["Ferry timetable changes"]
    assert related_title(second.content) == "Bridge closure explained"
    # The cards came from the store: no query loaded cards' bylines (the article's own
    # byline is one query of its own, `page_id = `).
    bylines = [q["sql"] for q in captured.captured_queries if "news_articleauthor" in q["sql"]]
    assert len(bylines) == 1
    assert f'"page_id" = {rendered.article.pk}' in bylines[0]


def test_publishing_a_change_to_a_pick_shows_on_the_next_render_of_another_article(
    client, rendered, django_capture_on_commit_callbacks
):
    assert picks_titles(client.get(rendered.article.url).content) == ["Ferry timetable changes"]
    publish_committed(django_capture_on_commit_callbacks, rendered.picked, title="Ferries cut")
    html = client.get(rendered.article.url).content
    assert picks_titles(html) == ["Ferries cut"]
    assert b"Ferry timetable changes" not in html


def test_publishing_a_change_to_a_related_article_shows_on_the_next_render(
    client, rendered, django_capture_on_commit_callbacks
):
    assert related_title(client.get(rendered.article.url).content) == "Bridge closure explained"
    publish_committed(django_capture_on_commit_callbacks, rendered.linked, title="Bridge reopens")
    html = client.get(rendered.article.url).content
    assert related_title(html) == "Bridge reopens"
    assert b"Bridge closure explained" not in html


def test_unpublishing_a_related_article_removes_its_card_on_the_next_render(
    client, rendered, django_capture_on_commit_callbacks
):
    assert related_title(client.get(rendered.article.url).content) == "Bridge closure explained"
    with django_capture_on_commit_callbacks(execute=True):
        rendered.linked.unpublish()
    html = client.get(rendered.article.url).content
    assert related_title(html) is None
    assert b"Bridge closure explained" not in html


def test_a_related_card_shows_the_live_title_not_an_unpublished_draft(
    client, make_article, django_capture_on_commit_callbacks
):
    linked = make_article(title="Live headline")
    article = make_article(body=related_body(linked))
    linked.title = "Draft headline"
    with django_capture_on_commit_callbacks(execute=True):
        linked.save_revision()  # not published
    html = client.get(article.url).content
    assert related_title(html) == "Live headline"
    assert b"Draft headline" not in html


# --- the {% card %} tag ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "include"),
    [
        ("{% card article %}", '{% include "news/includes/card.html" with article=article %}'),
        (
            '{% card article size="thumb" %}',
            '{% include "news/includes/card.html" with article=article size="thumb" %}',
        ),
        (
            '{% card article size="lead" loading="eager" %}',
            '{% include "news/includes/card.html" with article=article size="lead" '
            'loading="eager" %}',
        ),
        (
            '{% card article size="text" %}',
            '{% include "news/includes/card.html" with article=article size="text" %}',
        ),
    ],
)
def test_the_card_tag_renders_what_the_card_template_renders(make_article, tag, include):
    article = make_article(title='Tom & Jerry\'s "bridge"', card_summary="Fares <rise> & fall")
    card = cards_by_id([article.pk])[article.pk]
    context = {"article": card}
    tagged = Template("{% load news_tags %}" + tag).render(Context(context))
    included = Template(include).render(Context(context))
    assert tagged == included
    assert "Tom &amp; Jerry’s “bridge”" in tagged  # escaped once, not twice
    assert "&amp;amp;" not in tagged


@pytest.mark.parametrize(
    ("size", "loading"),
    [("standard", "lazy"), ("thumb", "lazy"), ("lead", "eager"), ("text", "lazy")],
)
def test_the_card_tag_html_equals_the_card_template_rendered_directly(make_article, size, loading):
    article = make_article(title="Harbour bridge", card_summary="Closed for six weeks.")
    card = cards_by_id([article.pk])[article.pk]
    html = news_tags.card(card, size, loading)
    context = {"article": card, "size": size, "loading": loading}
    assert html == render_to_string("news/includes/card.html", context)
    assert isinstance(html, SafeData)
    fresh = ArticlePage.objects.get(pk=article.pk)  # not from the store
    assert html == render_to_string("news/includes/card.html", {**context, "article": fresh})


def test_the_card_tag_keeps_one_html_per_size_and_loading(make_article):
    article = make_article(title="Harbour bridge", card_summary="Closed for six weeks.")
    card = cards_by_id([article.pk])[article.pk]
    standard = news_tags.card(card)
    thumb = news_tags.card(card, "thumb")
    eager = news_tags.card(card, "lead", "eager")
    assert "Closed for six weeks." in standard
    assert "Closed for six weeks." not in thumb  # thumbs show no summary
    assert 'loading="eager"' in eager and 'loading="eager"' not in standard
    card.title = "Changed in memory"  # kept HTML is per card object: not rendered again
    assert news_tags.card(card) == standard
    assert news_tags.card(card, "thumb") == thumb


def card_date_after_an_editors_preview(client, make_article) -> str:
    """The date readers see on a pick's card after an editor in another time zone
    viewed a draft of the article showing it."""
    picked = make_article(
        title="Ferry timetable changes",
        display_date=dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC),  # Jan 15, 7:00 in New York
    )
    pick(picked)
    article = make_article(title="Council budget")
    editor = User.objects.create_superuser("ed", "ed@example.invalid", "pw")
    profile = UserProfile.get_for_user(editor)
    profile.current_time_zone = "Pacific/Kiritimati"  # UTC+14: already Jan 16
    profile.save()
    client.force_login(editor)
    assert client.get(f"/admin/pages/{article.pk}/view_draft/").status_code == 200
    client.logout()
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    return soup.select_one(".editors-picks .card-meta time").get_text(strip=True)


def test_without_the_store_an_editors_preview_does_not_change_what_readers_see(
    client, make_article, settings
):
    settings.MASTHEAD_CARD_CACHE_SIZE = 0
    assert card_date_after_an_editors_preview(client, make_article) == "Jan 15"


def test_an_editors_preview_does_not_change_the_cards_readers_see(client, make_article):
    assert card_date_after_an_editors_preview(client, make_article) == "Jan 15"


# --- picture_html ---------------------------------------------------------------------------

ATTRS = [
    {"alt": ""},
    {"alt": "A bridge", "loading": "lazy", "decoding": "async"},
    {"alt": "Quotes \" and ' & ampersands <b>", "loading": "lazy", "decoding": "async"},
    {
        "alt": "Tom & Jerry",
        "loading": "eager",
        "decoding": "async",
        "class": 'hero "wide" & tall',
        "fetchpriority": "high",
    },
    {"alt": "Own sizes", "sizes": "(min-width: 10px) 50vw, 100vw"},
    {"alt": mark_safe("Already &amp; safe"), "title": "R&D <lab>"},  # noqa: S308
    {"alt": "Booleans", "hidden": True, "draggable": False, "data-gone": None},
]


@pytest.mark.parametrize("kind", list(images.RENDITION_SPECS))
@pytest.mark.parametrize("attrs", ATTRS)
def test_picture_html_is_wagtails_picture_byte_for_byte(image, kind, attrs):
    ours = images.picture_html(image, kind, dict(attrs))
    wagtails = format_html("{}", images.picture(image, kind, dict(attrs)))
    assert ours == wagtails
    assert isinstance(ours, SafeData)
    assert ours.startswith("<picture><source ")
    assert ours.count("<source") == 1  # WebP first, JPEG the fallback <img>


def test_picture_html_of_a_cards_prefetched_renditions_is_wagtails(make_article):
    article = make_article()
    card = cards_by_id([article.pk])[article.pk]
    for kind in selectors.CARD_PICTURES:
        attrs = {"alt": "", "loading": "lazy", "decoding": "async"}
        ours = images.picture_html(card.hero_image, kind, dict(attrs))
        assert ours == format_html("{}", images.picture(card.hero_image, kind, dict(attrs)))


@pytest.fixture
def extra_kind(monkeypatch):
    """A kind of picture with its own spec, for the shapes RENDITION_SPECS does not use."""

    def add(spec: str) -> str:
        kind = f"test-{len(images.RENDITION_SPECS)}"
        monkeypatch.setitem(images.RENDITION_SPECS, kind, spec)
        monkeypatch.setitem(images.SIZES, kind, "50vw")
        return kind

    yield add
    images.filters_for.cache_clear()


@pytest.mark.parametrize(
    "spec",
    [
        "format-webp fill-{100x100,200x200}",  # one format: Wagtail's plain <img> in <picture>
        "fill-{100x100,200x200}",  # no format
        "format-{png,webp,jpeg} width-{300,600}",  # three formats, PNG the fallback
        "format-{webp,jpeg} width-300",  # one rendition a format: srcset is a bare URL
    ],
)
def test_picture_html_is_wagtails_picture_for_other_specs(image, extra_kind, spec):
    kind = extra_kind(spec)
    attrs = {"alt": 'A "quoted" & escaped alt', "class": "x"}
    assert images.picture_html(image, kind, dict(attrs)) == format_html(
        "{}", images.picture(image, kind, dict(attrs))
    )


def test_picture_html_escapes_attribute_names_like_wagtail(image):
    attrs = {"alt": "", "data-a&b": "1"}
    assert images.picture_html(image, "thumb", dict(attrs)) == format_html(
        "{}", images.picture(image, "thumb", dict(attrs))
    )


@pytest.mark.parametrize(
    ("loading", "css_class"), [("lazy", ""), ("eager", ""), ("eager", 'big "one"'), ("lazy", "a&b")]
)
def test_the_responsive_picture_tag_gives_wagtails_picture(image, loading, css_class):
    alt = 'Tom & "Jerry"'
    attrs = {"alt": alt, "loading": loading, "decoding": "async"}
    if css_class:
        attrs["class"] = css_class
    if loading == "eager":
        attrs["fetchpriority"] = "high"
    html = news_tags.responsive_picture(image, "hero", alt, loading=loading, css_class=css_class)
    assert html == format_html("{}", images.picture(image, "hero", attrs))
    assert ('fetchpriority="high"' in html) == (loading == "eager")


# --- ArticleChooserBlock --------------------------------------------------------------------


def test_the_article_chooser_returns_drafts_too(make_article):
    live = make_article(title="Live story")
    draft = make_article(title="Draft story", publish=False)
    missing = live.pk + 10_000
    values = ArticleChooserBlock().bulk_to_python([live.pk, draft.pk, None, missing, live.pk])
    assert [v.pk if v else None for v in values] == [live.pk, draft.pk, None, None, live.pk]
    assert isinstance(values[1], ArticlePage)
    assert (values[0].live, values[1].live) == (True, False)
    assert values[1].title == "Draft story"
    assert values[0] is cards_by_id([live.pk])[live.pk]  # live ones are the kept cards


def test_the_article_chooser_returns_drafts_with_the_store_off(make_article, settings):
    settings.MASTHEAD_CARD_CACHE_SIZE = 0
    live = make_article()
    draft = make_article(publish=False)
    values = ArticleChooserBlock().bulk_to_python([draft.pk, live.pk])
    assert [(v.pk, v.live) for v in values] == [(draft.pk, False), (live.pk, True)]


def test_the_article_chooser_queries_only_for_drafts(make_article, django_assert_num_queries):
    live = make_article()
    draft = make_article(publish=False)
    block = ArticleChooserBlock()
    block.bulk_to_python([live.pk, draft.pk])
    with django_assert_num_queries(0):
        assert block.bulk_to_python([live.pk])[0].pk == live.pk
    with django_assert_num_queries(1):  # the draft, remembered as not live, loaded alone
        assert [v.pk for v in block.bulk_to_python([live.pk, draft.pk])] == [live.pk, draft.pk]


def test_the_kept_card_is_not_changed_by_adding_drafts(make_article):
    live = make_article()
    draft = make_article(publish=False)
    ArticleChooserBlock().bulk_to_python([live.pk, draft.pk])
    assert set(cards_by_id([live.pk, draft.pk])) == {live.pk}


def test_an_editor_reopening_an_article_still_sees_the_chosen_draft(client, make_article):
    draft = make_article(title="Embargoed budget leak", publish=False)
    article = make_article(body=related_body(draft))
    client.force_login(User.objects.create_superuser("ed", "ed@example.invalid", "pw"))
    response = client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    assert "Embargoed budget leak" in response.content.decode()
    revision = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert revision.body[1].value["article"].pk == draft.pk


def test_a_related_card_to_a_draft_is_not_shown_until_it_is_published(
    client, make_article, django_capture_on_commit_callbacks
):
    draft = make_article(title="Embargoed budget leak", publish=False)
    article = make_article(body=related_body(draft))
    for _ in range(2):  # the second time from the store
        html = client.get(article.url).content
        assert related_title(html) is None
        assert b"Embargoed budget leak" not in html
    publish_committed(django_capture_on_commit_callbacks, draft)
    assert related_title(client.get(article.url).content) == "Embargoed budget leak"
