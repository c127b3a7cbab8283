"""The member's page: separate from staff, data download, deletion, change of address."""

import json

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from masthead.members.models import Member, MemberLink
from masthead.members.sessions import SESSION_KEY

from .conftest import link_in


def test_a_member_session_never_opens_the_admin(member_client):
    for path in ("/admin/", "/admin/pages/", "/django-admin/"):
        response = member_client.get(path)
        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            assert "/login/" in response.url, path
    assert member_client.get("/account/").status_code == 200


def test_a_staff_session_is_not_a_member_and_a_staff_sign_in_drops_the_member(member_client, db):
    staff = User.objects.create_superuser("desk", "desk@calder.example", "pw-123456789")
    staff_only = Client()
    staff_only.force_login(staff)
    response = staff_only.get("/account/")
    assert response.status_code == 302 and response.url.startswith("/account/sign-in/")
    member_client.force_login(staff)  # the same browser signs in to the admin
    assert SESSION_KEY not in member_client.session
    assert member_client.get("/account/").status_code == 302


def test_a_member_signing_in_signs_staff_out_of_that_browser(ask_link, client, db):
    staff = User.objects.create_superuser("desk", "desk@calder.example", "pw-123456789")
    client.force_login(staff)
    _, path = ask_link("desk-reader@calder.example")
    client.post(path)
    assert client.get("/account/").status_code == 200
    assert client.get("/admin/").status_code == 302  # the staff sign-in is gone


def test_signing_out_needs_a_post_and_ends_the_member_session(member_client):
    assert member_client.get("/account/sign-out/").status_code == 405
    assert member_client.post("/account/sign-out/").status_code == 302
    assert member_client.get("/account/").status_code == 302


def test_the_data_download_holds_the_member_and_their_links(member_client, ask_link):
    ask_link("reader@calder.example", using=Client())
    response = member_client.get("/account/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["member"]["email"] == "reader@calder.example"
    assert [link["sent_to"] for link in data["links"]] == ["reader@calder.example"]
    assert "newsletters" in data
    assert Client().get("/account/data.json").status_code == 302  # not signed in


def test_deleting_the_account_needs_confirmation_and_erases_everything(member_client, ask_link):
    ask_link("reader@calder.example", using=Client())
    assert member_client.post("/account/delete/", {}).status_code == 400
    assert Member.objects.exists()
    response = member_client.post("/account/delete/", {"confirm": "yes"})
    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()
    assert not Member.objects.exists()
    assert not MemberLink.objects.exists()
    assert member_client.get("/account/").status_code == 302


def test_a_new_address_takes_effect_only_when_its_link_is_opened(
    member_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post("/account/email/", {"email": "New@Calder.example"})
    assert response.status_code == 302
    member = member_client.member
    member.refresh_from_db()
    assert member.email == "reader@calder.example"
    (message,) = mail.outbox
    assert message.to == ["new@calder.example"]
    path = link_in(message.body)
    assert "Use new@calder.example" in member_client.get(path).content.decode()
    assert member_client.post(path).status_code == 302
    member.refresh_from_db()
    assert member.email == "new@calder.example"
    account = member_client.get("/account/").content.decode()
    assert "Your address is now new@calder.example" in account
    assert member_client.post(path).status_code == 400  # once only


def test_a_new_address_that_is_bad_or_taken_is_refused_clearly(
    member_client, django_capture_on_commit_callbacks
):
    bad = member_client.post("/account/email/", {"email": "nope"})
    assert bad.status_code == 400 and "Enter an e-mail address" in bad.content.decode()
    Member.objects.create(email="taken@calder.example")
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/account/email/", {"email": "taken@calder.example"})
    response = member_client.post(link_in(mail.outbox[-1].body))
    assert response.status_code == 409
    assert "belongs to another membership" in response.content.decode()
    member_client.member.refresh_from_db()
    assert member_client.member.email == "reader@calder.example"


def test_account_forms_refuse_a_cross_site_post(member_client):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = member_client.cookies
    assert strict.post("/account/delete/", {"confirm": "yes"}).status_code == 403
    assert Member.objects.exists()
