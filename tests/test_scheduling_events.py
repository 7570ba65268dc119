import datetime as dt

import icalendar
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lodestar.notifications.models import Notification
from lodestar.programs.models import Cohort, Membership, Role, Track
from lodestar.programs.states import Status
from lodestar.scheduling import events as services
from lodestar.scheduling.models import Event, OfficeHours, OfficeHourSlot, Rsvp
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def make_event(program, host=None, capacity=None, in_hours=48, **extra) -> Event:
    fields = {
        "kind": Event.Kind.WORKSHOP, "title": "SQL workshop", "format": "video",
        "location": "https://meet.example.org/w", "duration_minutes": 90, "capacity": capacity,
    }  # fmt: skip
    return Event.objects.create(
        program=program,
        host=host,
        starts_at=timezone.now() + dt.timedelta(hours=in_hours),
        **{**fields, **extra},
    )


def member(program, n, role=Role.MENTEE, cohort=None):
    user = make_user(f"member{n}@example.org", f"Member {n}")
    Membership.objects.create(
        user=user, program=program, cohort=cohort or program.cohorts.first(),
        track=program.tracks.get(kind=Track.Kind.INTERMEDIATE), role=role,
        status=Status.APPROVED,
    )  # fmt: skip
    return user


def ics_of(notification):
    [attachment] = notification.attachments
    cal = icalendar.Calendar.from_ical(attachment["content"])
    return cal, next(iter(cal.walk("VEVENT")))


@pytest.fixture
def event(program, mentor):
    return make_event(program, host=mentor, capacity=2)


# Creating and editing ------------------------------------------------------------------------


def event_data(**extra):
    when = timezone.localtime() + dt.timedelta(days=3)
    return {
        "kind": "workshop", "title": "Query tuning", "description": "Bring your slow queries",
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60, "format": "video",
        "location": "https://meet.example.org/q", "capacity": 10,
        "resources": "https://example.org/slides\nRead chapter 3", "round_minutes": 15, **extra,
    }  # fmt: skip


