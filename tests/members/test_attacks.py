"""Raw requests an attacker could send: redirects elsewhere, replayed or raced links,
injected headers, enumeration, fixation, forged account actions, huge bodies, admin."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from masthead.members.models import Member
from masthead.newsletters.models import Newsletter

BAD_NEXT = ["//evil.example/", "/\t/evil.example/", "/\\evil.example", "https://evil.example/",
            " //evil.example", "javascript:alert(1)"]  # fmt: skip


def test_the_link_never_sends_the_reader_to_another_site(ask_link, db, client):
    for target in BAD_NEXT:
        _, link = ask_link(f"ana{len(target)}@calder.example", next=target)
        response = Client().post(link)
        assert (response.status_code, response["Location"]) == (302, "/account/"), target
    assert "evil" not in client.get("/account/sign-in/?next=//evil.example/").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_at_once_on_one_link_sign_in_once(ask_link):
    _, link = ask_link("ana@calder.example")
    barrier, answers = threading.Barrier(2), []

    def click():
        barrier.wait()
        answers.append(Client().post(link).status_code)
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [302, 400]
    assert Member.objects.count() == 1


def test_addresses_carrying_headers_or_control_characters_are_refused(ask_link, db):
    for bad in ["ana@calder.example\r\nBcc: eve@evil.example", "ana@calder.example\nBcc:x@y.z",
                '"ana\x07"@calder.example', '"a\\\r\nb"@calder.example']:  # fmt: skip
        response, link = ask_link(bad)
        assert response.status_code == 400, bad
        assert "Enter an e-mail address" in response.content.decode(), bad
        assert link is None
    assert mail.outbox == []


def test_known_and_unknown_addresses_get_the_same_headers_and_cookies(ask_link, db):
    Member.objects.create(email="known@calder.example")
    known, _ = ask_link("known@calder.example")
    unknown, _ = ask_link("nobody@calder.example")
    assert sorted(known.headers) == sorted(unknown.headers)
    for name in known.headers:
        if name != "Content-Length":
            assert known[name] == unknown[name], name
    assert len(known.content) - len("known") == len(unknown.content) - len("nobody")
    assert not known.cookies and not unknown.cookies


def test_signing_in_gives_a_new_session_key(ask_link, db, client):
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    _, link = ask_link("ana@calder.example")
    client.post(link)
    assert client.cookies["sessionid"].value != planted
    assert client.get("/account/").status_code == 200


def test_forged_account_actions_change_nothing(member_client):
    letter = Newsletter.objects.create(name="Morning briefing", slug="morning")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = member_client.cookies
    forged = [
        ("/account/email/", {"email": "eve@evil.example"}),
        ("/account/newsletters/", {"newsletters": [letter.pk]}),
        ("/account/sign-out/", {}),
        ("/account/delete/", {"confirm": "yes"}),
    ]
    for path, data in forged:
        assert strict.post(path, data).status_code == 403, path
    download = strict.get("/account/data.json", headers={"Sec-Fetch-Site": "cross-site"})
    assert download.status_code == 403 and b"reader@" not in download.content
    assert mail.outbox == []
    assert strict.get("/account/").status_code == 200  # still signed in, same address
    assert "reader@calder.example" in strict.get("/account/").content.decode()


def test_huge_or_crowded_form_bodies_get_a_clear_refusal(client, db):
    huge = client.post("/account/sign-in/", {"email": "a" * 3_000_000 + "@calder.example"})
    crowded = client.post("/account/sign-in/", {f"f{n}": "x" for n in range(2000)})
    assert huge.status_code == crowded.status_code == 400
    assert Member.objects.count() == 0 and mail.outbox == []


def test_a_member_session_never_opens_a_staff_preview(member_client, make_article):
    draft = make_article(title="Embargoed story", publish=False)
    for path in (f"/admin/pages/{draft.pk}/edit/preview/", f"/admin/pages/{draft.pk}/view_draft/",
                 f"/admin/pages/{draft.pk}/"):  # fmt: skip
        response = member_client.get(path)
        assert response.status_code == 302 and "/login/" in response.url, path
