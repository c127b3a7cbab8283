"""The read-only content API: what partners' apps see at /api/v2/."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from masthead.news.models import Author

HOST = "http://testserver"


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(data: dict) -> list[str]:
    return [item["title"] for item in data["items"]]


def test_articles_are_listed_newest_first_without_drafts_or_unpublished_ones(client, newsroom):
    data = get(client, "/api/v2/articles/")
    assert data["meta"]["total_count"] == 4
    assert titles(data) == [a.title for a in newsroom.live]


def test_an_article_listing_carries_section_byline_tags_dates_and_images(client, newsroom):
    item = get(client, "/api/v2/articles/?section=business&order=published_at")["items"][0]
    budget = newsroom.budget
    assert item["id"] == budget.pk
    assert item["meta"]["html_url"] == HOST + budget.url
    assert item["meta"]["detail_url"] == f"{HOST}/api/v2/articles/{budget.pk}/"
    assert item["section"]["title"] == "Business"
    assert item["section"]["detail_url"] == f"{HOST}/api/v2/sections/{newsroom.business.pk}/"
    assert [a["slug"] for a in item["authors"]] == ["mara-okafor", "theo-brandt"]
    assert item["authors"][1]["html_url"] == f"{HOST}/authors/theo-brandt/"
    assert item["tags"] == [
        {"name": "City Hall", "slug": "city-hall", "html_url": f"{HOST}/tags/city-hall/"}
    ]
    assert item["published_at"].startswith(budget.published_at.astimezone().strftime("%Y-%m-%d"))
    assert set(item["hero_image"]["renditions"]) == {"16x9", "4x3", "1x1"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("section=business", ["Market hall sold", "Council passes budget"]),
        ("section=news", ["Tarn bridge reopens", "Old harbour survey"]),
        ("tag=city-hall", ["Council passes budget", "Tarn bridge reopens"]),
        ("author=theo-brandt", ["Market hall sold", "Council passes budget"]),
        ("author=mara-okafor&tag=city-hall", ["Council passes budget", "Tarn bridge reopens"]),
        ("section=business&author=mara-okafor", ["Council passes budget"]),
        (
            "order=published_at",
            [
                "Old harbour survey",
                "Tarn bridge reopens",
                "Council passes budget",
                "Market hall sold",
            ],
        ),
        ("order=-published_at&limit=2", ["Market hall sold", "Council passes budget"]),
        ("tag=nothing", []),
        ("section=nowhere", []),
        ("tag=scoop", []),
    ],
)
def test_articles_can_be_filtered_by_section_tag_and_author_and_ordered_by_date(
    client, newsroom, query, expected
):
    assert titles(get(client, f"/api/v2/articles/?{query}")) == expected


def test_an_article_detail_has_its_body_as_safe_html(client, make_article, newsroom):
    body = [
        {"type": "paragraph", "value": "<p>Hello <b>readers</b>.</p>"},
        {"type": "embed", "value": {"title": "x", "html": "<p>ok</p><script>steal()</script>"}},
    ]
    article = make_article(title="With a body", body=body, tags=["Transport"])
    data = get(client, f"/api/v2/articles/{article.pk}/")
    assert data["title"] == "With a body"
    assert data["summary"] == article.dek
    assert "<b>readers</b>" in data["body_html"]
    assert "steal()" not in data["body_html"]
    assert data["meta"]["parent"]["title"] == "News"


def test_drafts_and_unpublished_articles_have_no_detail(client, newsroom):
    get(client, f"/api/v2/articles/{newsroom.draft.pk}/", status=404)
    get(client, f"/api/v2/articles/{newsroom.withdrawn.pk}/", status=404)


def test_privacy_restricted_articles_stay_out_even_for_signed_in_staff(client, newsroom):
    PageViewRestriction.objects.create(page=newsroom.market, restriction_type="login")
    staff = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(staff)
    assert "Market hall sold" not in titles(get(client, "/api/v2/articles/"))
    get(client, f"/api/v2/articles/{newsroom.market.pk}/", status=404)


def test_unknown_parameters_are_refused(client, newsroom):
    assert "message" in get(client, "/api/v2/articles/?colour=red", status=400)


def test_sections_are_listed_with_their_feeds(client, newsroom):
    data = get(client, "/api/v2/sections/")
    assert titles(data) == ["News", "Business"]
    business = data["items"][1]
    assert business["meta"]["html_url"] == f"{HOST}/business/"
    assert business["feeds"]["atom"] == f"{HOST}/feeds/sections/business/atom.xml"


def test_authors_are_listed_and_found_by_slug(client, newsroom, image):
    Author.objects.filter(pk=newsroom.theo.pk).update(photo=image, photo_alt="Theo")
    data = get(client, "/api/v2/authors/")
    assert [a["name"] for a in data["items"]] == ["Mara Okafor", "Theo Brandt"]
    (theo,) = get(client, "/api/v2/authors/?slug=theo-brandt")["items"]
    assert theo["meta"]["html_url"] == f"{HOST}/authors/theo-brandt/"
    detail = get(client, theo["meta"]["detail_url"].removeprefix(HOST))
    assert detail["bio"] == "Covers money."
    assert detail["role"] == "Business Editor"
    assert detail["photo"]["alt"] == "Theo" and detail["photo"]["width"] > 0
    assert detail["feeds"]["rss"] == f"{HOST}/feeds/authors/theo-brandt/rss.xml"


def test_tags_list_only_topics_of_published_articles(client, newsroom):
    data = get(client, "/api/v2/tags/")
    assert [t["slug"] for t in data["items"]] == ["city-hall", "harbour", "transport"]
    detail = get(client, data["items"][0]["meta"]["detail_url"].removeprefix(HOST))
    assert detail["feeds"]["atom"] == f"{HOST}/feeds/tags/city-hall/atom.xml"


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    ["/api/v2/articles/", "/api/v2/articles/?tag=city-hall", "/api/v2/authors/", "/api/v2/tags/"],
)
def test_api_listing_query_counts_do_not_grow_with_the_number_of_items(
    client, newsroom, make_article, image, url
):
    Author.objects.filter(pk=newsroom.theo.pk).update(photo=image, photo_alt="Theo")
    few = _queries(client, url)
    team = [
        Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}", photo=image, photo_alt="x")
        for n in range(3)
    ]
    for n in range(5):
        make_article(title=f"Extra {n}", authors=team, tags=["City Hall", f"extra-{n}"])
    assert _queries(client, url) == few


def test_articles_can_be_searched_within_a_filter(client, newsroom):
    assert titles(get(client, "/api/v2/articles/?search=bridge")) == ["Tarn bridge reopens"]
    assert titles(get(client, "/api/v2/articles/?search=bridge&section=business")) == []