def test_coordinator_creates_an_event_with_a_host(login, coordinator, mentor, program):
    client = login(coordinator)
    url = reverse("scheduling:event_new", args=[program.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, event_data(host=mentor.pk))
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert event.host == mentor and event.capacity == 10
    assert Notification.objects.filter(user=mentor, kind="event_host").exists()


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_member", "other_coordinator"])
def test_only_coordinators_create_events(who, cast, login, program):
    url = reverse("scheduling:event_new", args=[program.slug])
    assert login(cast[who]).get(url).status_code == 404
    assert login(cast[who]).post(url, event_data()).status_code == 404
    assert not Event.objects.exists()


def test_bad_event_input_is_refused_without_writing(login, coordinator, program, other_member):
    client = login(coordinator)
    url = reverse("scheduling:event_new", args=[program.slug])
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for bad in (
        {"starts_at": past},
        {"starts_at": "not a date"},
        {"capacity": "0"},
        {"duration_minutes": "5"},
        {"host": other_member.pk},  # not of this program: not among the choices
        {"kind": "party"},
    ):
        response = client.post(url, event_data(**bad))
        assert response.status_code == 200, bad
        assert "invalid-feedback" in response.content.decode()
    assert not Event.objects.exists()


def test_host_edits_but_cannot_change_the_host(login, event, mentor, other_mentor):
    url = reverse("scheduling:event_edit", args=[event.pk])
    data = event_data(title="Renamed", host=other_mentor.pk)
    assert login(mentor).post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed" and event.host == mentor  # the host field is disabled
    assert login(other_mentor).get(url).status_code == 404


def test_a_change_of_time_reaches_the_people_going_and_new_places_go_to_the_waiting_list(
    event, mentee, other_mentor, coordinator
):
    third = member(event.program, 3)
    for user in (mentee, other_mentor, third):
        services.rsvp(event.pk, user)
    assert Rsvp.objects.get(user=third).status == Rsvp.Status.WAITLISTED
    later = event.starts_at + dt.timedelta(hours=2)
    services.update_event(event, coordinator, starts_at=later, capacity=3)
    assert Rsvp.objects.get(user=third).status == Rsvp.Status.GOING
    event.refresh_from_db()
    assert event.going == 3 and event.sequence == 1
    cal, vevent = ics_of(Notification.objects.get(user=mentee, kind="event_updated"))
    assert vevent["SEQUENCE"] == 1 and vevent.decoded("DTSTART") == later.replace(microsecond=0)
    assert Notification.objects.filter(user=third, kind="event_promoted").exists()
    assert not Notification.objects.filter(user=third, kind="event_updated").exists()


# RSVP and the waiting list ---------------------------------------------------------------------


def test_going_until_full_then_waitlist_and_promotion(event, mentee, other_mentor, login):
    third, fourth = member(event.program, 3), member(event.program, 4)
    assert services.rsvp(event.pk, mentee).status == Rsvp.Status.GOING
    assert services.rsvp(event.pk, other_mentor).status == Rsvp.Status.GOING
    assert services.rsvp(event.pk, third).status == Rsvp.Status.WAITLISTED
    assert services.rsvp(event.pk, fourth).status == Rsvp.Status.WAITLISTED
    with pytest.raises(ValidationError, match="already answered"):
        services.rsvp(event.pk, mentee)
    cal, vevent = ics_of(Notification.objects.get(user=mentee, kind="event_going"))
    assert cal["METHOD"] == "REQUEST" and vevent["SUMMARY"] == "SQL workshop"
    assert Notification.objects.filter(user=third, kind="event_waitlisted").exists()

    response = login(mentee).post(reverse("scheduling:event_rsvp_cancel", args=[event.pk]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.going == 2
    assert Rsvp.objects.get(user=third).status == Rsvp.Status.GOING  # first come, first served
    assert Rsvp.objects.get(user=fourth).status == Rsvp.Status.WAITLISTED
    assert ics_of(Notification.objects.get(user=third, kind="event_promoted"))[0]["METHOD"] == (
        "REQUEST"
    )
    assert ics_of(Notification.objects.get(user=mentee, kind="event_rsvp_cancelled"))[0][
        "METHOD"
    ] == ("CANCEL")
    # Answering again goes to the back of the waiting list.
    assert services.rsvp(event.pk, mentee).status == Rsvp.Status.WAITLISTED
    services.cancel_rsvp(event.pk, other_mentor)
    assert Rsvp.objects.get(user=fourth).status == Rsvp.Status.GOING
    assert Rsvp.objects.get(user=mentee).status == Rsvp.Status.WAITLISTED


def test_who_may_answer(event, program, cohort, other_member, coordinator, mentee, login):
    with pytest.raises(ValidationError, match="members"):
        services.rsvp(event.pk, coordinator)
    assert (
        login(other_member).post(reverse("scheduling:event_rsvp", args=[event.pk])).status_code
        == 404
    )
    # A cohort's event is for that cohort's members only.
    today = timezone.localdate()
    autumn = Cohort.objects.create(
        program=program, name="Autumn", applications_open=today, applications_close=today,
        starts_on=today, ends_on=today + dt.timedelta(days=90),
    )  # fmt: skip
    theirs = make_event(program, cohort=autumn)
    assert login(mentee).get(theirs.get_absolute_url()).status_code == 404
    autumn_member = member(program, 9, cohort=autumn)
    assert services.rsvp(theirs.pk, autumn_member).status == Rsvp.Status.GOING
    assert not Rsvp.objects.filter(user__in=[coordinator, other_member]).exists()


def test_no_answers_after_the_start_or_on_a_cancelled_event(event, mentee, coordinator):
    later = time_machine.travel(event.starts_at + dt.timedelta(minutes=1), tick=False)
    with later, pytest.raises(ValidationError, match="started"):
        services.rsvp(event.pk, mentee)
    services.cancel_event(event, coordinator)
    with pytest.raises(ValidationError, match="cancelled"):
        services.rsvp(event.pk, mentee)


# Attendance and cancellation -------------------------------------------------------------------


def test_attendance_after_the_start_by_host_or_coordinator(event, mentee, other_mentor, login):
    going = services.rsvp(event.pk, mentee)
    services.rsvp(event.pk, other_mentor)
    third = member(event.program, 3)
    waiting = services.rsvp(event.pk, third)
    url = reverse("scheduling:event_attendance", args=[event.pk])
    host = event.host
    response = login(host).post(url, {f"attended-{going.pk}": "yes"}, follow=True)
    assert "once the event has started" in response.content.decode()
    with time_machine.travel(event.starts_at + dt.timedelta(minutes=5), tick=False):
        assert login(mentee).post(url, {f"attended-{going.pk}": "yes"}).status_code == 404
        login(host).post(url, {f"attended-{going.pk}": "yes"})
        going.refresh_from_db()
        assert going.attended is True
        # Only people going can be marked; junk values never 500.
        response = login(host).post(url, {f"attended-{waiting.pk}": "yes"}, follow=True)
        assert "Only people who are going" in response.content.decode()
        for junk in ({"attended-x": "yes"}, {f"attended-{going.pk}": "maybe"}):
            assert login(host).post(url, junk).status_code == 302
    going.refresh_from_db()
    waiting.refresh_from_db()
    assert going.attended is True and waiting.attended is None


def test_cancel_event_tells_everyone_with_a_calendar_cancellation(
    event, mentee, other_mentor, login, coordinator
):
    services.rsvp(event.pk, mentee)
    services.rsvp(event.pk, other_mentor)
    third = member(event.program, 3)
    services.rsvp(event.pk, third)
    url = reverse("scheduling:event_cancel", args=[event.pk])
    assert login(mentee).post(url).status_code == 404
    assert login(coordinator).post(url, {"message": "Speaker ill"}).status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    for user in (mentee, other_mentor, third):
        note = Notification.objects.get(user=user, kind="event_cancelled")
        cal, vevent = ics_of(note)
        assert "Speaker ill" in note.body
        assert cal["METHOD"] == "CANCEL" and vevent["STATUS"] == "CANCELLED"
        assert vevent["SEQUENCE"] == 1


# Pages -----------------------------------------------------------------------------------------


def test_event_page_permissions_and_attendee_list(cast, event, mentee, login):
    services.rsvp(event.pk, mentee)
    url = event.get_absolute_url()
    assert login(None).get(url).status_code == 302
    for who in ("other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404
    for who in ("mentor", "coordinator"):  # the host and a coordinator see who is coming
        page = login(cast[who]).get(url).content.decode()
        assert "Who is coming" in page and "Mei Mentee" in page
    page = login(mentee).get(url).content.decode()
    assert "Who is coming" not in page and "You are going" in page


def test_resources_become_links_only_when_they_are_web_addresses(event, mentee, login):
    event.resources = (
        "https://example.org/slides\njavascript:alert(1)\n<b>Chapter 3</b>\nhttp://x y"
    )
    event.save()
    page = login(mentee).get(event.get_absolute_url()).content.decode()
    assert '<a href="https://example.org/slides"' in page
    assert 'href="javascript' not in page
    assert "&lt;b&gt;Chapter 3&lt;/b&gt;" in page


def test_calendar_lists_events_and_slots_by_week_in_the_viewer_time_zone(
    cast, program, mentor, mentee, login, django_assert_max_num_queries
):
    mentee.time_zone = "Asia/Tokyo"
    mentee.save()
    for n in range(6):
        make_event(program, host=mentor, in_hours=24 + n * 30, title=f"Event {n}")
    hours = OfficeHours.objects.create(
        program=program, host=mentor, title="Open door", format="video", capacity=2
    )
    for n in range(6):
        OfficeHourSlot.objects.create(
            office_hours=hours,
            starts_at=timezone.now() + dt.timedelta(hours=30 + n * 20),
            duration_minutes=30,
        )
    make_event(program, title="Gone", status=Event.Status.CANCELLED)
    url = reverse("scheduling:calendar", args=[program.slug])
    client = login(mentee)
    with django_assert_max_num_queries(11):
        page = client.get(url).content.decode()
    assert page.count(">Open door</a>") == 6 and "Event 5" in page and "Gone" not in page
    assert "Asia/Tokyo" in page
    first = Event.objects.get(title="Event 0")
    tokyo = first.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert tokyo.strftime("%H:%M") in page
    for who in ("other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404
    for who in ("mentor", "coordinator"):
        assert login(cast[who]).get(url).status_code == 200
    assert login(None).get(url).status_code == 302
    for junk in ("?from=garbage", "?from=9999-01-01", "?from=2020-02-30"):
        assert login(mentee).get(url + junk).status_code == 200


def test_calendar_hides_other_cohorts_events_from_members(program, mentee, coordinator, login):
    today = timezone.localdate()
    autumn = Cohort.objects.create(
        program=program, name="Autumn", applications_open=today, applications_close=today,
        starts_on=today, ends_on=today + dt.timedelta(days=90),
    )  # fmt: skip
    make_event(program, title="Autumn kickoff", cohort=autumn)
    url = reverse("scheduling:calendar", args=[program.slug])
    assert "Autumn kickoff" not in login(mentee).get(url).content.decode()
    assert "Autumn kickoff" in login(coordinator).get(url).content.decode()


def test_unknown_event_ids_are_404(login, mentee):
    client = login(mentee)
    for name in ("event", "event_edit"):
        assert client.get(reverse(f"scheduling:{name}", args=[999])).status_code == 404
    for name in ("event_rsvp", "event_rsvp_cancel", "event_attendance", "event_cancel"):
        assert client.post(reverse(f"scheduling:{name}", args=[999])).status_code == 404
