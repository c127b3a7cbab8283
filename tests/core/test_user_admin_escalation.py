"""An Admin-group member (not a superuser) cannot raise anyone's rights through crafted
POSTs to Settings → Users: no superusers made, none edited, deleted or re-passworded, no
group with more rights than their own given to anyone, themselves included."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

PASSWORD = "a-Long-and-unusual-passphrase-42"


def member_of(group: str, username: str, **fields) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "old-pass", **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_member(db, client):
    user = member_of("Admin", "office")
    client.force_login(user)
    return user


@pytest.fixture
def boss(db):
    return User.objects.create_superuser("boss", "boss@example.org", "boss-pass")


@pytest.fixture
def owners(db):
    """A group with rights the Admin group does not have (managing groups)."""
    group = Group.objects.create(name="Owners")
    group.permissions.add(Permission.objects.get(codename="change_group"))
    return group


def denied(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def account_fields(username: str, **extra) -> dict:
    return {
        "username": username,
        "email": f"{username}@example.org",
        "first_name": "Pat",
        "last_name": "Lee",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "is_active": "on",
        **extra,
    }


def test_an_admin_member_creating_a_user_with_is_superuser_gets_an_ordinary_user(
    client, admin_member
):
    response = client.post(
        reverse("wagtailusers_users:add"), account_fields("sneaky", is_superuser="on")
    )
    assert response.status_code == 302
    created = User.objects.get(username="sneaky")
    assert created.is_superuser is False


def test_the_add_user_form_offers_no_administrator_box_to_an_admin_member(client, admin_member):
    html = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert 'name="is_superuser"' not in html


def test_a_superuser_can_still_create_a_superuser(client, boss):
    client.force_login(boss)
    response = client.post(
        reverse("wagtailusers_users:add"), account_fields("deputy", is_superuser="on")
    )
    assert response.status_code == 302
    assert User.objects.get(username="deputy").is_superuser is True


def test_an_admin_member_cannot_open_or_post_a_superusers_edit_form(client, admin_member, boss):
    url = reverse("wagtailusers_users:edit", args=[boss.pk])
    assert denied(client.get(url))
    assert denied(client.post(url, account_fields("boss", email="attacker@example.org")))
    boss.refresh_from_db()
    assert boss.email == "boss@example.org"
    assert boss.check_password("boss-pass")
    assert not boss.check_password(PASSWORD)


def test_an_admin_member_cannot_delete_a_superuser(client, admin_member, boss):
    url = reverse("wagtailusers_users:delete", args=[boss.pk])
    assert denied(client.post(url))
    assert User.objects.filter(pk=boss.pk).exists()


def test_an_admin_member_cannot_make_themselves_superuser(client, admin_member):
    url = reverse("wagtailusers_users:edit", args=[admin_member.pk])
    response = client.post(url, account_fields("office", is_superuser="on", groups=[]))
    assert response.status_code == 302
    admin_member.refresh_from_db()
    assert admin_member.is_superuser is False


def test_an_admin_member_cannot_make_a_colleague_superuser(client, admin_member):
    colleague = member_of("Reporter", "colleague")
    url = reverse("wagtailusers_users:edit", args=[colleague.pk])
    reporter = Group.objects.get(name="Reporter")
    response = client.post(
        url, account_fields("colleague", is_superuser="on", groups=[reporter.pk])
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_superuser is False
    assert list(colleague.groups.values_list("name", flat=True)) == ["Reporter"]


def test_an_admin_member_cannot_put_themselves_in_a_group_with_more_rights(
    client, admin_member, owners
):
    url = reverse("wagtailusers_users:edit", args=[admin_member.pk])
    admin = Group.objects.get(name="Admin")
    response = client.post(url, account_fields("office", groups=[admin.pk, owners.pk]))
    assert response.status_code == 200  # the form comes back with an error
    assert "owners" not in {g.name.lower() for g in admin_member.groups.all()}


def test_an_admin_member_cannot_edit_or_reset_the_password_of_a_user_with_more_rights(
    client, admin_member, owners
):
    owner = User.objects.create_user("owner", "owner@example.org", "owner-pass")
    owner.groups.add(owners)
    url = reverse("wagtailusers_users:edit", args=[owner.pk])
    assert denied(client.post(url, account_fields("owner")))
    owner.refresh_from_db()
    assert owner.check_password("owner-pass")


def test_an_admin_member_can_manage_a_reporter_and_give_the_editor_role(client, admin_member):
    reporter = member_of("Reporter", "cub")
    editor = Group.objects.get(name="Editor")
    url = reverse("wagtailusers_users:edit", args=[reporter.pk])
    response = client.post(url, account_fields("cub", groups=[editor.pk]))
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert list(reporter.groups.values_list("name", flat=True)) == ["Editor"]
    assert reporter.check_password(PASSWORD)


def test_the_group_choices_leave_out_groups_with_more_rights(client, admin_member, owners):
    html = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert "Editor" in html
    assert f'value="{owners.pk}"' not in html


def bulk_url(action: str) -> str:
    return reverse("wagtail_bulk_action", args=["auth", "user", action])


def test_the_bulk_assign_role_action_cannot_give_a_group_with_more_rights(
    client, admin_member, owners
):
    url = bulk_url("assign_role") + f"?id={admin_member.pk}"
    client.post(url, {"role": owners.pk})
    assert not admin_member.groups.filter(pk=owners.pk).exists()


def test_the_bulk_actions_leave_superusers_alone(client, admin_member, boss):
    client.post(bulk_url("set_active_state") + f"?id={boss.pk}", {"mark_as_active": "False"})
    client.post(bulk_url("delete") + f"?id={boss.pk}")
    boss.refresh_from_db()
    assert boss.is_active is True


def test_the_bulk_assign_role_action_still_works_within_the_admins_rights(client, admin_member):
    cub = member_of("Reporter", "cub")
    editor = Group.objects.get(name="Editor")
    client.post(bulk_url("assign_role") + f"?id={cub.pk}", {"role": editor.pk})
    assert cub.groups.filter(pk=editor.pk).exists()
