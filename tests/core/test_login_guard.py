"""Sign-in throttling (django-axes): the lockout is keyed on user name and address, the
Wagtail sign-in page says why, and the documented reset command lifts it."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

LOGIN = "/admin/login/"


@pytest.fixture
def mara(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    return User.objects.create_superuser("mara", "mara@example.org", "right-password-1")


def sign_in(password: str, username: str = "mara", address: str = "203.0.113.7") -> object:
    client = Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_wrong_password_is_an_ordinary_error_below_the_limit(mara):
    response = sign_in("wrong")
    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" not in response.content


def test_after_the_limit_even_the_right_password_is_refused_with_the_reason(mara):
    for _ in range(3):
        sign_in("wrong")
    response = sign_in("right-password-1")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "15 minutes" in html
    assert 'name="username"' in html and 'value="mara"' in html  # still the sign-in page
    assert "_auth_user_id" not in response.client.session


def test_the_lockout_is_per_name_and_address(mara):
    User.objects.create_user("ed", "ed@example.org", "ed-password-1", is_staff=True)
    for _ in range(3):
        sign_in("wrong")
    assert sign_in("right-password-1", address="198.51.100.20").status_code == 302
    assert sign_in("ed-password-1", username="ed").status_code == 302


def test_a_forwarded_for_header_does_not_change_the_address_by_default(mara):
    for n in range(3):
        Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").post(
            LOGIN, {"username": "mara", "password": "wrong"}
        )
    assert sign_in("right-password-1").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_the_reset_command_lifts_the_lockout(mara):
    for _ in range(3):
        sign_in("wrong")
    assert sign_in("right-password-1").status_code == 429
    call_command("axes_reset_username", "mara")
    assert sign_in("right-password-1").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(mara):
    sign_in("wrong"), sign_in("wrong")
    assert sign_in("right-password-1").status_code == 302
    sign_in("wrong"), sign_in("wrong")
    assert sign_in("right-password-1").status_code == 302
