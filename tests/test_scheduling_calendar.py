"""ICS invitations, private calendar feeds and away periods."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from lodestar.programs.models import Program
from lodestar.scheduling import feeds, ics
from lodestar.scheduling import meetings as svc
from lodestar.scheduling.models import (
    AwayPeriod,
    Booking,
    CalendarFeed,
    Event,
    Meeting,
    OfficeHours,
    OfficeHourSlot,
    Rsvp,
)

pytestmark = pytest.mark.django_db


def soon(hours: int = 48) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def propose(rel, user, hours=48, **extra) -> Meeting:
    data = {"starts_at": soon(hours), "duration_minutes": 60, "format": "video"}
    data.update(extra)
    return svc.propose_meeting(rel, user, **data)


def parse(text: str):
    cal = Calendar.from_ical(text)
    return cal, cal.walk("VEVENT")


# ICS ---------------------------------------------------------------------------------------


def test_invitation_has_every_field_calendars_need(relationship, mentor, mentee, settings):
    settings.SITE_URL = "https://mentors.example.org"
    m = propose(relationship, mentee, agenda="Talk about SQL", location="Room 4")
    cal, (event,) = parse(ics.meeting_invitation(m))
    assert cal["method"] == "REQUEST" and cal["prodid"] == ics.PRODID
    assert str(event["uid"]) == f"{m.uid}@mentors.example.org"
    assert event["sequence"] == 0 and event["status"] == "TENTATIVE"
    assert event["dtstart"].dt == m.starts_at and event["dtstart"].dt.tzinfo is not None
    assert event["dtstart"].dt.utcoffset() == dt.timedelta(0)
    assert event["dtend"].dt - event["dtstart"].dt == dt.timedelta(minutes=60)
    assert "dtstamp" in event and str(event["location"]) == "Room 4"
    assert "Talk about SQL" in str(event["description"])
    assert f"https://mentors.example.org/schedule/meetings/{m.pk}/" in str(event["description"])
    assert str(event["organizer"]) == f"mailto:{mentee.email}"
    attendee = event["attendee"]
    assert str(attendee) == f"mailto:{mentor.email}"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert "Mo Mentor" in str(event["summary"]) and "Mei Mentee" in str(event["summary"])


def test_uid_stays_sequence_grows_and_cancel_says_cancel(relationship, mentor, mentee):
    m = propose(relationship, mentee)
    _, (first,) = parse(ics.meeting_invitation(m))
    m = svc.answer_meeting(m, mentor, accept=True)
    _, (accepted,) = parse(ics.meeting_invitation(m))
    m = svc.reschedule_meeting(m, mentor, starts_at=soon(72))
    _, (moved,) = parse(ics.meeting_invitation(m))
    m = svc.cancel_meeting(m, mentee, "Ill")
    cal, (cancelled,) = parse(ics.meeting_invitation(m, "CANCEL"))
    assert len({str(e["uid"]) for e in (first, accepted, moved, cancelled)}) == 1
    assert [e["sequence"] for e in (first, accepted, moved, cancelled)] == [0, 0, 1, 2]
    assert accepted["status"] == "CONFIRMED" and moved["status"] == "TENTATIVE"
    assert cal["method"] == "CANCEL" and cancelled["status"] == "CANCELLED"
    assert moved["dtstart"].dt == soon(72)


def test_meeting_ics_download_is_for_participants(login, relationship, mentee, mentor, coordinator):
    m = propose(relationship, mentee)
    url = reverse("scheduling:meeting_ics", args=[m.pk])
    response = login(mentor).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert parse(response.content.decode())[0]["method"] == "REQUEST"
    assert login(coordinator).get(url).status_code == 404


# Feeds -------------------------------------------------------------------------------------


@pytest.fixture
def bookings(program, mentor, mentee):
    hours = OfficeHours.objects.create(
        program=program, host=mentor, title="SQL clinic", format="video"
    )
    slot = OfficeHourSlot.objects.create(
        office_hours=hours, starts_at=soon(30), duration_minutes=30, booked=1
    )
    Booking.objects.create(slot=slot, user=mentee, topic="Joins")
    gone = OfficeHourSlot.objects.create(
        office_hours=hours, starts_at=soon(31), duration_minutes=30
    )
    Booking.objects.create(slot=gone, user=mentee, status=Booking.Status.CANCELLED)
    event = Event.objects.create(
        program=program,
        kind="workshop",
        title="Data viz workshop",
        starts_at=soon(50),
        duration_minutes=90,
        format="in_person",
    )
    Rsvp.objects.create(event=event, user=mentee, status=Rsvp.Status.GOING)
    waiting = Event.objects.create(
        program=program,
        kind="info",
        title="Waitlisted talk",
        starts_at=soon(60),
        duration_minutes=60,
        format="video",
    )
    Rsvp.objects.create(event=waiting, user=mentee, status=Rsvp.Status.WAITLISTED)


def test_feed_lists_meetings_bookings_and_rsvps_without_method(
    client, relationship, mentee, mentor, bookings, other_mentor
):
    accepted = svc.answer_meeting(propose(relationship, mentee), mentor, accept=True)
    proposed = propose(relationship, mentor, hours=90)
    cancelled = svc.cancel_meeting(propose(relationship, mentor, hours=100), mentee, "no")
    feed = feeds.regenerate_feed(mentee)
    response = client.get(reverse("scheduling:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal, events = parse(response.content.decode())
    assert "method" not in cal
    summaries = {str(e["summary"]) for e in events}
    assert "Office hours: SQL clinic" in summaries and "Data viz workshop" in summaries
    assert "Waitlisted talk" not in summaries
    uids = {str(e["uid"]).split("@")[0] for e in events}
    assert {str(accepted.uid), str(proposed.uid)} <= uids and str(cancelled.uid) not in uids
    assert len(events) == 4
    # Attendee addresses stay out of a feed that anyone with its link can read.
    assert all("attendee" not in e for e in events)


def test_feed_token_revocation_and_deletion(login, client, mentee):
    owner = login(mentee)
    assert owner.get(reverse("scheduling:feed_settings")).status_code == 200
    owner.post(reverse("scheduling:feed_regenerate"))
    old = CalendarFeed.objects.get(user=mentee).token
    page = owner.get(reverse("scheduling:feed_settings")).content.decode()
    assert f"/schedule/feed/{old}.ics" in page
    owner.post(reverse("scheduling:feed_regenerate"))
    new = CalendarFeed.objects.get(user=mentee).token
    assert new != old
    anonymous = login(None)
    assert anonymous.get(reverse("scheduling:feed", args=[old])).status_code == 404
    assert anonymous.get(reverse("scheduling:feed", args=[new])).status_code == 200
    assert anonymous.get(reverse("scheduling:feed", args=["wrong-token"])).status_code == 404
    login(mentee).post(reverse("scheduling:feed_delete"))
    assert not CalendarFeed.objects.filter(user=mentee).exists()
    assert login(None).get(reverse("scheduling:feed", args=[new])).status_code == 404


def test_feed_settings_need_login_and_actions_need_post(login, mentee):
    anonymous = login(None)
    for name in ["feed_settings", "feed_regenerate", "feed_delete"]:
        response = anonymous.post(reverse(f"scheduling:{name}"))
        assert response.status_code == 302 and "login" in response["Location"]
    assert not CalendarFeed.objects.exists()
    assert login(mentee).get(reverse("scheduling:feed_regenerate")).status_code == 405


def test_a_members_feed_never_shows_another_members_meetings(
    client, relationship, mentee, other_member, other_mentor
):
    propose(relationship, mentee)
    feed = feeds.regenerate_feed(other_member)
    _, events = parse(client.get(reverse("scheduling:feed", args=[feed.token])).content.decode())
    assert events == []


def test_feed_query_count_does_not_grow_with_meetings(
    client, relationship, mentee, mentor, django_assert_max_num_queries
):
    feed = feeds.regenerate_feed(mentee)
    url = reverse("scheduling:feed", args=[feed.token])
    for h in (30, 40, 50, 60, 70):
        propose(relationship, mentee, hours=h)
    with django_assert_max_num_queries(9):
        client.get(url)


# Away periods ------------------------------------------------------------------------------


def test_member_adds_lists_and_deletes_away_periods(login, mentee, mentor):
    client = login(mentee)
    url = reverse("scheduling:away")
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "starts_on": today + dt.timedelta(3),
            "ends_on": today + dt.timedelta(10),
            "note": "Holiday",
        },
    )
    assert response.status_code == 302
    period = AwayPeriod.objects.get(user=mentee)
    assert "Holiday" in client.get(url).content.decode()
    # Someone else's period cannot be deleted.
    assert (
        login(mentor).post(reverse("scheduling:away_delete", args=[period.pk])).status_code == 404
    )
    client = login(mentee)
    client.post(reverse("scheduling:away_delete", args=[period.pk]))
    assert not AwayPeriod.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 2, "must not be before"),
        (-20, -10, "already over"),
        (1, 500, "at most a year"),
    ],
)
def test_bad_away_periods_are_refused(login, mentee, start, end, message):
    today = timezone.localdate()
    response = login(mentee).post(
        reverse("scheduling:away"),
        {"starts_on": today + dt.timedelta(start), "ends_on": today + dt.timedelta(end)},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not AwayPeriod.objects.exists()


def test_away_pages_need_login(login):
    response = login(None).get(reverse("scheduling:away"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_other_program_is_irrelevant_to_away(other_member, login):
    # Away periods belong to the member, whatever their program.
    assert Program.objects.count() >= 1
    assert login(other_member).get(reverse("scheduling:away")).status_code == 200
