"""Many people take the last places at once: office-hour slots and events never overbook.

Real concurrent writers need PostgreSQL (row locks); on SQLite the IMMEDIATE transactions
serialize writers anyway, so the tests are skipped there. CI runs them on PostgreSQL.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from lodestar.programs.models import Membership, Role, Track
from lodestar.programs.states import Status
from lodestar.scheduling import events, office_hours
from lodestar.scheduling.models import Booking, Event, OfficeHours, OfficeHourSlot, Rsvp
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

# Issue 9: at least 20 parallel requests for the last places.
N = 24


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent row locks need PostgreSQL; SQLite serializes writers anyway.")


@pytest.fixture
def crowd(program):
    users = []
    for n in range(N):
        user = make_user(f"crowd{n}@example.org", f"Crowd {n}")
        Membership.objects.create(
            user=user, program=program, cohort=program.cohorts.first(),
            track=program.tracks.get(kind=Track.Kind.INTERMEDIATE), role=Role.MENTEE,
            status=Status.APPROVED,
        )  # fmt: skip
        users.append(user)
    return users


def race(users, action) -> list[str]:
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def run(user):
        try:
            barrier.wait()
            outcomes.append(action(user))
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_bookings_never_overbook_a_slot(program, mentor, crowd):
    hours = OfficeHours.objects.create(
        program=program, host=mentor, title="Clinic", format="video", capacity=3
    )
    slot = OfficeHourSlot.objects.create(
        office_hours=hours, starts_at=timezone.now() + dt.timedelta(days=2), duration_minutes=30
    )
    outcomes = race(crowd, lambda u: office_hours.book_slot(slot.pk, u).status)
    assert outcomes.count(Booking.Status.BOOKED) == 3 and outcomes.count("refused") == N - 3
    slot.refresh_from_db()
    assert slot.booked == 3 == Booking.objects.filter(slot=slot, status="booked").count()


def test_concurrent_rsvps_fill_the_places_and_queue_the_rest(program, crowd):
    event = Event.objects.create(
        program=program, kind=Event.Kind.WORKSHOP, title="Full house", format="video",
        starts_at=timezone.now() + dt.timedelta(days=2), duration_minutes=60, capacity=4,
    )  # fmt: skip
    outcomes = race(crowd, lambda u: events.rsvp(event.pk, u).status)
    assert outcomes.count(Rsvp.Status.GOING) == 4
    assert outcomes.count(Rsvp.Status.WAITLISTED) == N - 4
    event.refresh_from_db()
    assert event.going == 4 == event.rsvps.filter(status=Rsvp.Status.GOING).count()

    # Everyone going withdraws at once: each freed place goes to exactly one waiting person.
    going = [r.user for r in event.rsvps.filter(status=Rsvp.Status.GOING).select_related("user")]
    race(going, lambda u: events.cancel_rsvp(event.pk, u) and "ok")
    event.refresh_from_db()
    assert event.going == 4 == event.rsvps.filter(status=Rsvp.Status.GOING).count()
    assert event.rsvps.filter(status=Rsvp.Status.WAITLISTED).count() == N - 8
