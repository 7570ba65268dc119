import datetime as dt

import icalendar
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lodestar.notifications.models import Notification
from lodestar.scheduling import office_hours as services
from lodestar.scheduling.models import Booking, OfficeHours, OfficeHourSlot
from lodestar.scheduling.office_hours import WeeklyPattern

pytestmark = pytest.mark.django_db


def make_hours(program, host, capacity=1, deadline=2, **extra) -> OfficeHours:
    return OfficeHours.objects.create(
        program=program, host=host, title="Ask me about SQL", format="video",
        location="https://meet.example.org/sql", capacity=capacity,
        booking_deadline_hours=deadline, **extra,
    )  # fmt: skip


def make_slot(hours, in_hours=48, minutes=30) -> OfficeHourSlot:
    return OfficeHourSlot.objects.create(
        office_hours=hours,
        starts_at=timezone.now() + dt.timedelta(hours=in_hours),
        duration_minutes=minutes,
    )


@pytest.fixture
def hours(program, mentor):
    return make_hours(program, mentor)


@pytest.fixture
def slot(hours):
    return make_slot(hours)


def ics_of(notification):
    [attachment] = notification.attachments
    assert attachment["filename"].endswith(".ics")
    cal = icalendar.Calendar.from_ical(attachment["content"])
    return attachment, cal, next(iter(cal.walk("VEVENT")))


# The weekly pattern ------------------------------------------------------------------------


def test_pattern_keeps_wall_clock_time_across_the_european_dst_change():
    # Mondays 10:00-11:00 in Paris around the switch to summer time (29 March 2026).
    pattern = WeeklyPattern(
        0, dt.time(10), dt.time(11), 30, "Europe/Paris", dt.date(2026, 3, 20), dt.date(2026, 4, 3)
    )
    starts = pattern.starts()
    assert [s.isoformat() for s in starts] == [
        "2026-03-23T09:00:00+00:00",
        "2026-03-23T09:30:00+00:00",
        "2026-03-30T08:00:00+00:00",
        "2026-03-30T08:30:00+00:00",
    ]


def test_pattern_across_the_american_fall_back_and_spring_gap():
    fall = WeeklyPattern(
        3, dt.time(18), dt.time(19), 60, "America/New_York",
        dt.date(2026, 10, 29), dt.date(2026, 11, 5),
    ).starts()  # fmt: skip
    assert [s.hour for s in fall] == [22, 23]  # EDT then EST
    # 02:00-03:00 does not exist on 8 March 2026 in New York: no slot is made.
    gap = WeeklyPattern(
        6, dt.time(2), dt.time(3), 30, "America/New_York", dt.date(2026, 3, 8), dt.date(2026, 3, 8)
    ).starts()
    assert gap == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"end": dt.time(9)}, "after the start"),
        ({"time_zone": "Mars/Olympus"}, "time zone"),
        ({"ends_on": dt.date(2030, 1, 1)}, "a year"),
        ({"slot_minutes": 5}, "between 10 and 240"),
    ],
)
def test_bad_patterns_are_refused(change, message):
    fields = {
        "weekday": 0, "start": dt.time(10), "end": dt.time(12), "slot_minutes": 30,
        "time_zone": "UTC", "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 3, 1),
    }  # fmt: skip
    with pytest.raises(ValidationError, match=message):
        WeeklyPattern(**{**fields, **change}).starts()


# Publishing ----------------------------------------------------------------------------------


def publish_data(**extra):
    start = timezone.localdate() + dt.timedelta(days=1)
    return {
        "title": "SQL clinic", "description": "Bring a query", "format": "video",
        "location": "https://meet.example.org/x", "capacity": 2, "booking_deadline_hours": 2,
        "weekday": start.weekday(), "start": "10:00", "end": "11:00", "slot_minutes": 30,
        "time_zone": "Europe/Paris", "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=20)).isoformat(), **extra,
    }  # fmt: skip


@pytest.mark.parametrize("who", ["mentor", "coordinator"])
def test_mentors_and_coordinators_publish_slots(who, cast, login, program):
    client = login(cast[who])
    url = reverse("scheduling:office_hours_new", args=[program.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, publish_data())
    hours = OfficeHours.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "scheduling:office_hours", args=[hours.pk]
    )
    assert hours.host == cast[who]
    assert hours.slots.count() == 6  # three weeks, two slots each


