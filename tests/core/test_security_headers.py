"""Content-Security-Policy and Permissions-Policy: strict on reader pages, the admin's own
policy under /admin/, and the same headers on pages the page cache answers."""

import pytest
from django.contrib.auth.models import User

from tests.core.test_page_cache import CountingDjango, wsgi_get


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_reader_policy(header: str) -> None:
    policy = directives(header)
    for name in ("default-src", "script-src", "style-src", "connect-src", "font-src"):
        assert policy[name] == ["'self'"], name
    assert policy["img-src"] == policy["media-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in header and "http" not in header and "*" not in header


@pytest.fixture
def article(make_article):
    return make_article(title="Harbour fire", tags=["Waterfront"])


def test_every_reader_page_carries_the_strict_policy(client, article):
    for url in [article.url, "/", "/news/", "/tags/waterfront/", "/search/?q=fire", "/nowhere/"]:
        response = client.get(url)
        assert_strict_reader_policy(response["Content-Security-Policy"])


def test_every_response_switches_off_unused_browser_features(client, article):
    for url in [article.url, "/admin/login/"]:
        header = client.get(url)["Permissions-Policy"]
        features = dict(item.split("=") for item in header.split(", "))
        for feature in ("camera", "microphone", "geolocation", "interest-cohort", "payment"):
            assert features[feature] == "()", feature


def test_admin_pages_get_the_admin_policy_which_still_allows_no_other_site(client, article):
    client.force_login(User.objects.create_superuser("chief", "c@example.org", "pw"))
    for url in ["/admin/login/", "/admin/", f"/admin/pages/{article.pk}/edit/"]:
        header = client.get(url)["Content-Security-Policy"]
        policy = directives(header)
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert "unsafe-eval" not in header and "http" not in header and "*" not in header


def test_media_sources_extend_only_images_and_audio(client, article, settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": ["'self'", "https://media.example.org"],
        }
    }
    policy = directives(client.get(article.url)["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "https://media.example.org"]
    assert policy["script-src"] == ["'self'"]


def test_cached_pages_carry_the_same_security_headers(client, article, settings):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0
    miss = client.get(article.url)
    hit = client.get(article.url)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options",
                 "Referrer-Policy", "X-Frame-Options"):  # fmt: skip
        assert hit[name] == miss[name], name
    assert_strict_reader_policy(hit["Content-Security-Policy"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_answered_by_the_in_process_cache_carry_the_same_headers(article, settings):
    from masthead.core.page_cache import PageCacheApp

    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    settings.MASTHEAD_PAGE_CACHE_GENERATION_CHECK = 0
    django_app = CountingDjango()
    app = PageCacheApp(django_app)
    first = wsgi_get(app, article.url)[1]
    second = wsgi_get(app, article.url)[1]
    assert django_app.calls == 1
    assert second["X-Cache"] == "HIT"
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]
    assert_strict_reader_policy(second["Content-Security-Policy"])
