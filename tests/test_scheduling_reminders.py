"""Meeting reminders, "log your session" and "time to meet": due boundaries, off switch, once."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from lodestar.mentoring.models import Agreement, SessionLog
from lodestar.mentoring.services import change_status
from lodestar.notifications.models import Notification, Preference
from lodestar.scheduling import reminders, tasks
from lodestar.scheduling.models import Attendee, Meeting, SentReminder
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def meeting_at(relationship, starts_at, status=Meeting.Status.ACCEPTED, **extra) -> Meeting:
    mentor, mentee = relationship.mentors()[0], relationship.mentees()[0]
    meeting = Meeting.objects.create(
        relationship=relationship,
        proposed_by=mentor,
        starts_at=starts_at,
        duration_minutes=extra.pop("duration_minutes", 60),
        format="video",
        location="https://meet.example.org/abc",
        status=status,
        **extra,
    )
    Attendee.objects.create(meeting=meeting, user=mentee, response=Attendee.Response.ACCEPTED)
    return meeting


def sent(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", flat=True))


BOTH = ["mentee@example.org", "mentor@example.org"]


# Meeting reminders


def test_the_24h_reminder_is_due_exactly_24_hours_before(relationship):
    due = meeting_at(relationship, NOW + dt.timedelta(hours=24))
    meeting_at(relationship, NOW + dt.timedelta(hours=24, seconds=1))

    assert reminders.send_meeting_reminders(NOW) == 2

    assert sent("reminder_meeting_24h") == BOTH
    assert set(SentReminder.objects.values_list("key", flat=True)) == {f"meeting:{due.pk}:24h:0"}
    assert sent("reminder_meeting_1h") == []


def test_the_1h_reminder_takes_over_in_the_last_hour(relationship):
    meeting_at(relationship, NOW + dt.timedelta(hours=1))
    later = meeting_at(relationship, NOW + dt.timedelta(hours=1, seconds=1))

    reminders.send_meeting_reminders(NOW)

    assert sent("reminder_meeting_1h") == BOTH
    assert sent("reminder_meeting_24h") == BOTH
    keys = SentReminder.objects.filter(key__contains=":24h:").values_list("key", flat=True)
    assert set(keys) == {f"meeting:{later.pk}:24h:0"}


def test_no_reminder_for_a_meeting_that_has_started(relationship):
    meeting_at(relationship, NOW)
    assert reminders.send_meeting_reminders(NOW) == 0


def test_running_the_job_twice_sends_nothing_new(relationship):
    meeting_at(relationship, NOW + dt.timedelta(hours=5))
    meeting_at(relationship, NOW + dt.timedelta(minutes=30))

    assert reminders.send_meeting_reminders(NOW) == 4
    assert reminders.send_meeting_reminders(NOW) == 0
    assert reminders.send_meeting_reminders(NOW + dt.timedelta(minutes=5)) == 0
    assert Notification.objects.filter(kind__startswith="reminder_").count() == 4
    assert SentReminder.objects.count() == 4


def test_each_reminder_goes_out_once_even_when_the_windows_overlap_in_time(relationship):
    meeting = meeting_at(relationship, NOW + dt.timedelta(hours=23))
    reminders.send_meeting_reminders(NOW)
    reminders.send_meeting_reminders(NOW + dt.timedelta(hours=22, minutes=30))
    reminders.send_meeting_reminders(NOW + dt.timedelta(hours=22, minutes=35))

    assert sent("reminder_meeting_24h") == BOTH
    assert sent("reminder_meeting_1h") == BOTH
    assert SentReminder.objects.filter(key__startswith=f"meeting:{meeting.pk}:").count() == 4


@pytest.mark.parametrize(
    "status", [Meeting.Status.CANCELLED, Meeting.Status.DECLINED, Meeting.Status.PROPOSED]
)
def test_only_accepted_meetings_are_reminded(relationship, status):
    meeting_at(relationship, NOW + dt.timedelta(hours=3), status=status)
    assert reminders.send_meeting_reminders(NOW) == 0
    assert not SentReminder.objects.exists()


def test_a_closed_relationship_gets_no_reminders(relationship, coordinator):
    meeting_at(relationship, NOW + dt.timedelta(hours=3))
    change_status(relationship, "completed", coordinator)
    assert reminders.send_meeting_reminders(NOW) == 0


def test_the_off_switch_is_per_member_and_per_kind(relationship, mentee):
    Preference.objects.create(user=mentee, kind="reminder_meeting_24h", delivery="off")
    meeting_at(relationship, NOW + dt.timedelta(hours=3))
    meeting_at(relationship, NOW + dt.timedelta(minutes=20))

    reminders.send_meeting_reminders(NOW)

    assert sent("reminder_meeting_24h") == ["mentor@example.org"]
    assert sent("reminder_meeting_1h") == BOTH
    # Not recorded as sent either: switching it back on in time still gets the reminder.
    assert not SentReminder.objects.filter(user=mentee, key__contains=":24h:").exists()
    Preference.objects.filter(user=mentee).update(delivery="instant")
    assert reminders.send_meeting_reminders(NOW) == 1


def test_digest_delivery_still_creates_the_reminder(relationship, mentee):
    Preference.objects.create(user=mentee, kind="reminder_meeting_24h", delivery="digest")
    meeting_at(relationship, NOW + dt.timedelta(hours=3))
    reminders.send_meeting_reminders(NOW)
    assert sent("reminder_meeting_24h") == BOTH


def test_a_rescheduled_meeting_gets_fresh_reminders(relationship):
    meeting = meeting_at(relationship, NOW + dt.timedelta(hours=3))
    reminders.send_meeting_reminders(NOW)
    meeting.starts_at = NOW + dt.timedelta(hours=20)
    meeting.sequence += 1
    meeting.save()

    assert reminders.send_meeting_reminders(NOW) == 2
    assert len(sent("reminder_meeting_24h")) == 4
    assert SentReminder.objects.filter(key=f"meeting:{meeting.pk}:24h:1").count() == 2


def test_a_declined_attendee_of_a_group_meeting_is_not_reminded(relationship, mentee):
    meeting = meeting_at(relationship, NOW + dt.timedelta(hours=3))
    third = make_user("third@example.org", "Theo Third")
    Attendee.objects.create(meeting=meeting, user=third, response=Attendee.Response.DECLINED)
    Attendee.objects.filter(meeting=meeting, user=mentee).update(response=Attendee.Response.PENDING)
    reminders.send_meeting_reminders(NOW)
    assert sent("reminder_meeting_24h") == BOTH


def test_the_reminder_shows_the_time_in_the_members_time_zone(relationship, mentee):
    mentee.time_zone = "America/New_York"
    mentee.save()
    starts = dt.datetime(2031, 1, 15, 18, 30, tzinfo=dt.UTC)
    meeting_at(relationship, starts)

    reminders.send_meeting_reminders(starts - dt.timedelta(hours=2))

    note = Notification.objects.get(user=mentee, kind="reminder_meeting_24h")
    assert "13:30" in note.body  # 18:30 UTC is 13:30 in New York in January
    assert "America/New_York" in note.body
    assert "Mo Mentor" in note.body
    assert "https://meet.example.org/abc" in note.body
    mentor_note = Notification.objects.get(user__email="mentor@example.org", kind=note.kind)
    assert "18:30" in mentor_note.body
    assert note.url


def test_the_query_count_does_not_grow_with_the_meetings(
    relationship, django_assert_max_num_queries
):
    for hours in range(2, 22):
        meeting_at(relationship, NOW + dt.timedelta(hours=hours))
    # Per batch: meetings, attendees, preferences, ledger; per reminder: insert + notification
    # (+ savepoints around the test's transaction).
    with django_assert_max_num_queries(8 + 40 * 4):
        assert reminders.send_meeting_reminders(NOW) == 40


# "Log your session"


def test_log_your_session_after_the_meeting_ends(relationship):
    meeting = meeting_at(relationship, NOW - dt.timedelta(minutes=60))
    meeting_at(relationship, NOW - dt.timedelta(minutes=59))  # ends in a minute

    assert reminders.send_log_session_reminders(NOW) == 2
    assert sent("reminder_log_session") == BOTH
    assert set(SentReminder.objects.values_list("key", flat=True)) == {f"meeting:{meeting.pk}:log"}
    assert reminders.send_log_session_reminders(NOW) == 0


def test_log_your_session_stops_once_the_session_is_logged(relationship, mentor):
    meeting = meeting_at(relationship, NOW - dt.timedelta(hours=2))
    meeting.session = SessionLog.objects.create(
        relationship=relationship,
        logged_by=mentor,
        occurred_at=meeting.starts_at,
        duration_minutes=60,
        format="video",
    )
    meeting.save()
    assert reminders.send_log_session_reminders(NOW) == 0


def test_log_your_session_is_not_asked_for_old_or_cancelled_meetings(relationship):
    meeting_at(relationship, NOW - dt.timedelta(days=8))
    meeting_at(relationship, NOW - dt.timedelta(hours=3), status=Meeting.Status.CANCELLED)
    assert reminders.send_log_session_reminders(NOW) == 0


# "Time to meet"


def started_days_ago(relationship, days: int):
    relationship.started_on = timezone.localdate(NOW) - dt.timedelta(days=days)
    relationship.save(update_fields=["started_on"])


def test_time_to_meet_after_the_default_cadence(relationship):
    started_days_ago(relationship, 20)
    start = timezone.make_aware(dt.datetime.combine(relationship.started_on, dt.time()))
    assert reminders.send_time_to_meet(start + dt.timedelta(days=14)) == 0

    overdue = start + dt.timedelta(days=14, seconds=1)
    assert reminders.send_time_to_meet(overdue) == 2
    assert sent("reminder_time_to_meet") == BOTH
    assert reminders.send_time_to_meet(overdue) == 0
    assert reminders.send_time_to_meet(overdue + dt.timedelta(days=13)) == 0
    # Another overdue period, another nudge.
    assert reminders.send_time_to_meet(overdue + dt.timedelta(days=14)) == 2
    assert (
        SentReminder.objects.filter(
            key=f"relationship:{relationship.pk}:meet:{(start + dt.timedelta(days=28)).date()}"
        ).count()
        == 2
    )


def test_time_to_meet_follows_the_agreed_cadence(relationship, mentor):
    started_days_ago(relationship, 8)
    Agreement.objects.create(
        relationship=relationship,
        version=1,
        objectives="Learn SQL",
        success_measures="A query",
        starts_on=relationship.started_on,
        ends_on=relationship.started_on + dt.timedelta(days=90),
        cadence="weekly",
        cadence_days=7,
        accepted_at=NOW,
    )
    assert reminders.send_time_to_meet(NOW) == 2


def test_time_to_meet_stops_once_they_meet_or_plan_to(relationship, mentor):
    started_days_ago(relationship, 30)
    meeting_at(relationship, NOW + dt.timedelta(days=2))  # planned: no nudge
    assert reminders.send_time_to_meet(NOW) == 0

    Meeting.objects.all().delete()
    SessionLog.objects.create(
        relationship=relationship,
        logged_by=mentor,
        occurred_at=NOW - dt.timedelta(days=3),
        duration_minutes=45,
        format="phone",
    )
    assert reminders.send_time_to_meet(NOW) == 0


def test_paused_relationships_are_not_nudged_to_meet(relationship, coordinator):
    started_days_ago(relationship, 30)
    change_status(relationship, "paused", coordinator, until=timezone.localdate() + dt.timedelta(7))
    assert reminders.send_time_to_meet(NOW) == 0


# The command and the periodic task


def test_the_command_sends_what_is_due_once(relationship):
    meeting_at(relationship, NOW + dt.timedelta(hours=2))
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "meetings: 2 sent" in out.getvalue()
    out = io.StringIO()
    call_command("send_reminders", "--job", "meetings", stdout=out)
    assert out.getvalue().strip() == "meetings: 0 sent"


def test_the_periodic_task_sends_the_reminders(relationship):
    meeting_at(relationship, NOW + dt.timedelta(hours=2))
    tasks.meeting_reminders()  # tests run Huey inline
    assert sent("reminder_meeting_24h") == BOTH
    tasks.session_reminders()
    assert Notification.objects.filter(kind__startswith="reminder_").count() == 2


def test_after_a_reassign_the_new_mentor_is_reminded_and_the_old_one_is_not(
    relationship, mentor, mentee, other_mentor, coordinator
):
    from lodestar.mentoring.closure import reassign_mentor
    from lodestar.mentoring.models import Participant

    Participant.objects.filter(user=other_mentor).delete()  # free their place for this test
    meeting = Meeting.objects.create(
        relationship=relationship, proposed_by=mentor, format="video", duration_minutes=60,
        starts_at=timezone.now() + dt.timedelta(hours=20), status=Meeting.Status.ACCEPTED,
    )  # fmt: skip
    Attendee.objects.create(meeting=meeting, user=mentee, response="accepted")
    reassign_mentor(relationship, mentor, other_mentor, coordinator, "Mo moved abroad")
    assert set(meeting.attendees.values_list("user", flat=True)) == {mentee.pk, other_mentor.pk}
    reminders.send_meeting_reminders()
    reminded = set(
        Notification.objects.filter(kind="reminder_meeting_24h").values_list("user", flat=True)
    )
    assert reminded == {mentee.pk, other_mentor.pk}
