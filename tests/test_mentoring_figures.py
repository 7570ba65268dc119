"""A relationship's kept figures (session count and minutes, first session, agreement date,
monthly tallies) follow every change the services make, and rebuild() agrees with them."""

import datetime as dt

import pytest
from django.utils import timezone

from lodestar.mentoring import agreements, figures, services, sessions
from lodestar.mentoring.models import Relationship, SessionTally
from lodestar.mentoring.states import Status

from .test_mentoring_agreement import proposed, terms  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def relationship(relationship):
    relationship.started_on = dt.date(2025, 1, 1)
    relationship.save(update_fields=["started_on"])
    return relationship


def _log(relationship, user, when, minutes=60):
    return sessions.log_session(
        relationship, user, occurred_at=when, duration_minutes=minutes, format="video"
    )


def _tallies(relationship) -> dict[str, tuple[int, int]]:
    return {
        t.month.strftime("%Y-%m"): (t.sessions, t.minutes)
        for t in SessionTally.objects.filter(relationship=relationship)
    }


def _figures(relationship) -> tuple:
    r = Relationship.objects.get(pk=relationship.pk)
    return r.session_count, r.session_minutes, r.first_session_at, r.agreed_at


def test_logging_editing_and_deleting_sessions_keep_the_figures(relationship, mentor, mentee):
    now = timezone.now()
    first = now - dt.timedelta(days=40)
    _log(relationship, mentor, now - dt.timedelta(days=3), 45)
    early = _log(relationship, mentee, first, 30)
    later = _log(relationship, mentor, now - dt.timedelta(days=1), 90)
    assert _figures(relationship)[:3] == (3, 165, first)
    months = _tallies(relationship)
    assert sum(n for n, _m in months.values()) == 3
    assert sum(m for _n, m in months.values()) == 165
    assert months[figures.month_of(first).strftime("%Y-%m")][1] >= 30

    # Moving the earliest session later moves the first session date too.
    sessions.update_session(
        early, mentee, occurred_at=now - dt.timedelta(days=2), duration_minutes=60, format="phone"
    )
    assert _figures(relationship)[:3] == (3, 195, now - dt.timedelta(days=3))

    sessions.delete_session(later, mentor)
    count, minutes, first_at, _agreed = _figures(relationship)
    assert (count, minutes) == (2, 105)
    assert sum(n for n, _m in _tallies(relationship).values()) == 2


def test_months_are_utc_months(relationship, mentor):
    # 23:30 on 31 January in New York is already February in UTC.
    when = dt.datetime(2026, 2, 1, 4, 30, tzinfo=UTC)
    assert figures.month_of(when.astimezone(dt.timezone(dt.timedelta(hours=-5)))) == dt.date(
        2026, 2, 1
    )
    _log(relationship, mentor, when)
    assert _tallies(relationship) == {"2026-02": (1, 60)}


def test_the_first_accepted_agreement_dates_the_relationship(proposed, mentor, mentee):  # noqa: F811
    agreements.draft_agreement(proposed, mentee, terms())
    assert _figures(proposed)[3] is None
    first = agreements.accept_agreement(proposed, mentor, 1)
    assert _figures(proposed)[3] == first.accepted_at
    # A renegotiated version accepted later does not move the date.
    agreements.draft_agreement(proposed, mentor, terms(objectives="Second take"))
    second = agreements.accept_agreement(proposed, mentee, 2)
    assert second.accepted_at > first.accepted_at
    assert _figures(proposed)[3] == first.accepted_at


def test_rebuild_matches_what_the_services_kept(relationship, mentor, mentee):
    now = timezone.now()
    for days, minutes in ((70, 30), (35, 45), (2, 60)):
        _log(relationship, mentor, now - dt.timedelta(days=days), minutes)
    kept, kept_months = _figures(relationship), _tallies(relationship)
    Relationship.objects.filter(pk=relationship.pk).update(
        session_count=0, session_minutes=0, first_session_at=None
    )
    SessionTally.objects.all().delete()
    assert figures.rebuild(Relationship.objects.filter(pk=relationship.pk)) == 1
    assert _figures(relationship) == kept
    assert _tallies(relationship) == kept_months


def test_rebuild_clears_a_relationship_without_sessions(relationship):
    Relationship.objects.filter(pk=relationship.pk).update(session_count=5, session_minutes=300)
    SessionTally.objects.create(
        relationship=relationship, month=dt.date(2026, 1, 1), sessions=5, minutes=300
    )
    figures.rebuild()
    assert _figures(relationship) == (0, 0, None, None)
    assert _tallies(relationship) == {}


def test_a_status_change_from_a_stale_copy_keeps_the_figures(relationship, mentor, coordinator):
    stale = Relationship.objects.get(pk=relationship.pk)
    _log(relationship, mentor, timezone.now() - dt.timedelta(days=1))
    services.change_status(stale, Status.COMPLETED, coordinator)
    count, minutes, first_at, _agreed = _figures(relationship)
    assert (count, minutes) == (1, 60) and first_at is not None
    assert Relationship.objects.get(pk=relationship.pk).status == Status.COMPLETED
