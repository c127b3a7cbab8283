"""A Ghost export read into import records: no database, nothing written."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from masthead.importers.ghost import GhostSource
from masthead.importers.records import ImportFileError

FIXTURES = Path(__file__).parent / "fixtures"


def source(name: str, **kwargs) -> GhostSource:
    return GhostSource(FIXTURES / f"ghost-{name}.json", **kwargs)


def posts(name: str, **kwargs) -> dict:
    return {p.slug: p for p in source(name, **kwargs).posts()}


@pytest.mark.parametrize("name", ["2", "3", "4", "5", "6", "html-only"])
def test_every_version_from_ghost_2_to_6_passes_the_check(name):
    ghost = source(name)
    ghost.check()
    assert ghost.count_posts() == len(list(ghost.posts())) > 0


def test_a_ghost_2_post_keeps_title_dates_excerpt_seo_and_its_single_author():
    post = posts("2")["ferry-fares"]
    assert post.title == "Ferry fares rise again"
    assert post.status == "published"
    assert post.published_at == datetime(2019, 5, 2, 8, 30, tzinfo=UTC)
    assert post.modified_at == datetime(2019, 5, 3, 10, 0, tzinfo=UTC)
    assert post.excerpt == "Third rise in a year."
    assert (post.seo_title, post.seo_description) == ("Ferry fares rise | Harbour", "Fares up 8%.")
    assert post.author_ids == ["1"]
    assert post.featured is True
    assert post.old_urls == ["/ferry-fares/"]
    assert post.featured_image_url == "/content/images/2019/05/ferry.jpg"
    assert "code injection" in post.warnings[0]


def test_ghost_pages_are_marked_as_pages():
    by_slug = posts("2")
    assert by_slug["about"].source_kind == "page"
    assert by_slug["ferry-fares"].source_kind == "post"


def test_internal_hash_tags_are_not_imported_and_public_tags_keep_their_archive_url():
    ghost = source("2")
    terms = list(ghost.terms())
    assert [(t.kind, t.name, t.slug, t.old_urls) for t in terms] == [
        ("tag", "Harbour", "harbour", ["/tag/harbour/"])
    ]
    assert posts("2")["ferry-fares"].tag_ids == ["t1"]


def test_only_users_who_wrote_are_authors_and_no_password_or_token_is_read():
    authors = list(source("2").authors())
    assert [(a.name, a.slug, a.bio, a.old_urls) for a in authors] == [
        ("Ines Varga", "ines", "Covers the harbour.", ["/author/ines/"])
    ]
    text = repr(authors) + repr(list(source("2").posts()))
    secrets = ("SECRETHASH", "TOKEN-NEVER", "SESSION-SECRET", "API-KEY", "PRIVATE-KEY", "reader@")
    for secret in secrets:
        assert secret not in text


def test_co_authors_come_in_ghost_sort_order_not_file_order():
    assert posts("3")["budget-vote"].author_ids == ["u3", "u2", "u1"]
    assert posts("5")["harbour-plan"].author_ids == ["u2", "u1"]
    assert posts("6")["election-night"].author_ids == ["u3", "u1", "u2"]


def test_tags_come_in_ghost_sort_order():
    assert posts("5")["harbour-plan"].tag_ids == ["t1", "t2"]


def test_posts_meta_gives_seo_open_graph_and_feature_image_alt_and_caption():
    budget = posts("3")["budget-vote"]
    assert (budget.seo_title, budget.og_title, budget.og_description) == (
        "Budget vote | Council",
        "The budget vote",
        "Tonight.",
    )
    assert budget.canonical_url == "https://old.example.org/budget-vote/"
    storm = posts("4")["storm-warning"]
    assert storm.featured_image_alt == "Waves over the sea wall"
    assert storm.featured_image_caption == "Waves at Pier 4"  # Ghost's caption HTML as text
    assert storm.featured_image_url == "/content/images/2022/02/storm.jpg"  # __GHOST_URL__ gone


def test_members_paid_and_tier_posts_become_drafts_with_a_warning():
    for name, slug, level in [("3", "members-briefing", "members"), ("4", "paid-analysis", "paid"),
                              ("6", "tier-post", "tiers")]:  # fmt: skip
        post = posts(name)[slug]
        assert post.status == "draft"
        assert any(f"for {level} only" in w and "draft" in w for w in post.warnings)


def test_members_posts_can_be_imported_public_on_request_and_it_is_still_said():
    post = posts("3", members_posts="public")["members-briefing"]
    assert post.status == "published"
    assert any("PUBLIC" in w for w in post.warnings)


def test_scheduled_sent_and_draft_statuses():
    by_slug = posts("6")
    assert by_slug["results"].status == "scheduled"
    assert by_slug["results"].published_at == datetime(2031, 5, 8, 6, 0, tzinfo=UTC)
    assert by_slug["newsletter-only"].status == "draft"
    assert "e-mailed" in by_slug["newsletter-only"].warnings[0]
    assert by_slug["wip"].status == "draft" and by_slug["wip"].published_at is None
    assert posts("4")["forecast"].status == "scheduled"


def test_author_photo_from_ghost_content_is_a_site_path():
    (dee,) = source("4").authors()
    assert dee.photo_url == "/content/images/dee.jpg"
    assert dee.website == "https://dee.example.org"


def test_json_that_is_not_valid_says_where(tmp_path):
    with pytest.raises(ImportFileError) as caught:
        source("broken").check()
    assert "not valid JSON" in caught.value.message
    assert (caught.value.line, caught.value.column) == (3, 35)
    assert "line 3, column 35" in str(caught.value)


def test_json_that_is_not_a_ghost_export_is_refused():
    with pytest.raises(ImportFileError, match="not a Ghost export"):
        source("not-export").check()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "not valid JSON"),
        ("[1, 2]", "not a Ghost export"),
        ('{"db": [{"meta": {}, "data": {"posts": []}}]}', "no Ghost version"),
        ('{"db": [{"meta": {"version": "1.25.0"}, "data": {"posts": []}}]}', "Ghost 1.25.0"),
        ('{"db": [{"meta": {"version": "7.0.0"}, "data": {"posts": []}}]}', "Ghost 2 to 6"),
        ('{"db": [{"meta": {"version": "5.0.0"}, "data": {"posts": [1]}}]}', "data.posts"),
    ],
)
def test_files_that_are_no_supported_export_get_a_clear_error(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message):
        GhostSource(path).check()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes(b'{"db": "\xff\xfe"}')
    with pytest.raises(ImportFileError, match="not UTF-8"):
        GhostSource(path).check()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.MASTHEAD_IMPORT_GHOST_MAX_MB = 1
    path = tmp_path / "export.json"
    export = {"db": [{"meta": {"version": "5.0"}, "data": {"posts": []}}]}
    path.write_text(json.dumps(export) + " " * 1_100_000)
    with pytest.raises(ImportFileError, match="over 1 MB are refused"):
        GhostSource(path).check()
