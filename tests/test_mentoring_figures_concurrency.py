"""Both people log sessions of the same relationship at the same moment, several times over:
every session is counted and no transaction deadlocks (PostgreSQL; SQLite serializes)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from lodestar.mentoring import sessions
from lodestar.mentoring.models import Relationship, SessionTally

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 20


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent row locks need PostgreSQL; SQLite serializes writers anyway.")


def test_sessions_logged_at_once_are_all_counted(relationship, mentor, mentee):
    Relationship.objects.filter(pk=relationship.pk).update(started_on=dt.date(2025, 1, 1))
    relationship.refresh_from_db()
    now = timezone.now()
    errors: list[Exception] = []

    def log(user, n):
        try:
            barrier.wait()
            sessions.log_session(
                Relationship.objects.get(pk=relationship.pk), user,
                occurred_at=now - dt.timedelta(days=n, hours=user.pk % 5), duration_minutes=30,
                format="video",
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    for n in range(ROUNDS):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=log, args=(u, n)) for u in (mentor, mentee)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    relationship.refresh_from_db()
    assert relationship.session_count == 2 * ROUNDS
    assert relationship.session_minutes == 60 * ROUNDS
    tallies = SessionTally.objects.filter(relationship=relationship)
    assert sum(t.sessions for t in tallies) == 2 * ROUNDS
