"""/healthz for load balancers: no sign-in, JSON, never cached, 503 naming the part that fails."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from huey.contrib.djhuey import HUEY

pytestmark = pytest.mark.django_db

SECRET = "postgres://lodestar:hunter2-db-password@db.internal/lodestar"


def test_it_answers_ok_without_signing_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_it_answers_head_requests_too(client):
    assert client.head("/healthz").status_code == 200


def test_it_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_a_database_failure_is_named_without_details(client):
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError(SECRET)):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "queue": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert b"hunter2" not in response.content


def test_a_queue_failure_is_named_without_details(client):
    with mock.patch.object(HUEY, "pending_count", side_effect=ConnectionError(SECRET)):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "queue": "error"}
    assert b"hunter2" not in response.content


def test_it_checks_the_real_queue_storage(client):
    previous = HUEY.immediate
    HUEY.immediate = False  # the suite runs jobs inline, on an in-memory queue
    try:
        response = client.get("/healthz")
    finally:
        HUEY.immediate = previous

    assert response.json()["queue"] == "ok"
