"""import_ghost end to end: the project's own Ghost exports into a real site tree."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect

from masthead.importers.models import ImportedObject, ImportRun
from masthead.news.models import ArticlePage, Author
from tests.conftest import make_image_file

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture
def ghost_images(tmp_path) -> Path:
    """An unpacked Ghost content/images folder with the pictures of ghost-5.json."""
    folder = tmp_path / "content" / "images"
    (folder / "2024" / "03").mkdir(parents=True)
    for name in ("plan.jpg", "crane.jpg"):
        picture = make_image_file(name, size=(640, 360))
        picture.seek(0)
        (folder / "2024" / "03" / name).write_bytes(picture.read())
    return folder


@pytest.fixture
def import_ghost(section):
    def run(name: str, *args) -> str:
        out = io.StringIO()
        call_command(
            "import_ghost", str(FIXTURES / f"ghost-{name}.json"), "--section", "news", *args,
            stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
        return out.getvalue()

    return run


def article(slug: str) -> ArticlePage:
    return ArticlePage.objects.get(slug=slug)


def test_a_lexical_post_comes_over_with_bylines_topics_hero_seo_and_blocks(
    import_ghost, ghost_images
):
    output = import_ghost("5", "--media-dir", str(ghost_images))
    plan = article("harbour-plan")
    assert plan.live and plan.title == "The harbour plan, explained"
    assert plan.dek == "Ten years, three phases."
    assert [a.author.name for a in plan.article_authors.all()] == ["Fin Low", "Eve Marr"]
    assert list(plan.tags.order_by("name").values_list("name", flat=True)) == ["Data", "Harbour"]
    assert plan.seo_title == "Harbour plan explained"
    assert plan.hero_image is not None and plan.hero_alt == "The harbour from above"
    assert plan.hero_caption == "Photo: city"
    kinds = [b.block_type for b in plan.body]
    assert kinds[:4] == ["heading", "paragraph", "list", "pull_quote"]
    image = next(b for b in plan.body if b.block_type == "image")
    assert (image.value["alt"], image.value["caption"]) == ("A crane on the quay", "The new crane")
    embeds = " ".join(b.value["html"] for b in plan.body if b.block_type == "embed")
    assert 'href="https://vimeo.com/12345"' in embeds and "<iframe" not in embeds
    assert "articles created: 1" in output
    assert "warning p30: a Ghost 'product' card has no Masthead equivalent" in output


def test_co_authors_stay_in_ghost_order_and_old_urls_redirect(import_ghost):
    import_ghost("6")
    night = article("election-night")
    assert [a.author.name for a in night.article_authors.all()] == [
        "Ivo Sten",
        "Gil Roy",
        "Hana Pik",
    ]
    redirect = Redirect.objects.get(old_path="/election-night")
    assert redirect.redirect_page_id == night.pk
    assert Author.objects.filter(slug="gil").exists()
    assert Redirect.objects.filter(old_path="/author/gil").exists()


def test_statuses_scheduled_drafts_and_members_only_posts(import_ghost):
    output = import_ghost("6")
    assert article("election-night").live
    results = article("results")
    assert results.go_live_at is not None and results.go_live_at.year == 2031
    assert not results.live
    for slug in ("newsletter-only", "wip", "tier-post"):
        assert not article(slug).live, slug
    assert "warning p44: it was for tiers only on Ghost: imported as a draft" in output
    assert not Redirect.objects.filter(old_path="/tier-post").exists()


def test_members_public_makes_members_posts_public_and_still_warns(import_ghost):
    output = import_ghost("3", "--members-public")
    assert article("members-briefing").live
    assert "warning p11: it was for members only on Ghost: imported PUBLIC, as asked" in output


def test_a_second_run_duplicates_nothing(import_ghost):
    import_ghost("3")
    counts = (ArticlePage.objects.count(), Author.objects.count(), Tag.objects.count(),
              Redirect.objects.count(), ImportedObject.objects.count())  # fmt: skip
    output = import_ghost("3")
    assert counts == (ArticlePage.objects.count(), Author.objects.count(), Tag.objects.count(),
                      Redirect.objects.count(), ImportedObject.objects.count())  # fmt: skip
    assert "articles created: 0" in output and "articles skipped: 2" in output


def test_a_dry_run_writes_nothing_but_says_what_it_would_do(import_ghost):
    output = import_ghost("3", "--dry-run")
    assert "Dry run: nothing was written" in output and "articles created: 2" in output
    assert ArticlePage.objects.count() == 0 and Author.objects.count() == 0
    assert Redirect.objects.count() == 0 and ImportedObject.objects.count() == 0
    assert ImportRun.objects.get().dry_run


def test_links_between_imported_posts_point_at_the_new_articles(import_ghost):
    import_ghost("5")
    import_ghost("2")
    ferry = article("ferry-fares")
    plan = article("harbour-plan")
    link = next(b for b in ferry.body if b.block_type == "paragraph" and "Monday" in b.value.source)
    assert f'id="{plan.pk}"' in link.value.source and 'linktype="page"' in link.value.source


@pytest.mark.parametrize(
    ("name", "message"), [("broken", "line 3, column 35"), ("not-export", "not a Ghost export")]
)
def test_a_file_that_is_no_ghost_export_is_refused_and_nothing_is_written(
    import_ghost, name, message
):
    with pytest.raises(CommandError, match=message):
        import_ghost(name)
    assert ArticlePage.objects.count() == 0 and Author.objects.count() == 0
    assert ImportRun.objects.get().status == "failed"


def test_ghost_articles_open_in_the_editor_and_save_unchanged(import_ghost, ghost_images, client):
    from django.contrib.auth import get_user_model
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from tests.conftest import as_loaded

    from .test_imported_pages import block_form_value, without_ids

    import_ghost("5", "--media-dir", str(ghost_images))
    import_ghost("3")
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    for slug in ("harbour-plan", "budget-vote"):
        page = article(slug)
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
        assert without_ids(saved.body.get_prep_value()) == without_ids(before), slug


def test_nothing_unsafe_from_a_ghost_body_reaches_the_reader_page(import_ghost, client):
    import_ghost("3")
    import_ghost("html-only")
    for slug, visible in (("budget-vote", "Polls close at 9."), ("long-ago", "History")):
        html = client.get(article(slug).url).content.decode()
        assert visible in html, slug
        for payload in ("alert(", "javascript:", "onerror", "onclick", "onload", "<script>alert"):
            assert payload not in html, (slug, payload)
        assert "<iframe" not in html
