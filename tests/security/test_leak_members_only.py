"""A members-only article's full text reaches members only: feeds, the API, the podcast
and the narration files give readers and machines the preview, never the rest, while the
article stays listed everywhere (only the body is gated)."""

import json

import pytest
from lxml import etree

from masthead.members.models import Member
from masthead.members.sessions import SESSION_KEY
from masthead.news.models import SectionPage

from .test_leak_matrix import narrate

OPEN = "The council met on Tuesday."
CLOSED = "Only members read this sentence."


@pytest.fixture(params=["article", "section"])
def members_only(request, make_article, settings, home):
    """A members-only article: by its own level, or by its section's default."""
    settings.MASTHEAD_FEED_CONTENT = "full"
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in (OPEN, "More.", CLOSED)]
    if request.param == "article":
        article = make_article(title="Harbour ledger", body=body, access_level="members")
    else:
        members = home.add_child(
            instance=SectionPage(title="Members corner", slug="members", access_level="members")
        )
        members.save_revision().publish()
        article = make_article(title="Harbour ledger", body=body, parent=members)
    control = make_article(title="Open harbour report")
    return article, narrate(article), narrate(control)


def signed_in(client):
    member = Member.objects.create(email="reader@calder.example")
    session = client.session
    session[SESSION_KEY] = member.pk
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


SINKS = ["/feeds/rss.xml", "/feeds/atom.xml", "/api/v2/articles/"]


@pytest.mark.parametrize("as_member", [False, True], ids=["reader", "member"])
def test_feeds_and_the_api_list_the_article_with_its_preview_only(client, members_only, as_member):
    article, _, _ = members_only
    if as_member:
        signed_in(client)
    for url in SINKS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        if url.startswith("/feeds/"):
            etree.fromstring(response.content)
            assert OPEN in text, url  # the full-content feed carries the preview
        assert "Harbour ledger" in text, url  # still listed
        assert CLOSED not in text, url
    detail = client.get(f"/api/v2/articles/{article.pk}/").json()
    assert OPEN in detail["body_html"] and CLOSED not in detail["body_html"]
    assert CLOSED not in json.dumps(client.get("/api/v2/articles/?search=members").json())


def test_the_narration_is_not_in_the_podcast_nor_downloadable_by_readers(client, members_only):
    article, audio, control_audio = members_only
    podcast = client.get("/podcast.xml").content.decode()
    assert audio not in podcast and control_audio in podcast
    page = client.get(article.url).content.decode()
    assert audio not in page  # no player under the wall
    timings = audio.replace(".mp3", ".json")
    assert client.get(f"/media/{audio}").status_code == 404
    assert client.get(f"/media/{timings}").status_code == 404
    assert client.get(f"/media/{control_audio}").status_code == 200


def test_a_member_hears_the_narration_privately(client, members_only):
    article, audio, _ = members_only
    signed_in(client)
    assert audio in client.get(article.url).content.decode()
    for name in (audio, audio.replace(".mp3", ".json")):
        response = client.get(f"/media/{name}")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
