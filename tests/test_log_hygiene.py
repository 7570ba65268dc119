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


def test_secret_paths_are_cut_in_every_log_line(caplog):
    """Django itself logs the path of a 404 or a CSRF failure; the console handler cuts the
    credential a calendar feed, anonymous thread, unsubscribe or invitation URL carries."""
    from django.test import Client

    from lodestar.core.logs import RedactSecretPaths

    secret = "s3cretTokenValueThatMustNotLeak"
    caplog.set_level(logging.WARNING)
    strict = Client(enforce_csrf_checks=True)
    strict.post(f"/feedback/anonymous/{secret}/", {"body": "hi"})  # CSRF failure: logged
    strict.get(f"/schedule/feed/{secret}.ics")  # unknown feed: 404, logged
    strict.get(f"/notifications/unsubscribe/{secret}/")
    (console,) = [
        h for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretPaths) for f in h.filters)
    ]  # fmt: skip
    # Django did log the three paths (the records are cut in place by the console handler).
    logged = " ".join(r.getMessage() for r in caplog.records)
    for prefix in ("/feedback/anonymous/s3cret", "/schedule/feed/s3cret", "/unsubscribe/s3cret"):
        assert prefix in logged
    assert secret not in logged
    for record in caplog.records:
        console.filter(record)
        assert secret not in console.format(record)
    assert "/feedback/anonymous/s3cret…" in "".join(console.format(r) for r in caplog.records)
