"""No password, token or equity answer ever reaches the logs or the audit trail."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from lodestar.accounts.models import DemographicQuestion
from lodestar.core.models import AuditLog

pytestmark = pytest.mark.django_db

SIGNUP_PASSWORD = "Nobody-Guesses-This-42"
ANSWER = "Answer-Only-I-Know"


def test_secrets_stay_out_of_logs_and_audit(client, caplog, mentee):
    caplog.set_level(logging.DEBUG)
    question = DemographicQuestion.objects.create(key="q", label="Q", options=[ANSWER])
    client.post(
        reverse("account_signup"),
        {"email": "fresh@example.org", "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD},
    )
    client.post(
        reverse("account_login"),
        {"login": "fresh@example.org", "password": "Wrong-" + SIGNUP_PASSWORD},
    )
    client.force_login(mentee)
    page = client.post(reverse("api_tokens"), {"name": "ci"}).content.decode()
    token = page.split("lds_", 1)[1].split("<", 1)[0].split('"', 1)[0].strip()
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer lds_{token}")
    client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer lds_not-a-real-token-value")
    client.post(reverse("accounts:demographics"), {f"q{question.pk}": ANSWER, "consent": "on"})
    assert mentee.demographics.get().value == ANSWER  # the flows really ran

    secrets = [SIGNUP_PASSWORD, "lds_" + token, "not-a-real-token-value", ANSWER]
    logged = caplog.text + "".join(m.body for m in mail.outbox)
    audited = " ".join(str(e.data) for e in AuditLog.objects.all())
    for secret in secrets:
        assert secret not in logged, secret
        assert secret not in audited, secret
    assert len(token) > 20
