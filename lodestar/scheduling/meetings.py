"""Meetings inside a relationship: propose, answer, propose another time, reschedule, cancel,
and confirm that a meeting happened (which logs the session once).

Who answers: every participant but the one who proposed (or last rescheduled) is an attendee.
A meeting is accepted once every attendee has answered and at least one accepted; declined when
everyone declined. In a group, those who declined are simply not expected; one person proposing
another time declines the meeting for everyone and invites everyone to the new one, which
`replaces` it.

Every invitation, update and cancellation notifies the others with an .ics attachment (same
UID for life, SEQUENCE + 1 on every reschedule, cancellation or decline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.mentoring import sessions as session_service
from lodestar.mentoring.models import Participant, Relationship, SessionLog
from lodestar.mentoring.services import ensure_open, ensure_participant
from lodestar.mentoring.states import Status as RelationshipStatus
from lodestar.notifications.services import notify

from . import ics
from .models import Attendee, Format, Meeting
from .slots import zone

BOOKABLE = {RelationshipStatus.PROPOSED, RelationshipStatus.ACTIVE}
LIVE = [Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED]
MIN_MINUTES, MAX_MINUTES = 15, 240
MAX_AHEAD = dt.timedelta(days=365)
# How long after its end a meeting still asks "did it happen?".
CONFIRM_WINDOW = dt.timedelta(days=30)


# Reading -----------------------------------------------------------------------------------


def with_people(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related(
        "relationship__program", "proposed_by__profile", "session"
    ).prefetch_related(
        Prefetch(
            "relationship__participants",
            queryset=Participant.objects.select_related("user__profile"),
        ),
        Prefetch("attendees", queryset=Attendee.objects.select_related("user__profile")),
    )


def meetings_of(user) -> QuerySet[Meeting]:
    """Meetings of every relationship the user takes part in."""
    return Meeting.objects.filter(
        relationship__in=Relationship.objects.filter(participants__user=user)
    )


def response_of(meeting: Meeting, user) -> str | None:
    """The user's answer to the meeting (from prefetched attendees), None if not invited."""
    for a in meeting.attendees.all():
        if a.user_id == user.pk:
            return a.response
    return None


def awaits_answer(meeting: Meeting, user, now=None) -> bool:
    now = now or timezone.now()
    return (
        meeting.status == Meeting.Status.PROPOSED
        and meeting.starts_at > now
        and response_of(meeting, user) == Attendee.Response.PENDING
    )


def can_confirm(meeting: Meeting, user, now=None) -> bool:
    """The meeting ended, was accepted, and this participant has not yet said it happened."""
    now = now or timezone.now()
    if meeting.status != Meeting.Status.ACCEPTED or meeting.ends_at > now:
        return False
    if meeting.ends_at < now - CONFIRM_WINDOW:
        return False
    session = meeting.session
    if session is None:
        return True
    return session.confirmed_at is None and session.logged_by_id != user.pk


# Checks ------------------------------------------------------------------------------------


def _ensure_bookable(relationship: Relationship) -> None:
    ensure_open(relationship)
    if relationship.status not in BOOKABLE:
        raise ValidationError(
            _("This relationship is paused: book meetings again once it resumes.")
        )


def _validate_time(starts_at, duration_minutes, now) -> None:
    errors = []
    if starts_at is None:
        errors.append(_("Choose when to meet."))
    elif timezone.is_naive(starts_at):
        errors.append(_("Choose a time with its time zone."))
    elif starts_at <= now:
        errors.append(_("A meeting cannot be in the past: choose a later time."))
    elif starts_at > now + MAX_AHEAD:
        errors.append(_("Choose a time within the next year."))
    if not isinstance(duration_minutes, int) or not (
        MIN_MINUTES <= duration_minutes <= MAX_MINUTES
    ):
        errors.append(
            _("A meeting lasts between %(a)s and %(b)s minutes.")
            % {"a": MIN_MINUTES, "b": MAX_MINUTES}
        )
    if errors:
        raise ValidationError(errors)


