"""Every parameter of every content API endpoint, given hostile values: never a 5xx.

A bad parameter is the client's mistake: a 400 with a JSON `message`, never a server
error (which would page someone, and can leak a traceback).
"""

from types import SimpleNamespace
from urllib.parse import quote

import pytest

from masthead.news.models import Author

LISTINGS = ["articles", "sections", "authors", "tags"]
PAGE_ENDPOINTS = {"articles", "sections"}

HOSTILE_VALUES = [
    "",
    "0",
    "-1",
    "1.5",
    "1e3",
    "abc",
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 400,
    '"',
    '%22"unbalanced',
    "'; DROP TABLE x; --",
    "a\x00b",
    "\x1b[31m",
    "é漢字🙂",
    "random",
    "-",
    ",",
    "title,-id,nope",
    "*",
    "-*",
    "and",
    "or",
    "AND OR NOT",
    "news.ArticlePage",
    "wagtailcore.Page",
    "auth.User",
    "x" * 5000,
]

# Sent as they are: bytes that are not UTF-8, an encoded NUL, an overlong slash.
RAW_VALUES = ["%FF", "%ED%B3%BF", "%00", "%C0%AF", "%25", "a%26b%3Dc"]
ENCODED_VALUES = [quote(v, safe="") for v in HOSTILE_VALUES] + RAW_VALUES

PARAMETERS = [
    "limit",
    "offset",
    "order",
    "search",
    "search_operator",
    "fields",
    "type",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "translation_of",
    "locale",
    "site",
    "section",
    "tag",
    "tags",
    "author",
    "id",
    "title",
    "slug",
    "name",
    "html_path",
    "format",
    "_",
    "colour",
    "first_published_at",
    "published_at",
    "last_updated_at",
    "reading_time_minutes",
    "show_in_menus",
    "hero_image",
    "alias_of",
    "seo_title",
    "role",
    "photo",
]


@pytest.fixture
def newsroom(make_article, author):
    """Enough to exercise every endpoint: two articles, tags, a second author."""
    Author.objects.create(name="Theo Brandt", slug="theo-brandt")
    bridge = make_article(title="Tarn bridge reopens", tags=["Transport", "City Hall"])
    make_article(title="Market hall sold", tags=["City Hall"])
    make_article(title="Old harbour survey")
    return SimpleNamespace(bridge=bridge)


def server_errors(client, urls) -> list[str]:
    """The URLs (shortened) that made a server error, with what it was."""
    errors = []
    for url in urls:
        try:
            response = client.get(url)  # the test client re-raises a view's exception
        except Exception as error:  # noqa: BLE001  (reported as the server error it is)
            errors.append(f"{url[:100]} raised {error!r:.100}")
            continue
        if response.status_code >= 500:
            errors.append(f"{url[:100]} → {response.status_code}")
        elif response.status_code >= 400 and not isinstance(response.json().get("message"), str):
            errors.append(f"{url[:100]} → {response.status_code} without a message")
    return errors


@pytest.mark.parametrize("endpoint", LISTINGS)
def test_no_value_of_any_listing_parameter_makes_a_server_error(client, newsroom, endpoint):
    urls = [f"/api/v2/{endpoint}/?{p}={v}" for p in PARAMETERS for v in ENCODED_VALUES]
    errors = server_errors(client, urls)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("endpoint", LISTINGS)
def test_the_find_view_and_detail_fields_never_make_a_server_error(client, newsroom, endpoint):
    detail = f"/api/v2/{endpoint}/{newsroom.bridge.pk if endpoint == 'articles' else 1}/"
    urls = [
        url
        for value in ENCODED_VALUES
        for url in [
            f"/api/v2/{endpoint}/find/?html_path={value}",
            f"/api/v2/{endpoint}/find/?id={value}",
            f"{detail}?fields={value}",
            f"{detail}?colour={value}",
        ]
    ]
    errors = server_errors(client, urls)
    assert not errors, "\n".join(errors)


def test_several_hostile_parameters_at_once_make_no_server_error(client, newsroom):
    names = ("limit", "offset", "order", "search", "search_operator", "fields", "tag")
    urls = ["/api/v2/articles/?" + "&".join(f"{n}={v}" for n in names) for v in ENCODED_VALUES]
    errors = server_errors(client, urls)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/articles/99999999999999999999/",
        "/api/v2/articles/9223372036854775808/",
        "/api/v2/sections/2147483648/",
        "/api/v2/authors/99999999999999999999/",
        "/api/v2/tags/99999999999999999999/",
        "/api/v2/articles/0/",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(client, newsroom, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "message" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "search=%22",
        "search=",
        "site=nowhere.example",
        "site=localhost:abc",
        "offset=99999999999999999999",
        "limit=99999999999999999999",
        "search=bridge&search_operator=bad",
        "order=random",
        "order=random&limit=2",
        "limit=-1",
        "offset=-5",
        "limit=abc",
        "fields=*,nope",
        "type=auth.User",
        "type=nonsense",
        "child_of=abc",
        "child_of=99999999999999999999",
        "order=title,nope",
        "limit=1&limit=abc",
    ],
)
def test_known_bad_parameters_get_a_400_with_a_json_message(client, newsroom, query):
    response = client.get(f"/api/v2/articles/?{query}")
    assert response.status_code == 400, (query, response.status_code)
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"]


@pytest.mark.parametrize("endpoint", LISTINGS)
def test_random_order_is_refused_on_every_listing(client, newsroom, endpoint):
    response = client.get(f"/api/v2/{endpoint}/?order=random")
    assert response.status_code == 400
    assert "random" in response.json()["message"]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("search=bridge&search_operator=and", 1),
        ("search=bridge&search_operator=or", 1),
        ("offset=2&limit=1", 1),
        ("offset=50", 0),
        ("limit=2", 2),
        ("search=é漢字", 0),
        ("search=%22bridge", 1),  # an unbalanced quote is ignored, as on the search page
        ("search=%22bridge%22", 1),
        ("tag=é漢字", 0),
    ],
)
def test_good_parameters_still_work(client, newsroom, query, count):
    response = client.get(f"/api/v2/articles/?{query}")
    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) == count
