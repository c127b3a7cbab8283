"""Two-step sign-in (TOTP, django-otp) with MASTHEAD_OTP on: superusers must confirm an
authenticator, anyone with one is asked for its code, codes come from the device's key."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture(autouse=True)
def otp_on(settings):
    settings.MASTHEAD_OTP = True


def code_for(key: bytes, device: TOTPDevice | None = None) -> str:
    return f"{totp(key, step=30, t0=0, digits=6, drift=device.drift if device else 0):06d}"


def wrong_code(key: bytes) -> str:
    """A code that is not the current one (nor the ones either side, which TOTP accepts)."""
    near = {int(code_for(key)), *(totp(key, drift=d) for d in (-1, 1))}
    return f"{next(n for n in range(1000000) if n not in near):06d}"


def signed_in(username: str, password: str) -> Client:
    client = Client()
    assert (
        client.post("/admin/login/", {"username": username, "password": password}).status_code
        == 302
    )
    return client


@pytest.fixture
def chief(db):
    return User.objects.create_superuser("chief", "chief@example.org", "chief-pass-1")


@pytest.fixture
def reporter(db):
    user = User.objects.create_user("cub", "cub@example.org", "cub-pass-1")
    user.groups.add(Group.objects.get(name="Reporter"))
    return user


@pytest.fixture
def no_back_off(settings):
    """A wrong code makes django-otp refuse the next for a while (doubling each time);
    these tests send a right code straight after a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_a_superuser_without_an_authenticator_must_set_one_up_before_the_admin_opens(
    chief, no_back_off
):
    client = signed_in("chief", "chief-pass-1")
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/")
    html = client.get(response["Location"]).content.decode()
    secret = re.search(r'id="otp-secret">([A-Z2-7=]+)<', html).group(1)
    key = b32decode(secret)
    assert TOTPDevice.objects.get(user=chief, confirmed=False).bin_key == key

    response = client.post(
        "/admin/2fa/setup/", {"otp_token": wrong_code(key), "next": "/admin/pages/"}
    )
    assert response.status_code == 200 and "not right" in response.content.decode()
    response = client.post(
        "/admin/2fa/setup/", {"otp_token": code_for(key), "next": "/admin/pages/"}
    )
    assert response["Location"] == "/admin/pages/"
    assert TOTPDevice.objects.get(user=chief).confirmed
    assert client.get("/admin/pages/").status_code == 200


def test_a_superuser_with_an_authenticator_is_asked_for_the_code_after_the_password(
    chief, no_back_off
):
    device = TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    client = signed_in("chief", "chief-pass-1")
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/2fa/verify/")
    assert client.get("/admin/users/")["Location"].startswith("/admin/2fa/verify/")
    # A new device cannot be added to skip the old one.
    assert client.get("/admin/2fa/setup/")["Location"].startswith("/admin/2fa/verify/")

    response = client.post(
        "/admin/2fa/verify/", {"otp_token": wrong_code(device.bin_key), "next": "/admin/"}
    )
    assert "not right" in response.content.decode()
    device.refresh_from_db()
    response = client.post("/admin/2fa/verify/", {"otp_token": code_for(device.bin_key, device),
                                                   "next": "/admin/"})  # fmt: skip
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_used_code_cannot_be_used_again_in_another_session(chief):
    device = TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    code = code_for(device.bin_key)
    first = signed_in("chief", "chief-pass-1")
    assert first.post("/admin/2fa/verify/", {"otp_token": code})["Location"] == "/admin/"
    second = signed_in("chief", "chief-pass-1")
    response = second.post("/admin/2fa/verify/", {"otp_token": code})
    assert response.status_code == 200
    assert second.get("/admin/")["Location"].startswith("/admin/2fa/verify/")


def test_other_staff_may_work_without_one_and_may_set_one_up(reporter):
    client = signed_in("cub", "cub-pass-1")
    assert client.get("/admin/").status_code == 200
    assert "/admin/2fa/setup/" in client.get("/admin/account/").content.decode()
    html = client.get("/admin/2fa/setup/").content.decode()
    key = b32decode(re.search(r'id="otp-secret">([A-Z2-7=]+)<', html).group(1))
    client.post("/admin/2fa/setup/", {"otp_token": code_for(key)})
    assert TOTPDevice.objects.get(user=reporter).confirmed
    later = signed_in("cub", "cub-pass-1")
    assert later.get("/admin/")["Location"].startswith("/admin/2fa/verify/")


def test_after_a_wrong_code_even_the_right_one_waits_for_the_back_off(chief, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # ten minutes after the first wrong code
    device = TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    client = signed_in("chief", "chief-pass-1")
    client.post("/admin/2fa/verify/", {"otp_token": wrong_code(device.bin_key)})
    response = client.post("/admin/2fa/verify/", {"otp_token": code_for(device.bin_key)})
    assert response.status_code == 200
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/verify/")


def test_with_the_setting_off_nobody_is_asked(chief, settings):
    settings.MASTHEAD_OTP = False
    TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    client = signed_in("chief", "chief-pass-1")
    assert client.get("/admin/").status_code == 200


def test_the_next_address_must_stay_on_this_site(chief):
    device = TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    client = signed_in("chief", "chief-pass-1")
    response = client.post("/admin/2fa/verify/", {"otp_token": code_for(device.bin_key),
                                                  "next": "https://evil.example/"})  # fmt: skip
    assert response["Location"] == "/admin/"
