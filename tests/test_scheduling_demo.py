"""The scheduling room's demo data: each seeded test pays for one seed_demo run, so they are few."""

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.notifications.models import Notification
from lodestar.scheduling import meetings as service
from lodestar.scheduling.models import (
    Attendee,
    AwayPeriod,
    Booking,
    Event,
    Meeting,
    OfficeHours,
    OfficeHourSlot,
    Rsvp,
    SpeedRound,
)
from lodestar.scheduling.slots import zone

MENTOR = "mentor@demo.lodestar.test"
MENTEE = "mentee@demo.lodestar.test"
COORDINATOR = "coordinator@demo.lodestar.test"
SCHEDULING_KINDS = ("meeting_", "booking_", "event_", "speed_", "reminder_meeting")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_the_demo_pair_meets_soon_and_sees_it_on_home_and_meetings(seeded, client):
    mentee, mentor = User.objects.get(email=MENTEE), User.objects.get(email=MENTOR)
    now = timezone.now()
    pair = service.meetings_of(mentee).filter(relationship__participants__user=mentor)
    ahead = list(service.upcoming(pair, now))
    assert ahead and ahead[0].status == Meeting.Status.ACCEPTED
    assert ahead[0].starts_at < now + dt.timedelta(days=8)
    assert ahead[0].goals.exists()
    assert any(service.awaits_answer(m, mentee, now) for m in ahead)
    assert service.past(pair, now).filter(session__isnull=False).exists()

    client.force_login(mentee)
    url = reverse("scheduling:meeting", args=[ahead[0].pk])
    for page in (reverse("home"), reverse("scheduling:meetings")):
        response = client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert url in html and mentor.name in html
    assert client.get(url).status_code == 200
    client.force_login(mentor)
    assert url in client.get(reverse("scheduling:meetings")).content.decode()
    assert "upcoming meetings" in seeded


def test_meetings_keep_the_services_rules(seeded):
    now = timezone.now()
    away = defaultdict(list)
    for period in AwayPeriod.objects.all():
        away[period.user_id].append((period.starts_on, period.ends_on))
    assert len(away) == 1 and MENTOR not in User.objects.filter(pk__in=away).values_list(
        "email", flat=True
    )
    live = [Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED]
    taken = defaultdict(list)
    meetings = Meeting.objects.prefetch_related("attendees", "relationship__participants__user")
    assert meetings.filter(status__in=live, starts_at__gt=now).count() >= 20
    for m in meetings:
        people = {p.user_id: p.user for p in m.relationship.participants.all()}
        answers = {a.user_id: a.response for a in m.attendees.all()}
        assert m.proposed_by_id in people
        assert set(answers) == set(people) - {m.proposed_by_id}
        assert 15 <= m.duration_minutes <= 240
        assert m.created_at <= m.updated_at <= now
        responses = set(answers.values())
        if m.status == Meeting.Status.ACCEPTED:
            assert Attendee.Response.PENDING not in responses
            assert Attendee.Response.ACCEPTED in responses
        if m.status == Meeting.Status.PROPOSED:
            assert Attendee.Response.PENDING in responses
        if m.session_id:
            assert m.session.occurred_at == m.starts_at
        if m.status not in live or m.starts_at <= now:
            continue
        assert m.relationship.status in {"proposed", "active"}
        assert m.starts_at <= now + dt.timedelta(days=365)
        for user_id, user in people.items():
            if answers.get(user_id) == Attendee.Response.DECLINED:
                continue
            first = m.starts_at.astimezone(zone(user.time_zone)).date()
            last = m.ends_at.astimezone(zone(user.time_zone)).date()
            assert not any(a <= last and first <= b for a, b in away[user_id])
            taken[user_id].append((m.starts_at, m.ends_at))
    for booking in Booking.objects.filter(status="booked", slot__starts_at__gt=now):
        slot = booking.slot
        taken[booking.user_id].append(
            (slot.starts_at, slot.starts_at + dt.timedelta(minutes=slot.duration_minutes))
        )
    for rsvp in Rsvp.objects.filter(status="going", event__starts_at__gt=now):
        taken[rsvp.user_id].append((rsvp.event.starts_at, rsvp.event.ends_at))
    for intervals in taken.values():
        intervals.sort()
        assert all(b[0] >= a[1] for a, b in zip(intervals, intervals[1:], strict=False))


def test_office_hours_events_and_speed_mentoring_have_pages_to_show(seeded, client):
    now = timezone.now()
    mentee = User.objects.get(email=MENTEE)
    for slot in OfficeHourSlot.objects.select_related("office_hours"):
        assert slot.booked == slot.bookings.filter(status="booked").count()
        assert slot.booked <= slot.office_hours.capacity
    soon = OfficeHourSlot.objects.filter(
        starts_at__gt=now, starts_at__lt=now + dt.timedelta(days=14)
    )
    assert soon.filter(booked=0).exists() and soon.filter(booked__gt=0).exists()
    booking = Booking.objects.get(user=mentee, status="booked")
    assert booking.slot.starts_at > now

    client.force_login(mentee)
    office_hours = booking.slot.office_hours
    html = client.get(reverse("scheduling:office_hours", args=[office_hours.pk])).content.decode()
    assert reverse("scheduling:booking_cancel", args=[booking.pk]) in html
    free = office_hours.slots.filter(starts_at__gt=now + dt.timedelta(days=2), booked=0).first()
    assert reverse("scheduling:slot_book", args=[free.pk]) in html
    calendar = client.get(reverse("scheduling:calendar", args=["women-in-data"]))
    assert calendar.status_code == 200
    assert OfficeHours.objects.get(host__email=MENTOR).title in calendar.content.decode()

    past = Event.objects.filter(starts_at__lt=now, kind=Event.Kind.WORKSHOP)
    assert (
        past.filter(rsvps__attended=True).exists() and past.filter(rsvps__attended=False).exists()
    )
    assert not Rsvp.objects.filter(event__starts_at__gt=now, attended__isnull=False).exists()
    for event in Event.objects.all():
        assert event.going == event.rsvps.filter(status="going").count()
        assert event.capacity is None or event.going <= event.capacity
    mine = Rsvp.objects.get(
        user=mentee, status="going", event__starts_at__gt=now, event__kind=Event.Kind.WORKSHOP
    )
    page = client.get(reverse("scheduling:event", args=[mine.event_id])).content.decode()
    assert "You are going." in page

    speed = Event.objects.get(kind=Event.Kind.SPEED)
    assert speed.starts_at > now and SpeedRound.objects.filter(event=speed).exists()
    client.force_login(User.objects.get(email=MENTOR))
    page = client.get(reverse("scheduling:speed", args=[speed.pk])).content.decode()
    assert "Your rounds" in page
    client.force_login(User.objects.get(email=COORDINATOR))
    attendance = client.get(reverse("scheduling:event", args=[past.first().pk]))
    assert 'value="yes" selected' in attendance.content.decode()


def test_nothing_is_sent_and_a_second_run_adds_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    assert mail.outbox == []
    for prefix in SCHEDULING_KINDS:
        assert not Notification.objects.filter(kind__startswith=prefix).exists()
    models = [Meeting, Attendee, OfficeHours, OfficeHourSlot, Booking, Event, Rsvp, SpeedRound]
    before = {model: model.objects.count() for model in models}
    assert all(before.values())
    assert "already present" in seed()
    assert {model: model.objects.count() for model in models} == before
