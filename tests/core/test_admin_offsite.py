"""The admin makes no requests to other sites: no Gravatar, no update check, every asset
and avatar served by Masthead itself. (The only other-site URLs in its HTML are plain
links to Wagtail's user guide, which a browser fetches only when clicked.)"""

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client

FETCHED = {"src", "srcset", "poster", "data", "action", "formaction", "background"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def offsite(url: str | None) -> bool:
    url = (url or "").strip()
    return url.startswith("//") or (urlsplit(url).scheme in ("http", "https"))


def fetched_urls(html: str) -> list[str]:
    """Every URL in the page that a browser loads without a click."""
    soup = BeautifulSoup(html, "html.parser")
    urls = []
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            if name in FETCHED:
                urls += [part.split()[0] for part in str(value).split(",") if part.strip()]
        if element.name == "link" and element.get("href"):
            urls.append(element["href"])
        if element.name == "meta" and element.get("http-equiv", "").lower() == "refresh":
            urls.append(element.get("content", ""))
    for style in soup.find_all("style"):
        urls += CSS_URL.findall(style.get_text())
    for element in soup.find_all(style=True):
        urls += CSS_URL.findall(element["style"])
    return urls


@pytest.fixture
def chief(client, db):
    user = User.objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(user)
    return user


def test_admin_pages_load_nothing_from_other_sites(client, chief, make_article, image):
    article = make_article(title="Harbour fire")
    pages = ["/admin/", f"/admin/pages/{article.pk}/edit/", f"/admin/pages/{article.pk}/history/",
             "/admin/pages/", "/admin/users/", f"/admin/users/edit/{chief.pk}/", "/admin/account/",
             "/admin/images/", f"/admin/images/{image.pk}/", "/admin/documents/"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "gravatar" not in html.lower(), url
        assert "w-upgrade" not in html, url  # the update check's script controller
        assert [u for u in fetched_urls(html) if offsite(u)] == [], url
        links = BeautifulSoup(html, "html.parser").find_all(href=offsite)
        assert {link.name for link in links} <= {"a"}, url  # clickable links only


def test_the_login_page_loads_nothing_from_other_sites(db):
    html = Client().get("/admin/login/").content.decode()
    assert [u for u in fetched_urls(html) if offsite(u)] == []


def test_staff_avatars_are_served_by_the_site(client, chief):
    html = client.get("/admin/account/").content.decode()
    avatars = BeautifulSoup(html, "html.parser").select("img.avatar, .avatar img")
    assert avatars
    for avatar in avatars:
        assert avatar["src"].startswith(("/static/", "/media/")), avatar["src"]


def test_the_update_check_and_gravatar_are_off(settings):
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