def _validate_details(relationship: Relationship, format, location, agenda, goals) -> None:
    errors = []
    if format not in Format.values:
        errors.append(_("Choose how you will meet."))
    if len(location) > 300:
        errors.append(_("Keep the link, number or place under 300 characters."))
    if len(agenda) > 3000:
        errors.append(_("Keep the agenda under 3,000 characters."))
    if any(g.relationship_id != relationship.pk for g in goals):
        errors.append(_("Link only goals of this relationship."))
    if errors:
        raise ValidationError(errors)


def _lock(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock; keeps the already loaded relationship."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.relationship = meeting.relationship
    return locked


def _ensure_live_and_ahead(meeting: Meeting, now) -> None:
    if meeting.status not in LIVE:
        raise ValidationError(
            _("This meeting is %(s)s: it can no longer change.")
            % {"s": meeting.get_status_display().lower()}
        )
    if meeting.starts_at <= now:
        raise ValidationError(_("This meeting has already started: it can no longer change."))


# Notifications -----------------------------------------------------------------------------


def _tell(meeting: Meeting, kind: str, actor, method: str | None = "REQUEST", only=None):
    """Notify the participants but `actor` (or only `only`), each in their own time zone."""
    meeting = with_people(Meeting.objects.filter(pk=meeting.pk)).get()
    attachments = [ics.attachment(meeting, method)] if method else None
    url = meeting.get_absolute_url()
    for p in meeting.relationship.participants.all():
        if p.user_id == getattr(actor, "pk", None) or (only is not None and p.user_id != only.pk):
            continue
        with timezone.override(zone(p.user.time_zone)):
            notify(
                p.user,
                kind,
                {
                    "meeting": meeting,
                    "relationship": meeting.relationship,
                    "actor": actor,
                    "is_mentee": p.role != Participant.Role.MENTOR,
                    "time_zone": timezone.get_current_timezone_name(),
                },
                url,
                attachments=attachments,
            )


# Changes -----------------------------------------------------------------------------------


@transaction.atomic
def propose_meeting(
    relationship: Relationship,
    user,
    *,
    starts_at,
    duration_minutes: int,
    format: str,
    location: str = "",
    agenda: str = "",
    goals: Iterable = (),
    message: str = "",
    replaces: Meeting | None = None,
    now=None,
) -> Meeting:
    now = now or timezone.now()
    ensure_participant(relationship, user)
    _ensure_bookable(relationship)
    goals = list(goals)
    location, agenda = location.strip(), agenda.strip()
    _validate_time(starts_at, duration_minutes, now)
    _validate_details(relationship, format, location, agenda, goals)
    meeting = Meeting.objects.create(
        relationship=relationship,
        proposed_by=user,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=format,
        location=location,
        agenda=agenda,
        message=message.strip()[:1000],
        replaces=replaces,
    )
    meeting.goals.set(goals)
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, user_id=p.user_id)
        for p in relationship.participants.all()
        if p.user_id != user.pk
    )
    audit(user, "meeting.proposed", meeting, relationship.program_id)
    _tell(meeting, "meeting_invitation", user)
    return meeting


@transaction.atomic
def answer_meeting(meeting: Meeting, user, accept: bool, message: str = "", now=None) -> Meeting:
    now = now or timezone.now()
    relationship = meeting.relationship
    ensure_participant(relationship, user)
    if accept:
        _ensure_bookable(relationship)
    else:
        ensure_open(relationship)
    meeting = _lock(meeting)
    if meeting.status != Meeting.Status.PROPOSED:
        raise ValidationError(_("This meeting is no longer waiting for answers."))
    _ensure_live_and_ahead(meeting, now)
    attendee = meeting.attendees.filter(user=user).first()
    if attendee is None:
        raise ValidationError(_("You proposed this meeting: the others answer it."))
    attendee.response = Attendee.Response.ACCEPTED if accept else Attendee.Response.DECLINED
    attendee.responded_at = now
    attendee.save(update_fields=["response", "responded_at"])
    if not accept and message.strip():
        meeting.message = message.strip()[:1000]
    responses = list(meeting.attendees.values_list("response", flat=True))
    if Attendee.Response.PENDING not in responses:
        if Attendee.Response.ACCEPTED in responses:
            meeting.status = Meeting.Status.ACCEPTED
        else:
            meeting.status = Meeting.Status.DECLINED
            meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "message", "updated_at"])
    audit(
        user, "meeting.accepted" if accept else "meeting.declined", meeting, relationship.program_id
    )
    if meeting.status == Meeting.Status.ACCEPTED:
        # Everyone, the one who accepted included, gets the confirmed event for their calendar.
        _tell(meeting, "meeting_accepted", None)
    elif meeting.status == Meeting.Status.DECLINED:
        _tell(meeting, "meeting_declined", user, method="CANCEL")
    else:
        # A group meeting still waits for others: tell the proposer only, no calendar change.
        if meeting.proposed_by_id:
            _tell(meeting, "meeting_answered", user, method=None, only=meeting.proposed_by)
    return meeting


