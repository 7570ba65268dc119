"""Meeting reminders, "log your session" and "time to meet": periodic jobs, each sent once.

Every function takes `now` (tests pass it) and returns how many reminders went out. The
exactly-once guarantee comes from the ledger (see `ledger.py`): each reminder is a (person,
key) pair recorded in the same transaction as its notification.

- Meeting reminders, to the proposer and every attendee who has not declined an accepted meeting
  of an open relationship, keyed "meeting:<id>:<24h|1h>:<sequence>" (a rescheduled meeting has a
  new sequence, or is a new meeting, so it gets fresh reminders):
  the 24-hour one while the meeting starts in (now + 1 h, now + 24 h], the 1-hour one while it
  starts in (now, now + 1 h]. A job that was down catches up within the window; a meeting booked
  for in three hours gets the 24-hour reminder straight away (it still says when). A member
  switches either off with a Preference of delivery "off" for its kind.
- "Log your session", keyed "meeting:<id>:log", once the accepted meeting has ended (within the
  last week) and no session log is linked to it (`Meeting.session` is empty).
- "Time to meet", keyed "relationship:<id>:meet:<date>", to each participant of an active
  relationship whose last meeting or session (or its start) is older than its cadence (the
  agreement in force, 14 days without one): one nudge per overdue period, the date naming the
  day the period began; a meeting or session moves the next period out.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.utils import timezone

from lodestar.mentoring.models import Agreement, Participant, Relationship, SessionLog
from lodestar.mentoring.states import OPEN_STATUSES, Status

from .ledger import Due, batches, send_all
from .models import Attendee, Meeting

REMINDER_LEADS = {"24h": dt.timedelta(hours=24), "1h": dt.timedelta(hours=1)}
REMINDER_KINDS = {"24h": "reminder_meeting_24h", "1h": "reminder_meeting_1h"}
LOG_KIND = "reminder_log_session"
MEET_KIND = "reminder_time_to_meet"
# "Log your session" is asked for meetings that ended within this time, not for old history.
LOG_LOOKBACK = dt.timedelta(days=7)
LONGEST_MEETING = dt.timedelta(minutes=240)
DEFAULT_CADENCE_DAYS = 14


def time_zone_of(user) -> str:
    return user.time_zone or settings.TIME_ZONE


def meeting_url(meeting: Meeting) -> str:
    return meeting.get_absolute_url()


def recipients(meeting: Meeting) -> list:
    """The proposer and the attendees who did not decline, each once, who still take part in
    the relationship (attendees and participants prefetched)."""
    current = {p.user_id for p in meeting.relationship.participants.all()}
    people = {}
    if meeting.proposed_by_id in current:
        people[meeting.proposed_by_id] = meeting.proposed_by
    for attendee in meeting.attendees.all():
        if attendee.response != Attendee.Response.DECLINED and attendee.user_id in current:
            people.setdefault(attendee.user_id, attendee.user)
    return list(people.values())


def _meetings():
    return Meeting.objects.filter(
        status=Meeting.Status.ACCEPTED, relationship__status__in=OPEN_STATUSES
    ).select_related("proposed_by__profile", "relationship__program")


def _with_attendees(queryset):
    return queryset.prefetch_related(
        Prefetch("attendees", queryset=Attendee.objects.select_related("user__profile")),
        "relationship__participants",
    )


def _meeting_items(meeting: Meeting, key: str, kind: str) -> list[Due]:
    people = recipients(meeting)
    url = meeting_url(meeting)
    items = []
    for user in people:
        others = ", ".join(p.name for p in people if p.pk != user.pk)
        context = {
            "meeting": meeting,
            "program": meeting.relationship.program,
            "others": others,
            "tz": time_zone_of(user),
        }
        items.append(Due(user, key, kind, context, url))
    return items


def due_meeting_reminders(now: dt.datetime, lead: str):
    """Accepted meetings whose `lead` reminder is due now, in batches."""
    window_end = now + REMINDER_LEADS[lead]
    window_start = now + REMINDER_LEADS["1h"] if lead == "24h" else now
    queryset = _meetings().filter(starts_at__gt=window_start, starts_at__lte=window_end)
    yield from batches(_with_attendees(queryset))


def send_meeting_reminders(now: dt.datetime | None = None, leads=("1h", "24h")) -> int:
    now = now or timezone.now()
    sent = 0
    for lead in leads:
        for batch in due_meeting_reminders(now, lead):
            items = []
            for meeting in batch:
                key = f"meeting:{meeting.pk}:{lead}:{meeting.sequence}"
                items += _meeting_items(meeting, key, REMINDER_KINDS[lead])
            sent += send_all(items, now)
    return sent


def send_log_session_reminders(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    queryset = _meetings().filter(
        session__isnull=True,
        starts_at__lte=now,
        starts_at__gte=now - LOG_LOOKBACK - LONGEST_MEETING,
    )
    sent = 0
    for batch in batches(_with_attendees(queryset)):
        items = []
        for meeting in batch:
            if not (now - LOG_LOOKBACK <= meeting.ends_at <= now):
                continue
            items += _meeting_items(meeting, f"meeting:{meeting.pk}:log", LOG_KIND)
        sent += send_all(items, now)
    return sent


def last_contact(relationship: Relationship) -> dt.datetime:
    """The latest of its start, its last session and its last accepted meeting (annotated)."""
    started = timezone.make_aware(dt.datetime.combine(relationship.started_on, dt.time()))
    moments = [started, relationship.last_session, relationship.last_meeting]
    return max(m for m in moments if m is not None)


def overdue_since(relationship: Relationship, now: dt.datetime) -> dt.date | None:
    """The day the current overdue period began, or None while the pair is within cadence."""
    cadence = dt.timedelta(days=relationship.cadence or DEFAULT_CADENCE_DAYS)
    late = now - last_contact(relationship)
    if late <= cadence:
        return None
    periods = late // cadence
    return (last_contact(relationship) + periods * cadence).date()


def _active_relationships():
    cadence = (
        Agreement.objects.filter(relationship=OuterRef("pk"), accepted_at__isnull=False)
        .order_by("-version")
        .values("cadence_days")[:1]
    )
    last_session = (
        SessionLog.objects.filter(relationship=OuterRef("pk"))
        .values("relationship")
        .annotate(m=Max("occurred_at"))
        .values("m")
    )
    last_meeting = (
        Meeting.objects.filter(relationship=OuterRef("pk"), status=Meeting.Status.ACCEPTED)
        .values("relationship")
        .annotate(m=Max("starts_at"))
        .values("m")
    )
    return (
        Relationship.objects.filter(status=Status.ACTIVE)
        .select_related("program")
        .annotate(
            cadence=Subquery(cadence),
            last_session=Subquery(last_session),
            last_meeting=Subquery(last_meeting),
        )
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("user__profile"))
        )
    )


def send_time_to_meet(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for batch in batches(_active_relationships()):
        items = []
        for relationship in batch:
            since = overdue_since(relationship, now)
            if since is None:
                continue
            people = [p.user for p in relationship.participants.all()]
            for user in people:
                context = {
                    "relationship": relationship,
                    "program": relationship.program,
                    "others": ", ".join(p.name for p in people if p.pk != user.pk),
                    "days": relationship.cadence or DEFAULT_CADENCE_DAYS,
                }
                key = f"relationship:{relationship.pk}:meet:{since.isoformat()}"
                items.append(Due(user, key, MEET_KIND, context, relationship.get_absolute_url()))
        sent += send_all(items, now)
    return sent


JOBS = {
    "meetings": send_meeting_reminders,
    "log": send_log_session_reminders,
    "meet": send_time_to_meet,
}


def run_all(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {name: job(now) for name, job in JOBS.items()}