@pytest.mark.parametrize("who", ["mentee", "other_member", "other_coordinator"])
def test_others_cannot_publish(who, cast, login, program):
    url = reverse("scheduling:office_hours_new", args=[program.slug])
    assert login(cast[who]).get(url).status_code == 404
    assert login(cast[who]).post(url, publish_data()).status_code == 404
    assert not OfficeHours.objects.exists()


def test_anonymous_is_sent_to_sign_in(login, program, slot):
    for url in (
        reverse("scheduling:office_hours_new", args=[program.slug]),
        reverse("scheduling:office_hours", args=[slot.office_hours_id]),
    ):
        response = login(None).get(url)
        assert response.status_code == 302 and "login" in response.url


def test_bad_input_shows_errors_and_writes_nothing(login, mentor, program):
    url = reverse("scheduling:office_hours_new", args=[program.slug])
    client = login(mentor)
    for bad in (
        {"end": "09:00"},
        {"slot_minutes": "abc"},
        {"ends_on": "2020-01-01"},
        {"capacity": "0"},
        {"time_zone": "Nowhere/Land"},
        {"starts_on": (timezone.localdate() - dt.timedelta(days=400)).isoformat()},
    ):
        response = client.post(url, publish_data(**bad))
        assert response.status_code == 200, bad
        assert "invalid-feedback" in response.content.decode() or "alert-danger" in (
            response.content.decode()
        )
    assert not OfficeHours.objects.exists() and not OfficeHourSlot.objects.exists()


def test_adding_slots_skips_those_already_there(hours, mentor):
    start = timezone.localdate() + dt.timedelta(days=1)
    pattern = WeeklyPattern(
        start.weekday(), dt.time(9), dt.time(10), 60, "UTC", start, start + dt.timedelta(days=7)
    )
    assert len(services.add_slots(hours, mentor, pattern)) == 2
    assert services.add_slots(hours, mentor, pattern) == []
    assert hours.slots.count() == 2


# Booking --------------------------------------------------------------------------------------


