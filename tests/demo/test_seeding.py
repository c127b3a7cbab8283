"""`seed_articles`: many synthetic articles, written in bulk, that behave like real ones."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from wagtail.models import Page, ReferenceIndex, Site
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.signals import page_published

from masthead.demo import seeding
from masthead.news.models import ArticleAuthor, ArticlePage, Author, SectionPage


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_articles", *args, stdout=out)
    return out.getvalue()


def assert_tree_is_valid() -> None:
    assert Page.find_problems() == ([], [], [], [], [])
    for page in Page.objects.all():
        assert page.numchild == Page.objects.child_of(page).count(), page
    slugs = list(Page.objects.values_list("url_path", flat=True))
    assert len(slugs) == len(set(slugs))


@pytest.fixture
def newsroom(make_article):
    """A home page, one section and one editor-made article (whose hero image is reused)."""
    return make_article(title="An article written by hand")


@pytest.fixture
def published_signals():
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs["instance"])

    page_published.connect(receiver, dispatch_uid="test-seeding")
    yield sent
    page_published.disconnect(dispatch_uid="test-seeding")


def test_seeding_creates_live_routable_articles_in_a_valid_tree(
    client, newsroom, published_signals
):
    output = seed("--count", "120", "--batch", "50")

    assert ArticlePage.objects.live().count() == 121
    assert_tree_is_valid()
    assert "batch 1/3" in output and "batch 3/3" in output
    assert "Seeded 120 articles" in output and "articles/s" in output
    # Bulk writes: no publish signal, so no narration, webhook or cache invalidation.
    assert published_signals == []
    seeded = ArticlePage.objects.exclude(pk=newsroom.pk).order_by("?").first()
    response = client.get(seeded.url)
    assert response.status_code == 200
    assert seeded.title in response.content.decode()


def test_seeded_articles_are_complete(newsroom):
    seed("--count", "30")

    for page in ArticlePage.objects.exclude(pk=newsroom.pk):
        assert page.live and page.first_published_at and page.published_at
        assert page.draft_title == page.title and page.url_path.endswith(f"/{page.slug}/")
        assert page.hero_image_id == newsroom.hero_image_id and page.hero_alt
        assert page.reading_time_minutes == page.compute_reading_time()
        assert 1 <= ArticleAuthor.objects.filter(page=page).count() <= 2
        assert 1 <= page.tags.count() <= 4
        assert len(page.body) >= 5
    assert Author.objects.count() >= seeding.SYNTHETIC_AUTHORS


def test_seeded_articles_are_found_by_search(client, newsroom):
    seed("--count", "40")

    # Every generated lead paragraph says the decision "will be felt most" somewhere.
    response = client.get("/search/", {"q": "decision"})
    assert "40 results for “decision”" in response.content.decode()


def test_search_index_entries_are_what_wagtail_would_write(newsroom):
    seed("--count", "5")
    page = ArticlePage.objects.exclude(pk=newsroom.pk).first()
    entry = IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ArticlePage), object_id=str(page.pk)
    ).values("title", "autocomplete", "body")
    seeded = entry.get()

    get_search_backend().add(page)  # Wagtail's own indexing of the same page

    assert entry.get() == seeded


def test_reference_index_rows_are_what_wagtail_would_write(newsroom):
    seed("--count", "5")
    page = ArticlePage.objects.exclude(pk=newsroom.pk).first()
    columns = ("to_content_type_id", "to_object_id", "model_path", "content_path")
    rows = ReferenceIndex.objects.filter(object_id=str(page.pk))
    seeded = set(rows.values_list(*columns))
    assert len(seeded) >= 3  # hero image, author, tag

    ReferenceIndex.create_or_update_for_object(page)

    assert set(rows.values_list(*columns)) == seeded


def test_an_editor_can_open_a_seeded_article_in_the_admin(client, newsroom):
    seed("--count", "3")
    page = ArticlePage.objects.exclude(pk=newsroom.pk).first()
    editor = get_user_model().objects.create_superuser("chief", "chief@example.invalid", "x")
    client.force_login(editor)

    response = client.get(f"/admin/pages/{page.pk}/edit/")

    assert response.status_code == 200
    assert page.title in response.content.decode()


def test_a_second_run_adds_more_without_breaking_the_tree(newsroom):
    seed("--count", "40", "--batch", "25")
    seed("--count", "25", "--sections", "2")

    assert ArticlePage.objects.count() == 66
    assert SectionPage.objects.count() == 2
    assert_tree_is_valid()


def test_missing_sections_are_created(home, image):
    seed("--count", "10", "--sections", "3")

    assert list(SectionPage.objects.order_by("path").values_list("slug", flat=True)) == [
        "news",
        "world",
        "business",
    ]
    assert ArticlePage.objects.live().count() == 10
    assert_tree_is_valid()


@pytest.mark.parametrize("count", ["0", "-5"])
def test_a_count_that_is_not_positive_is_refused_and_nothing_is_written(newsroom, count):
    pages, authors = Page.objects.count(), Author.objects.count()

    with pytest.raises(CommandError, match="--count must be a positive number"):
        seed("--count", count)

    assert (Page.objects.count(), Author.objects.count()) == (pages, authors)


def test_seeding_without_a_wagtail_site_is_refused(db):
    Site.objects.all().delete()
    pages = Page.objects.count()

    with pytest.raises(CommandError, match="No Wagtail site"):
        seed("--count", "10")

    assert Page.objects.count() == pages


def test_a_failing_batch_is_rolled_back_and_the_message_says_what_was_kept(newsroom, monkeypatch):
    calls = {"n": 0}
    index = seeding.Seeder.index

    def failing_index(self, *args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return index(self, *args)

    monkeypatch.setattr(seeding.Seeder, "index", failing_index)

    with pytest.raises(CommandError, match=r"Batch 2 of 3 failed.*disk full.*10 articles"):
        seed("--count", "30", "--batch", "10")

    assert ArticlePage.objects.count() == 11
    assert_tree_is_valid()


# --- the reads that stay cheap at scale give the same answers either way ------------------


def test_a_listing_gives_the_same_page_whichever_way_it_is_read(newsroom):
    from taggit.models import Tag

    from masthead.news import selectors
    from masthead.news.models import ArticleTag

    seed("--count", "120", "--sections", "2")
    tag = Tag.objects.order_by("pk").first()
    section = SectionPage.objects.order_by("path").first()
    listings = [
        selectors._members_listing(
            ArticleTag.objects.filter(tag=tag).values("content_object_id"), "test-tag"
        ),
        selectors.Listing(
            walk=selectors.article_cards_queryset().filter(path__startswith=section.path),
            pick=selectors.article_cards_queryset().filter(
                selectors._children_of(section.path, section.depth)
            ),
            count_queryset=Page.objects.live().child_of(section),
            key="test-section",
        ),
    ]
    for listing in listings:
        assert listing.total > 12
        for window in (slice(0, 12), slice(12, 24), slice(36, 48)):
            walked = [a.pk for a in selectors.newest_first(listing.walk)[window]]
            picked = [a.pk for a in selectors.newest_first(listing.pick)[window]]
            assert walked == picked and walked == [a.pk for a in listing[window]][: len(walked)]


def test_ranked_search_orders_results_as_wagtail_does(newsroom):
    from masthead.news import search

    seed("--count", "60")
    for terms in ("council", "sea wall", "budget repairs"):
        results = ArticlePage.objects.live().search(terms)
        full_text = search.full_text_for(results)
        assert full_text is not None, "the database's own full-text index answers"
        ranked = search.visible_matches(full_text)
        assert ranked.by_relevance, terms
        assert ranked.count() == results.count() > 0, terms
        assert ranked[0:20] == [a.pk for a in results[0:20]], terms


def test_a_fresh_install_gets_a_home_page_sections_authors_and_images(client, db):
    from wagtail.images import get_image_model

    site = Site.objects.get(is_default_site=True)
    hostname = site.hostname

    seed("--count", "12")

    site = Site.objects.get(is_default_site=True)
    assert site.hostname == hostname
    assert type(site.root_page.specific).__name__ == "HomePage"
    assert SectionPage.objects.child_of(site.root_page).count() == 5
    assert Author.objects.count() == seeding.SYNTHETIC_AUTHORS
    assert get_image_model().objects.count() == seeding.GENERATED_IMAGES
    assert_tree_is_valid()
    article = ArticlePage.objects.first()
    assert client.get(article.url).status_code == 200