@transaction.atomic
def propose_another_time(
    meeting: Meeting,
    user,
    *,
    starts_at,
    duration_minutes: int | None = None,
    message: str = "",
    now=None,
) -> Meeting:
    """Decline an invitation and invite everyone to another time instead."""
    now = now or timezone.now()
    relationship = meeting.relationship
    ensure_participant(relationship, user)
    _ensure_bookable(relationship)
    old = _lock(meeting)
    if old.status != Meeting.Status.PROPOSED or not old.attendees.filter(user=user).exists():
        raise ValidationError(_("Only an invitation waiting for your answer can get another time."))
    _ensure_live_and_ahead(old, now)
    duration_minutes = duration_minutes or old.duration_minutes
    _validate_time(starts_at, duration_minutes, now)
    old.attendees.filter(user=user).update(response=Attendee.Response.DECLINED, responded_at=now)
    old.status = Meeting.Status.DECLINED
    old.sequence += 1
    old.message = message.strip()[:1000]
    old.save(update_fields=["status", "sequence", "message", "updated_at"])
    audit(user, "meeting.declined", old, relationship.program_id)
    _tell(old, "meeting_declined", user, method="CANCEL")
    return propose_meeting(
        relationship,
        user,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=old.format,
        location=old.location,
        agenda=old.agenda,
        goals=list(old.goals.all()),
        message=message,
        replaces=old,
        now=now,
    )


@transaction.atomic
def reschedule_meeting(
    meeting: Meeting,
    user,
    *,
    starts_at,
    duration_minutes: int | None = None,
    message: str = "",
    now=None,
) -> Meeting:
    """A new time for the same meeting: the others are asked again."""
    now = now or timezone.now()
    relationship = meeting.relationship
    ensure_participant(relationship, user)
    _ensure_bookable(relationship)
    meeting = _lock(meeting)
    _ensure_live_and_ahead(meeting, now)
    duration_minutes = duration_minutes or meeting.duration_minutes
    _validate_time(starts_at, duration_minutes, now)
    if starts_at == meeting.starts_at and duration_minutes == meeting.duration_minutes:
        raise ValidationError(_("Choose a different time from the current one."))
    meeting.starts_at, meeting.duration_minutes = starts_at, duration_minutes
    meeting.status = Meeting.Status.PROPOSED
    meeting.sequence += 1
    meeting.message = message.strip()[:1000]
    # The one who moves the meeting now organizes it; everyone else answers anew.
    meeting.proposed_by = user
    meeting.save()
    meeting.attendees.all().delete()
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, user_id=p.user_id)
        for p in relationship.participants.all()
        if p.user_id != user.pk
    )
    audit(user, "meeting.rescheduled", meeting, relationship.program_id)
    _tell(meeting, "meeting_updated", user)
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, user, message: str, now=None) -> Meeting:
    now = now or timezone.now()
    relationship = meeting.relationship
    ensure_participant(relationship, user)
    ensure_open(relationship)
    if not message.strip():
        raise ValidationError(_("Tell the others why you cancel."))
    meeting = _lock(meeting)
    _ensure_live_and_ahead(meeting, now)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.message = message.strip()[:1000]
    meeting.save(update_fields=["status", "sequence", "message", "updated_at"])
    audit(user, "meeting.cancelled", meeting, relationship.program_id)
    _tell(meeting, "meeting_cancelled", user, method="CANCEL")
    return meeting