def test_member_books_and_gets_the_invitation(slot, mentee, mentor):
    booking = services.book_slot(slot.pk, mentee, "Window functions")
    slot.refresh_from_db()
    assert slot.booked == 1 and booking.status == Booking.Status.BOOKED
    note = Notification.objects.get(user=mentee, kind="booking_confirmed")
    attachment, cal, event = ics_of(note)
    assert attachment["mimetype"] == "text/calendar; method=REQUEST"
    assert cal["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == slot.starts_at.replace(microsecond=0)
    assert str(event["SUMMARY"]).endswith("Ask me about SQL")
    assert "Window functions" in Notification.objects.get(user=mentor, kind="booking_received").body


def test_capacity_double_booking_own_slot_and_deadline(hours, slot, mentee, mentor, other_mentor):
    services.book_slot(slot.pk, mentee)
    with pytest.raises(ValidationError, match="already booked"):
        services.book_slot(slot.pk, mentee)
    with pytest.raises(ValidationError, match="full"):
        services.book_slot(slot.pk, other_mentor)
    with pytest.raises(ValidationError, match="own office hours"):
        services.book_slot(make_slot(hours).pk, mentor)
    soon = make_slot(hours, in_hours=1)
    with pytest.raises(ValidationError, match="closed 2 hours"):
        services.book_slot(soon.pk, mentee)
    slot.refresh_from_db()
    assert slot.booked == 1 and Booking.objects.count() == 1


def test_outsiders_cannot_book(slot, other_member, coordinator, login):
    with pytest.raises(ValidationError, match="members"):
        services.book_slot(slot.pk, other_member)
    # Not a member: a coordinator sees the slots but does not book them.
    with pytest.raises(ValidationError, match="members"):
        services.book_slot(slot.pk, coordinator)
    response = login(other_member).post(reverse("scheduling:slot_book", args=[slot.pk]))
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_cancel_booking_frees_the_place_and_sends_a_cancellation(slot, mentee, mentor, login):
    booking = services.book_slot(slot.pk, mentee)
    response = login(mentee).post(reverse("scheduling:booking_cancel", args=[booking.pk]))
    assert response.status_code == 302
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.booked == 0 and booking.status == Booking.Status.CANCELLED
    attachment, cal, event = ics_of(Notification.objects.get(user=mentee, kind="booking_cancelled"))
    assert cal["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert Notification.objects.filter(user=mentor, kind="booking_withdrawn").exists()
    # Booking again carries a higher sequence, so calendars take the new invitation.
    again = services.book_slot(slot.pk, mentee)
    assert again.sequence == 2


def test_only_the_booker_reaches_a_booking(slot, mentee, mentor, other_mentor, login):
    booking = services.book_slot(slot.pk, mentee)
    for user in (mentor, other_mentor):
        url = reverse("scheduling:booking_cancel", args=[booking.pk])
        assert login(user).post(url).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_no_cancelling_once_the_slot_has_started(slot, mentee):
    booking = services.book_slot(slot.pk, mentee)
    later = time_machine.travel(slot.starts_at + dt.timedelta(minutes=1), tick=False)
    with later, pytest.raises(ValidationError, match="started"):
        services.cancel_booking(booking, mentee)


def test_host_cancels_a_slot_and_bookers_are_told(hours, mentee, mentor, other_mentor, login):
    hours.capacity = 2
    hours.save()
    slot = make_slot(hours)
    services.book_slot(slot.pk, mentee)
    services.book_slot(slot.pk, other_mentor)
    url = reverse("scheduling:slot_cancel", args=[slot.pk])
    assert login(mentee).post(url).status_code == 404
    assert login(mentor).post(url, {"message": "Sick today"}).status_code == 302
    assert not OfficeHourSlot.objects.filter(pk=slot.pk).exists()
    for user in (mentee, other_mentor):
        note = Notification.objects.get(user=user, kind="booking_slot_cancelled")
        assert "Sick today" in note.body
        assert ics_of(note)[1]["METHOD"] == "CANCEL"


def test_stopping_office_hours_cancels_future_slots(hours, slot, mentee, coordinator, login):
    services.book_slot(slot.pk, mentee)
    url = reverse("scheduling:office_hours_stop", args=[hours.pk])
    assert login(coordinator).post(url).status_code == 302
    hours.refresh_from_db()
    assert not hours.is_active and not hours.slots.exists()
    assert Notification.objects.filter(user=mentee, kind="booking_slot_cancelled").exists()


# Pages ------------------------------------------------------------------------------------------


def test_detail_page_permissions_and_bookers_for_the_host(cast, other_mentor, login, slot, mentee):
    services.book_slot(slot.pk, mentee, "My topic")
    url = reverse("scheduling:office_hours", args=[slot.office_hours_id])
    for who in ("other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404
    for who in ("mentor", "coordinator"):
        page = login(cast[who]).get(url).content.decode()
        assert "Mei Mentee" in page and "My topic" in page
    page = login(other_mentor).get(url).content.decode()
    assert "Ask me about SQL" in page and "My topic" not in page
    assert "Cancel booking" in login(mentee).get(url).content.decode()


def test_view_booking_with_a_bad_topic_is_refused_cleanly(slot, mentee, login):
    url = reverse("scheduling:slot_book", args=[slot.pk])
    response = login(mentee).post(url, {"topic": "x" * 400}, follow=True)
    assert response.status_code == 200 and not Booking.objects.exists()
    response = login(mentee).post(url, {"topic": "Joins"}, follow=True)
    assert "Booked" in response.content.decode()
    assert Booking.objects.get().topic == "Joins"


def test_unknown_ids_are_404(login, mentee):
    client = login(mentee)
    assert client.get(reverse("scheduling:office_hours", args=[999])).status_code == 404
    assert client.post(reverse("scheduling:slot_book", args=[999])).status_code == 404
    assert client.post(reverse("scheduling:booking_cancel", args=[999])).status_code == 404
    assert client.get(reverse("scheduling:office_hours_new", args=["nope"])).status_code == 404
