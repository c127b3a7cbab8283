"""Sign-in by e-mailed link: through a real SMTP server, once only, for a limited time,
refused when tampered with, and the same answer for every address."""

import time
from types import SimpleNamespace

from django.core import signing
from django.test import Client

from masthead.members.models import Member, MemberLink
from tests.mail_server import body_text

from .conftest import link_in


def test_a_reader_signs_up_through_the_emailed_link_and_lands_on_their_account(
    client,
    db,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/account/sign-in/", {"email": " Ana.Reader@Calder.example "})
    assert sent.status_code == 200
    assert "Check your inbox" in sent.content.decode()
    assert not Member.objects.exists()  # nobody is a member before clicking
    (message,) = smtp_server.messages
    assert message["To"] == "ana.reader@calder.example"
    assert "sign-in link" in message["Subject"]
    path = link_in(body_text(message))
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "Sign in as ana.reader@calder.example" in confirm.content.decode()
    assert not sent.cookies and not confirm.cookies  # no cookie before signing in
    signed_in = client.post(path)
    assert signed_in.status_code == 302 and signed_in.url == "/account/"
    account = client.get("/account/")
    assert "Signed in as <strong>ana.reader@calder.example</strong>" in account.content.decode()
    member = Member.objects.get()
    assert member.email == "ana.reader@calder.example" and member.last_sign_in_at is not None


def test_a_link_signs_in_once_and_a_second_click_is_refused_with_a_new_link_form(ask_link, db):
    _, path = ask_link("once@calder.example")
    assert Client().post(path).status_code == 302
    again = Client().post(path)
    assert again.status_code == 400
    page = again.content.decode()
    assert "This link has been used already." in page
    assert 'action="/account/sign-in/"' in page  # a way to ask for a new one
    assert "once@calder.example" not in Client().get(path).content.decode()


def test_an_expired_link_is_refused(ask_link, db, monkeypatch, settings):
    settings.MASTHEAD_MEMBERS_LINK_MAX_AGE = 600
    _, path = ask_link("late@calder.example")
    later = SimpleNamespace(time=lambda: time.time() + 601)
    monkeypatch.setattr(signing, "time", later)
    response = Client().post(path)
    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()
    assert not Member.objects.exists()


def test_a_tampered_or_made_up_link_is_refused(ask_link, db):
    _, path = ask_link("tamper@calder.example")
    token = path.split("/")[-2]
    link_id = MemberLink.objects.get().pk
    forged = signing.dumps({"l": link_id, "n": "guessed"}, salt="masthead.members.link")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", forged):
        response = Client().post(f"/account/sign-in/{bad}/")
        assert response.status_code == 400, bad
        assert "This link is not valid." in response.content.decode()
    assert not Member.objects.exists()
    assert Client().post(path).status_code == 302  # the real one still works


def test_known_and_unknown_addresses_get_the_same_answer(ask_link, db):
    Member.objects.create(email="known@calder.example")
    known, known_link = ask_link("known@calder.example")
    unknown, unknown_link = ask_link("nobody@calder.example")
    assert known.status_code == unknown.status_code == 200
    same = known.content.decode().replace("known@", "X@")
    assert same == unknown.content.decode().replace("nobody@", "X@")
    assert known_link and unknown_link  # both get a link: sign-in and sign-up are one form
    assert not known.cookies and not unknown.cookies


def test_a_bad_address_gets_a_clear_message_and_no_email(ask_link, db):
    response, link = ask_link("not-an-address")
    assert response.status_code == 400
    assert "Enter an e-mail address" in response.content.decode()
    assert link is None
    response, link = ask_link("a" * 300 + "@calder.example")
    assert response.status_code == 400 and link is None


def test_links_are_limited_per_address_and_per_client(ask_link, db, settings):
    settings.MASTHEAD_MEMBERS_LINKS_PER_ADDRESS = 2
    settings.MASTHEAD_MEMBERS_LINKS_PER_CLIENT = 4
    answers = [ask_link("flood@calder.example") for _ in range(3)]
    assert [r.status_code for r, _ in answers] == [200, 200, 200]
    assert [bool(link) for _, link in answers] == [True, True, False]  # same page, no e-mail
    assert answers[2][0].content == answers[0][0].content
    assert ask_link("other@calder.example")[0].status_code == 200
    refused, link = ask_link("third@calder.example")
    assert refused.status_code == 429 and link is None
    assert "try again later" in refused.content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert ask_link("third@calder.example", using=elsewhere)[1] is not None


def test_the_link_returns_the_reader_to_the_article_but_never_to_another_site(ask_link, db):
    _, path = ask_link("back@calder.example", next="/news/some-story/")
    assert Client().post(path).url == "/news/some-story/"
    _, path = ask_link("away@calder.example", next="//evil.example/")
    assert Client().post(path).url == "/account/"


def test_another_site_cannot_post_a_link_or_the_form_for_a_visitor(ask_link, db):
    _, path = ask_link("victim@calder.example")
    evil = {"HTTP_ORIGIN": "https://evil.example"}
    assert Client().post(path, **evil).status_code == 403
    form = Client().post("/account/sign-in/", {"email": "x@calder.example"}, **evil)
    assert form.status_code == 403
    assert not Member.objects.exists()
    assert Client().post(path, HTTP_ORIGIN="http://testserver").status_code == 302


def test_the_sign_in_form_is_never_stored_in_the_page_cache(client, db, settings):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    client.get("/account/sign-in/?next=/somewhere/")
    response = client.get("/account/sign-in/")
    assert "X-Cache" not in response and "/somewhere/" not in response.content.decode()
    assert not response.cookies
