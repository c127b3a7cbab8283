"""Every kind of view restriction against every place a reader could find an article.

An article behind a password, a sign-in or a group (on itself, or on its section) is
served only at its own URL, behind that check. Everywhere else a reader looks (pages,
rails, cards, search, feeds, the podcast, sitemaps, the API, media files, the view
beacon) it is absent, while a visible article in the same spot is present: the matrix
runs real HTTP requests through Django's test client.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from lxml import etree
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from masthead.audience.live import live_articles
from masthead.audience.models import DailyArticleViews, ReadAlsoPick
from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.narration.models import Narration
from masthead.news.models import Author, Correction, SectionPage

SECRET = "Lighthouse secret ledger"
CONTROL = "Lighthouse harbour report"
HOST = "Lighthouse host column"
SECRET_BODY = "Only members read this sentence."
KINDS = [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS]
SCOPES = ["article", "section"]
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@dataclass
class Newsroom:
    secret: object
    control: object
    host: object
    secret_section: SectionPage
    hidden_author: Author
    secret_audio: str
    control_audio: str
    private_document: object
    public_document: object


def narrate(article, audio: bytes = b"ID3 audio") -> str:
    name = default_storage.save(f"narration/{article.pk}-0123456789ab.mp3", ContentFile(audio))
    timings = default_storage.save(f"narration/{article.pk}-0123456789ab.json", ContentFile(b"{}"))
    Narration.objects.update_or_create(
        article=article,
        defaults={
            "audio": name,
            "timings": timings,
            "audio_size": len(audio),
            "duration": 3.0,
            "status": Narration.Status.READY,
            "text_hash": "0123456789abcdef",
            "audio_updated_at": timezone.now(),
        },
    )
    return name


def restrict(target, kind: str, restriction_model=PageViewRestriction, field="page"):
    restriction = restriction_model.objects.create(
        **{field: target},
        restriction_type=kind,
        password="opensesame" if kind == "password" else "",
    )
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.get_or_create(name="Subscribers")[0])
    return restriction


@pytest.fixture
def newsroom(request, make_article, home, section, author) -> Newsroom:
    kind, scope = request.param
    hidden_author = Author.objects.create(name="Hidden Byline", slug="hidden-byline")
    members = home.add_child(instance=SectionPage(title="Members corner", slug="members"))
    members.save_revision().publish()
    secret = make_article(
        title=SECRET,
        slug="secret-ledger",
        parent=members if scope == "section" else section,
        authors=[author, hidden_author],
        tags=["harbour-life", "secret-topic"],
        body=[{"type": "paragraph", "value": f"<p>{SECRET_BODY} Lighthouse.</p>"}],
    )
    control = make_article(
        title=CONTROL, slug="harbour-report", tags=["harbour-life"], authors=[author]
    )
    # Linked from the host's body (a body's links are left out of its "Read also").
    neighbour = make_article(title=f"{CONTROL}, part two", authors=[author])
    host = make_article(
        title=HOST,
        authors=[author],
        body=[
            {"type": "paragraph", "value": "<p>Lighthouse column.</p>"},
            {"type": "related", "value": {"article": secret.pk}},
            {"type": "related", "value": {"article": neighbour.pk}},
        ],
    )
    ReadAlsoPick.objects.create(page=host, article=secret, sort_order=0)
    ReadAlsoPick.objects.create(page=host, article=control, sort_order=1)
    picks = EditorsPicks.load()
    EditorsPick.objects.create(collection=picks, article=secret, sort_order=0)
    EditorsPick.objects.create(collection=picks, article=control, sort_order=1)
    today = timezone.localdate()
    DailyArticleViews.objects.create(article=secret, day=today, views=500)
    DailyArticleViews.objects.create(article=control, day=today, views=50)
    DailyArticleViews.objects.create(article=host, day=today - timedelta(days=1), views=5)
    for article in (secret, control):
        Correction.objects.create(page=article, kind="correction", text="A name was misspelled.",
                                  date=timezone.now())  # fmt: skip

    restrict(members if scope == "section" else secret, kind)
    private_collection = Collection.get_first_root_node().add_child(name="Members files")
    restrict(private_collection, kind, CollectionViewRestriction, field="collection")
    document_model = get_document_model()
    private_document = document_model.objects.create(
        title="Members memo",
        file=ContentFile(b"members only", name="members-memo.txt"),
        collection=private_collection,
    )
    public_document = document_model.objects.create(
        title="Public memo", file=ContentFile(b"for everyone", name="public-memo.txt")
    )
    live_articles.forget()
    return Newsroom(
        secret=secret,
        control=control,
        host=host,
        secret_section=members,
        hidden_author=hidden_author,
        secret_audio=narrate(secret),
        control_audio=narrate(control),
        private_document=private_document,
        public_document=public_document,
    )


# --- the sinks -------------------------------------------------------------------------
# Each returns the text a reader gets and whether the visible control article belongs in
# it; the check is the same for every sink: the secret title and URL are absent.


def html_region(client, url: str, selector: str | None = None) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    if selector is None:
        return response.content.decode()
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.select(selector)
    assert found, f"{selector} not on {url}"
    return " ".join(str(node) for node in found)


def xml_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    etree.fromstring(response.content)  # well-formed
    return response.content.decode()


def api_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return json.dumps(response.json())


SINKS = {
    "home page": lambda c, n: html_region(c, "/"),
    "home page, most popular": lambda c, n: html_region(c, "/", ".most-popular"),
    "home page, editors' picks": lambda c, n: html_region(c, "/", ".editors-picks"),
    "section listing": lambda c, n: html_region(c, n.control.get_parent().url),
    "tag listing": lambda c, n: html_region(c, "/tags/harbour-life/"),
    "author listing": lambda c, n: html_region(c, "/authors/mara-okafor/"),
    "search": lambda c, n: html_region(c, "/search/?q=lighthouse"),
    "article page, most popular": lambda c, n: html_region(c, n.host.url, ".most-popular"),
    "article page, editors' picks": lambda c, n: html_region(c, n.host.url, ".editors-picks"),
    "article page, read also": lambda c, n: html_region(c, n.host.url, ".read-also"),
    "related-article card in a body": lambda c, n: html_region(
        c, n.host.url, ".article-body aside.related-card"
    ),
    "corrections page": lambda c, n: html_region(c, "/corrections/", ".corrections-list"),
    "RSS feed": lambda c, n: xml_text(c, "/feeds/rss.xml"),
    "Atom feed": lambda c, n: xml_text(c, "/feeds/atom.xml"),
    "tag feed": lambda c, n: xml_text(c, "/feeds/tags/harbour-life/rss.xml"),
    "author feed": lambda c, n: xml_text(c, "/feeds/authors/mara-okafor/atom.xml"),
    "podcast": lambda c, n: xml_text(c, "/podcast.xml"),
    "sitemap of articles": lambda c, n: xml_text(c, "/sitemap-articles.xml"),
    "news sitemap": lambda c, n: xml_text(c, "/news-sitemap.xml"),
    "API articles": lambda c, n: api_text(c, "/api/v2/articles/"),
    "API articles, search": lambda c, n: api_text(c, "/api/v2/articles/?search=lighthouse"),
    "API articles of a tag": lambda c, n: api_text(c, "/api/v2/articles/?tag=harbour-life"),
    "API article body with related cards": lambda c, n: api_text(
        c, f"/api/v2/articles/{n.host.pk}/"
    ),
}


def absent_from(text: str, newsroom: Newsroom) -> list[str]:
    secret = newsroom.secret
    return [needle for needle in (secret.title, secret.url, secret.slug) if needle in text]


MATRIX = [
    pytest.param((kind, scope), id=f"{kind}-on-{scope}") for kind in KINDS for scope in SCOPES
]


@pytest.mark.parametrize("newsroom", MATRIX, indirect=True)
def test_a_restricted_article_is_in_no_listing_rail_card_feed_sitemap_or_api(client, newsroom):
    leaks, missing = {}, []
    for name, sink in SINKS.items():
        text = sink(client, newsroom)
        if found := absent_from(text, newsroom):
            leaks[name] = found
        if CONTROL not in text and newsroom.control.url not in text:
            missing.append(name)
    assert leaks == {}
    assert missing == []  # each sink really lists a visible article


@pytest.mark.parametrize("newsroom", MATRIX, indirect=True)
def test_a_restricted_article_page_shows_nothing_before_the_check(client, newsroom):
    response = client.get(newsroom.secret.url)
    text = response.content.decode()
    assert SECRET_BODY not in text
    assert newsroom.secret_audio not in text
    if newsroom.secret.get_view_restrictions().first().restriction_type == "password":
        assert response.status_code == 200  # Wagtail's password form
    else:
        assert response.status_code == 302  # to the sign-in page
    # and the control article is served to anyone
    assert CONTROL in client.get(newsroom.control.url).content.decode()


@pytest.mark.parametrize("newsroom", MATRIX, indirect=True)
def test_the_restricted_article_tags_authors_and_section_stay_out_of_sitemaps_and_api(
    client, newsroom
):
    topics = xml_text(client, "/sitemap-topics.xml")
    assert "/tags/secret-topic/" not in topics
    assert "/tags/harbour-life/" in topics
    authors = xml_text(client, "/sitemap-authors.xml")
    assert "/authors/hidden-byline/" not in authors
    assert "/authors/mara-okafor/" in authors
    tags_api = api_text(client, "/api/v2/tags/")
    assert "secret-topic" not in tags_api and "harbour-life" in tags_api
    authors_api = api_text(client, "/api/v2/authors/")
    assert "hidden-byline" not in authors_api and "mara-okafor" in authors_api
    assert client.get(f"/api/v2/articles/{newsroom.secret.pk}/").status_code == 404
    assert client.get(f"/api/v2/articles/{newsroom.control.pk}/").status_code == 200
    sections_api = api_text(client, "/api/v2/sections/")
    pages = xml_text(client, "/sitemap-pages.xml")
    if newsroom.secret_section.get_view_restrictions().exists():
        assert "Members corner" not in sections_api
        assert newsroom.secret_section.url not in pages
    assert "News" in sections_api


@pytest.mark.parametrize("newsroom", MATRIX, indirect=True)
def test_restricted_narration_and_documents_are_not_downloadable_anonymously(client, newsroom):
    secret_timings = newsroom.secret_audio.replace(".mp3", ".json")
    assert client.get(f"/media/{newsroom.secret_audio}").status_code == 404
    assert client.get(f"/media/{secret_timings}").status_code == 404
    control = client.get(f"/media/{newsroom.control_audio}")
    assert control.status_code == 200
    assert control["Cache-Control"].startswith("public")

    private, public = newsroom.private_document, newsroom.public_document
    assert client.get(f"/media/{private.file.name}").status_code == 404
    assert client.get(f"/media/{public.file.name}").status_code == 404  # only via /documents/
    refused = client.get(private.url)
    assert b"members only" not in b"".join(getattr(refused, "streaming_content", [refused.content]))
    served = client.get(public.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"for everyone"


@pytest.mark.parametrize("newsroom", MATRIX, indirect=True)
def test_the_beacon_does_not_count_a_restricted_article(client, newsroom):
    def beacon(article):
        return client.post(
            "/_audience/view",
            data=json.dumps({"beacon": "masthead-view/1", "article": article.pk}),
            content_type="text/plain;charset=UTF-8",
            HTTP_USER_AGENT=BROWSER_UA,
            REMOTE_ADDR="203.0.113.9",
        )

    def views(article) -> int:
        return sum(
            DailyArticleViews.objects.filter(article=article).values_list("views", flat=True)
        )

    before = views(newsroom.secret)
    assert beacon(newsroom.secret).status_code == 404
    assert views(newsroom.secret) == before
    assert beacon(newsroom.control).status_code == 204
    assert views(newsroom.control) == 51


# --- readers who passed the check ----------------------------------------------------------


@pytest.mark.parametrize(
    "newsroom", [pytest.param(("password", "article"), id="password")], indirect=True
)
def test_a_reader_who_gave_the_password_reads_and_hears_the_article_privately(client, newsroom):
    restriction = newsroom.secret.get_view_restrictions().first()
    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{newsroom.secret.pk}/",
        {"password": "opensesame", "return_url": newsroom.secret.url},
    )
    assert response.status_code == 302
    page = client.get(newsroom.secret.url).content.decode()
    assert SECRET_BODY in page
    assert newsroom.secret_audio in page  # the player on the page itself stays
    audio = client.get(f"/media/{newsroom.secret_audio}")
    assert audio.status_code == 200
    assert "private" in audio["Cache-Control"] and "public" not in audio["Cache-Control"]
    # Still listed nowhere: what a reader may see does not depend on who asks.
    assert SECRET not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "newsroom", [pytest.param(("login", "section"), id="login")], indirect=True
)
def test_a_signed_in_reader_gets_a_private_document_never_publicly_cached(
    client, newsroom, django_user_model
):
    user = django_user_model.objects.create_user(username="reader", password="pw-123456789")
    client.force_login(user)
    response = client.get(newsroom.private_document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"members only"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    audio = client.get(f"/media/{newsroom.secret_audio}")
    assert audio.status_code == 200
    assert "private" in audio["Cache-Control"]
