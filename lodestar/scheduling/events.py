"""Program events: RSVP with a first-come waiting list, attendance, cancellation.

Every RSVP change locks the event row first and keeps `event.going` in step with the going
RSVPs, so the places hold when many people answer at once.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.programs.access import is_coordinator
from lodestar.programs.models import Program

from . import ics
from .models import Event, Rsvp
from .office_hours import invitation, tell
from .program_access import admitted_memberships, can_attend, can_manage_event

EDITABLE = (
    "kind", "title", "description", "cohort", "host", "starts_at", "duration_minutes", "format",
    "location", "capacity", "resources", "round_minutes",
)  # fmt: skip
_is_url = URLValidator(schemes=["http", "https"])


def as_link(text: str) -> str | None:
    """`text` when it is a plain http(s) URL, safe to put in an href; None otherwise."""
    text = text.strip()
    if not text.lower().startswith(("http://", "https://")) or any(c.isspace() for c in text):
        return None
    try:
        _is_url(text)
    except ValidationError:
        return None
    return text


def resource_lines(event: Event) -> list[tuple[str, str | None]]:
    """The resources, one (text, link or None) per non-empty line."""
    return [(line.strip(), as_link(line)) for line in event.resources.splitlines() if line.strip()]


def event_ics(answer: Rsvp, cancel: bool = False) -> dict:
    event = answer.event
    return invitation(
        ics.rsvp_event(answer),
        event.host,
        answer.user,
        cancel=cancel or event.status == Event.Status.CANCELLED,
    )


def _lock(event_id: int) -> Event:
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("program", "cohort", "host__profile")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise ValidationError(_("This event no longer exists."))
    return event


def _check(event: Event, fields: dict) -> None:
    host, cohort = fields.get("host"), fields.get("cohort")
    if cohort is not None and cohort.program_id != event.program_id:
        raise ValidationError({"cohort": _("Choose a cohort of this program.")})
    if host is not None and not (is_coordinator(host, event.program) or can_attend(host, event)):
        raise ValidationError(
            {"host": _("The host must be a coordinator or member of the program.")}
        )
    if fields.get("capacity") == 0:
        raise ValidationError({"capacity": _("Leave the places empty for no limit.")})


@transaction.atomic
def create_event(actor, program: Program, **fields) -> Event:
    if not is_coordinator(actor, program):
        raise ValidationError(_("Only the program's coordinators can create events."))
    event = Event(program=program, **fields)
    _check(event, fields)
    event.full_clean()
    event.save()
    audit(actor, "event.created", event, program.pk)
    if event.host_id and event.host_id != actor.pk:
        tell(event.host, "event_host", {"event": event, "actor": actor}, event.get_absolute_url())
    return event


@transaction.atomic
def update_event(event: Event, actor, **fields) -> Event:
    """Change an event; the people going get the updated invitation, and new places go to the
    waiting list."""
    locked = _lock(event.pk)
    if not can_manage_event(actor, locked):
        raise ValidationError(_("Only the host or a coordinator can change this event."))
    if locked.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is cancelled."))
    if (
        "host" in fields
        and fields["host"] != locked.host
        and not is_coordinator(actor, locked.program)
    ):
        raise ValidationError({"host": _("Only a coordinator can change the host.")})
    _check(locked, fields)
    timing = any(
        fields.get(k, getattr(locked, k)) != getattr(locked, k)
        for k in ("starts_at", "duration_minutes", "location", "title")
    )
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.full_clean()
    if timing:
        locked.sequence += 1
    locked.save()
    promoted = _fill_places(locked)
    if timing:
        for rsvp in locked.rsvps.filter(status=Rsvp.Status.GOING).select_related("user__profile"):
            if rsvp in promoted:
                continue
            rsvp.event = locked
            tell(
                rsvp.user,
                "event_updated",
                {"event": locked},
                locked.get_absolute_url(),
                attachments=[event_ics(rsvp)],
            )
    audit(actor, "event.updated", locked, locked.program_id)
    return locked


def _fill_places(event: Event) -> list[Rsvp]:
    """Move people from the waiting list while places are free (event row already locked)."""
    promoted = []
    while event.capacity is None or event.going < event.capacity:
        first = (
            event.rsvps.select_for_update(of=("self",))
            .filter(status=Rsvp.Status.WAITLISTED)
            .select_related("user__profile")
            .order_by("created_at", "id")
            .first()
        )
        if first is None:
            break
        first.status, first.event = Rsvp.Status.GOING, event
        first.save(update_fields=["status", "updated_at"])
        event.going += 1
        promoted.append(first)
        tell(
            first.user,
            "event_promoted",
            {"event": event},
            event.get_absolute_url(),
            attachments=[event_ics(first)],
        )
    if promoted:
        event.save(update_fields=["going"])
    return promoted


def _open_for_answers(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is cancelled."))
    if event.starts_at <= timezone.now():
        raise ValidationError(_("This event has already started."))


@transaction.atomic
def rsvp(event_id: int, user) -> Rsvp:
    """Going while places are left, else on the waiting list (first come, first served)."""
    event = _lock(event_id)
    if not can_attend(user, event):
        raise ValidationError(_("This event is for the program's members."))
    _open_for_answers(event)
    answer = event.rsvps.select_for_update().filter(user=user).first()
    if answer is not None and answer.status != Rsvp.Status.CANCELLED:
        raise ValidationError(_("You have already answered this event."))
    full = event.capacity is not None and event.going >= event.capacity
    status = Rsvp.Status.WAITLISTED if full else Rsvp.Status.GOING
    if answer is None:
        answer = Rsvp.objects.create(event=event, user=user, status=status)
    else:
        # Back of the queue: the place in the waiting list is by the latest answer.
        answer.status, answer.created_at, answer.attended = status, timezone.now(), None
        answer.save(update_fields=["status", "created_at", "attended", "updated_at"])
    url = event.get_absolute_url()
    if status == Rsvp.Status.GOING:
        event.going += 1
        event.save(update_fields=["going"])
        tell(user, "event_going", {"event": event}, url, attachments=[event_ics(answer)])
    else:
        tell(user, "event_waitlisted", {"event": event}, url)
    return answer


@transaction.atomic
def cancel_rsvp(event_id: int, user) -> list[Rsvp]:
    """Withdraw an answer; a freed place goes to the first person waiting. Returns those
    promoted."""
    event = _lock(event_id)
    _open_for_answers(event)
    answer = event.rsvps.select_for_update().filter(user=user).first()
    if answer is None or answer.status == Rsvp.Status.CANCELLED:
        raise ValidationError(_("You have no answer to withdraw."))
    was_going = answer.status == Rsvp.Status.GOING
    answer.status = Rsvp.Status.CANCELLED
    answer.save(update_fields=["status", "updated_at"])
    if not was_going:
        return []
    event.going = max(event.going - 1, 0)
    event.save(update_fields=["going"])
    tell(
        user,
        "event_rsvp_cancelled",
        {"event": event},
        event.get_absolute_url(),
        attachments=[event_ics(answer, cancel=True)],
    )
    return _fill_places(event)


@transaction.atomic
def mark_attendance(event: Event, actor, attended: dict[int, bool | None]) -> int:
    """Record who came, by RSVP id; only the people going can be marked. Returns how many."""
    locked = _lock(event.pk)
    if not can_manage_event(actor, locked):
        raise ValidationError(_("Only the host or a coordinator can mark attendance."))
    if locked.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is cancelled."))
    if locked.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be marked once the event has started."))
    going = {r.pk: r for r in locked.rsvps.filter(status=Rsvp.Status.GOING)}
    unknown = set(attended) - set(going)
    if unknown:
        raise ValidationError(_("Only people who are going can be marked."))
    changed = []
    for pk, value in attended.items():
        if going[pk].attended != value:
            going[pk].attended = value
            changed.append(going[pk])
    Rsvp.objects.bulk_update(changed, ["attended"])
    audit(actor, "event.attendance", locked, locked.program_id, marked=len(changed))
    return len(changed)


@transaction.atomic
def cancel_event(event: Event, actor, message: str = "") -> int:
    """Cancel for everyone: the people going or waiting are told, with a calendar cancellation."""
    locked = _lock(event.pk)
    if not can_manage_event(actor, locked):
        raise ValidationError(_("Only the host or a coordinator can cancel this event."))
    if locked.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is already cancelled."))
    if locked.ends_at <= timezone.now():
        raise ValidationError(_("This event is over."))
    locked.status = Event.Status.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    answers = list(
        locked.rsvps.filter(status__in=[Rsvp.Status.GOING, Rsvp.Status.WAITLISTED]).select_related(
            "user__profile"
        )
    )
    for answer in answers:
        answer.event = locked
        tell(
            answer.user,
            "event_cancelled",
            {"event": locked, "message": message.strip(), "actor": actor},
            locked.get_absolute_url(),
            attachments=[event_ics(answer, cancel=True)],
        )
    audit(actor, "event.cancelled", locked, locked.program_id, told=len(answers))
    return len(answers)


def upcoming_events(program: Program, user, since: dt.datetime, until: dt.datetime) -> QuerySet:
    """Scheduled events the user may see between the two moments."""
    events = Event.objects.filter(
        program=program, status=Event.Status.SCHEDULED, starts_at__gte=since, starts_at__lt=until
    ).select_related("host__profile", "cohort")
    if is_coordinator(user, program):
        return events
    cohorts = {m.cohort_id for m in admitted_memberships(user, program)}
    return events.filter(Q(cohort__isnull=True) | Q(cohort_id__in=cohorts) | Q(host=user))
