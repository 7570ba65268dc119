import re

import pytest
from django.urls import reverse

from lodestar.api.models import ApiToken, hash_token
from lodestar.api.views import MAX_ACTIVE_TOKENS
from lodestar.core.models import AuditLog

TOKENS_URL = "/me/tokens/"


def raw_token_in(response) -> str:
    match = re.search(r'id="new-token"[^>]*value="(lds_[^"]+)"', response.content.decode())
    assert match, "the new token is not on the page"
    return match.group(1)


def test_it_sends_anonymous_visitors_to_sign_in(login, mentee):
    client = login(None)
    response = client.get(TOKENS_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    token, _raw = ApiToken.issue(mentee, "script")
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_shows_an_empty_state(login, mentee):
    response = login(mentee).get(TOKENS_URL)
    assert response.status_code == 200
    assert b"You have no API tokens yet" in response.content


def test_it_lists_only_the_members_own_tokens(login, mentee, mentor):
    ApiToken.issue(mentee, "Reporting script")
    ApiToken.issue(mentor, "Mentor's calendar sync")
    response = login(mentee).get(TOKENS_URL)
    assert b"Reporting script" in response.content
    assert b"calendar sync" not in response.content


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(login, mentee):
    client = login(mentee)
    response = client.post(TOKENS_URL, {"name": "Reporting script"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = raw_token_in(response)
    assert b"Copy it now" in response.content

    token = ApiToken.objects.get(user=mentee)
    assert token.name == "Reporting script"
    assert token.token_hash == hash_token(raw)
    assert raw.startswith(token.hint)
    assert raw not in {token.name, token.token_hash, token.hint}

    again = client.get(TOKENS_URL)
    assert raw not in again.content.decode()
    assert b"Reporting script" in again.content
    assert AuditLog.objects.filter(action="api.token_issued", actor=mentee).exists()


def test_a_new_token_works_against_the_api(login, mentee):
    raw = raw_token_in(login(mentee).post(TOKENS_URL, {"name": "script"}))
    login(None)
    response = login(None).get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["email"] == mentee.email


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_token_needs_a_sensible_name(login, mentee, name):
    response = login(mentee).post(TOKENS_URL, {"name": name})
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content
    assert not ApiToken.objects.exists()


def test_a_member_may_hold_at_most_ten_active_tokens(login, mentee):
    for n in range(MAX_ACTIVE_TOKENS):
        ApiToken.issue(mentee, f"token {n}")
    client = login(mentee)
    response = client.post(TOKENS_URL, {"name": "one too many"})
    assert response.status_code == 200
    assert b"the most allowed" in response.content
    assert 'id="new-token"' not in response.content.decode()
    assert ApiToken.objects.filter(user=mentee).count() == MAX_ACTIVE_TOKENS

    # A revoked token frees a place.
    ApiToken.objects.filter(user=mentee).first().revoke()
    response = client.post(TOKENS_URL, {"name": "replacement"})
    raw_token_in(response)
    assert ApiToken.objects.active().filter(user=mentee).count() == MAX_ACTIVE_TOKENS


def test_a_member_revokes_their_own_token(login, mentee):
    token, raw = ApiToken.issue(mentee, "old script")
    client = login(mentee)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert response.redirect_chain == [(TOKENS_URL, 302)]
    assert "is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(action="api.token_revoked", actor=mentee).exists()
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401


def test_revoking_twice_keeps_the_first_date(login, mentee):
    token, _raw = ApiToken.issue(mentee, "old script")
    token.revoke()
    first = token.revoked_at
    client = login(mentee)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "already revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == first


@pytest.mark.parametrize("name", ["mentor", "coordinator", "other_member", "other_coordinator"])
def test_nobody_else_can_revoke_a_members_token(login, cast, name):
    token, _raw = ApiToken.issue(cast["mentee"], "mine")
    response = login(cast[name]).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post(login, mentee):
    token, _raw = ApiToken.issue(mentee, "mine")
    response = login(mentee).get(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_query_budget(login, mentee, django_assert_max_num_queries):
    for n in range(8):
        ApiToken.issue(mentee, f"token {n}")
    client = login(mentee)
    with django_assert_max_num_queries(6):
        response = client.get(TOKENS_URL)
    assert response.content.count(b"Revoke") >= 8
