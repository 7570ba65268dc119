"""Accounts and sessions: throttling, session rotation, password changes, re-authentication."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.api.models import ApiToken
from lodestar.core.models import AuditLog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_failed_logins_are_throttled(client, mentee):
    for _ in range(5):
        page = _login(client, "mentee@example.org", "wrong-password-123").content.decode()
        assert "Too many failed login attempts" not in page
    page = _login(client, "mentee@example.org", "wrong-password-123").content.decode()
    assert "Too many failed login attempts" in page
    # Even the right password waits until the window passes.
    response = _login(client, "mentee@example.org", PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signup_is_rate_limited_per_address(client):
    codes = []
    for i in range(25):
        response = client.post(
            reverse("account_signup"),
            {"email": f"bot{i}@example.org", "password1": "x", "password2": "x"},
        )
        codes.append(response.status_code)
    assert 429 in codes


def test_failed_and_successful_logins_are_audited_without_the_password(client, mentee):
    _login(client, "mentee@example.org", "wrong-password-123")
    _login(client, "mentee@example.org", PASSWORD)
    failed = AuditLog.objects.get(action="login.failed")
    assert failed.data == {"login": "mentee@example.org"}
    assert AuditLog.objects.filter(action="login.succeeded", actor=mentee).exists()
    assert not AuditLog.objects.filter(data__icontains="wrong-password").exists()


def test_login_rotates_the_session_key(client, mentee):
    client.get(reverse("account_login"))
    client.session["probe"] = 1
    before = client.session.session_key
    _login(client, "mentee@example.org", PASSWORD)
    assert client.session.session_key != before


def test_logout_ends_the_server_session(client, mentee):
    _login(client, "mentee@example.org", PASSWORD)
    key = client.session.session_key
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_password_change_ends_other_sessions_and_revokes_tokens(client, mentee):
    from django.test import Client

    other_device = Client()
    other_device.force_login(mentee)
    _token, raw = ApiToken.issue(mentee, "script")
    client.force_login(mentee)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200  # this device stays in
    assert other_device.get(reverse("accounts:profile")).status_code == 302  # the other is out
    assert not ApiToken.objects.active().filter(user=mentee).exists()
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401


def test_short_and_common_passwords_are_refused_at_signup(client):
    for password in ("short-pass", "password1234", "123456789012"):
        response = client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": password, "password2": password},
        )
        assert response.status_code == 200, password
    assert not User.objects.filter(email="new@example.org").exists()


def test_admin_login_goes_through_allauth(client, mentee):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(mentee)
    assert client.get("/admin/").status_code in (302, 403)  # not staff: no admin
    assert client.get("/admin/login/").status_code == 403


def test_changing_email_asks_for_the_password_again(client, mentee, settings):
    client.force_login(mentee)  # a session without a recent password entry
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "second@example.org"}
    )
    assert response.status_code == 302
    assert "reauthenticate" in response.url


def test_session_cookie_flags_in_production_settings(settings):
    # The values come from settings.py's DEBUG=false branch, checked in test_settings too.
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
