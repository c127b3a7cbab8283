"""The Members screen: Admins list, search, export and delete members; editors and
reporters are refused on every URL, raw POSTs too."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User

from masthead.members.models import Member, MemberLink
from masthead.newsletters.models import Newsletter, Subscriber, Subscription


def staff(client, group: str):
    user = User.objects.create_user(group.lower(), f"{group}@calder.example", "pw")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def members(db):
    ana = Member.objects.create(email="ana@calder.example")
    Member.objects.create(email="=cmd@calder.example")
    letter = Newsletter.objects.create(name="Morning briefing", slug="morning")
    subscriber = Subscriber.objects.create(email=ana.email)
    Subscription.objects.create(subscriber=subscriber, newsletter=letter, status="confirmed")
    MemberLink.objects.create(purpose="sign-in", email=ana.email, member=ana)
    return ana


def test_an_admin_lists_searches_exports_and_deletes_members(client, members):
    staff(client, "Admin")
    listing = client.get("/admin/members/").content.decode()
    assert "ana@calder.example" in listing and "=cmd@calder.example" in listing
    found = client.get("/admin/members/?q=ANA").content.decode()
    assert "ana@calder.example" in found and "=cmd@" not in found
    rows = list(csv.reader(io.StringIO(client.get("/admin/members/export.csv").content.decode())))
    assert rows[0] == ["email", "joined", "last_sign_in", "newsletters"]
    by_email = {row[0]: row for row in rows[1:]}
    assert by_email["ana@calder.example"][3] == "1"
    assert "'=cmd@calder.example" in by_email  # no formula for spreadsheets
    assert "Yes, delete" in client.get(f"/admin/members/{members.pk}/delete/").content.decode()
    response = client.post(f"/admin/members/{members.pk}/delete/")
    assert response.status_code == 302
    assert not Member.objects.filter(email="ana@calder.example").exists()
    assert not Subscription.objects.filter(subscriber__email="ana@calder.example").exists()
    assert not MemberLink.objects.filter(email="ana@calder.example").exists()


@pytest.mark.parametrize("group", ["Editor", "Reporter"])
def test_editors_and_reporters_are_refused_everywhere(client, members, group):
    staff(client, group)
    for url in ("/admin/members/", "/admin/members/export.csv",
                f"/admin/members/{members.pk}/delete/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"ana@calder.example" not in response.content
    assert client.post(f"/admin/members/{members.pk}/delete/").status_code == 403
    assert Member.objects.filter(pk=members.pk).exists()
    assert "/admin/members/" not in client.get("/admin/").content.decode()