@transaction.atomic
def update_agenda(meeting: Meeting, user, agenda: str, goals: Iterable = (), now=None) -> Meeting:
    """The agenda and linked goals; no new invitation (the meeting page shows the latest)."""
    now = now or timezone.now()
    relationship = meeting.relationship
    ensure_participant(relationship, user)
    ensure_open(relationship)
    goals = list(goals)
    meeting = _lock(meeting)
    if meeting.status not in LIVE or meeting.ends_at <= now:
        raise ValidationError(_("Only the agenda of an upcoming meeting can change."))
    _validate_details(relationship, meeting.format, meeting.location, agenda.strip(), goals)
    meeting.agenda = agenda.strip()
    meeting.save(update_fields=["agenda", "updated_at"])
    meeting.goals.set(goals)
    return meeting


class _AlreadyLogged(Exception):
    pass


def confirm_happened(meeting: Meeting, user, now=None) -> SessionLog:
    """One tap after the meeting: the first one logs the session, another participant's tap
    confirms it. Safe to tap twice."""
    now = now or timezone.now()
    relationship = meeting.relationship
    ensure_participant(relationship, user)
    ensure_open(relationship)
    meeting.refresh_from_db(fields=["status", "session", "starts_at", "duration_minutes"])
    if meeting.status != Meeting.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted meeting can be logged as a session."))
    if meeting.ends_at > now:
        raise ValidationError(_("Confirm the meeting once it has ended."))
    if meeting.session_id is None:
        try:
            with transaction.atomic():
                session = session_service.log_session(
                    relationship,
                    user,
                    occurred_at=meeting.starts_at,
                    duration_minutes=meeting.duration_minutes,
                    format=meeting.format,
                    topics=(),
                )
                # Claim: two people tapping at once must not log the meeting twice.
                if not Meeting.objects.filter(pk=meeting.pk, session__isnull=True).update(
                    session=session
                ):
                    raise _AlreadyLogged
        except _AlreadyLogged:
            meeting.refresh_from_db(fields=["session"])
        else:
            meeting.session = session
            return session
    session = SessionLog.objects.get(pk=meeting.session_id)
    session.relationship = relationship
    if session.confirmed_at is None and session.logged_by_id != user.pk:
        session_service.confirm_session(session, user)
    return session


# Lists -------------------------------------------------------------------------------------


def _ends(meetings: QuerySet[Meeting], now, after: bool) -> Q:
    """Meetings ending after (or by) `now`: one condition per duration in use, since adding a
    column of minutes to a timestamp has no portable SQL (SQLite cannot multiply durations)."""
    durations = set(meetings.values_list("duration_minutes", flat=True).order_by().distinct())
    q = Q(pk__in=[])
    for minutes in durations:
        edge = now - dt.timedelta(minutes=minutes)
        when = Q(starts_at__gt=edge) if after else Q(starts_at__lte=edge)
        q |= Q(duration_minutes=minutes) & when
    return q


def upcoming(meetings: QuerySet[Meeting], now=None) -> QuerySet[Meeting]:
    """Proposed or accepted meetings that have not ended yet, soonest first."""
    now = now or timezone.now()
    live = meetings.filter(status__in=LIVE)
    return live.filter(_ends(live, now, after=True)).order_by("starts_at", "id")


def past(meetings: QuerySet[Meeting], now=None) -> QuerySet[Meeting]:
    """Meetings that ended, or were declined or cancelled, latest first."""
    now = now or timezone.now()
    return meetings.filter(~Q(status__in=LIVE) | _ends(meetings, now, after=False)).order_by(
        "-starts_at", "-id"
    )


def to_confirm(meetings: QuerySet[Meeting], user, now=None) -> QuerySet[Meeting]:
    """Accepted meetings that ended recently and wait for this participant's "it happened"."""
    now = now or timezone.now()
    accepted = meetings.filter(status=Meeting.Status.ACCEPTED, starts_at__gt=now - CONFIRM_WINDOW)
    return (
        accepted.filter(_ends(accepted, now, after=False))
        .filter(
            Q(session__isnull=True)
            | (Q(session__confirmed_at__isnull=True) & ~Q(session__logged_by=user))
        )
        .order_by("-starts_at", "-id")
    )
