"""Session logs, private notes, action items and mentor hours.

One participant logs a session, another confirms it; only confirmed sessions count as mentor
hours. Private notes belong to their author alone: nothing here returns another person's note.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify

from .figures import refresh_sessions
from .models import ActionItem, Participant, PrivateNote, Relationship, SessionLog
from .services import ensure_open, ensure_participant, record_touchpoint
from .states import OPEN_STATUSES

MAX_ACTION_ITEMS = 3
MIN_MINUTES, MAX_MINUTES = 5, 480


@dataclass(frozen=True)
class NewAction:
    title: str
    assignee: object
    due_on: object = None


def _validate_session(relationship: Relationship, occurred_at, duration_minutes, format, topics):
    errors = []
    if occurred_at is None:
        errors.append(_("Say when the session took place."))
    elif occurred_at > timezone.now():
        errors.append(_("A session cannot be in the future: log it once it has happened."))
    elif timezone.localdate(occurred_at) < relationship.started_on:
        errors.append(
            _("A session cannot be before the relationship started (%(d)s).")
            % {"d": relationship.started_on.isoformat()}
        )
    if not isinstance(duration_minutes, int) or not (
        MIN_MINUTES <= duration_minutes <= MAX_MINUTES
    ):
        errors.append(
            _("The duration must be between %(a)s and %(b)s minutes.")
            % {"a": MIN_MINUTES, "b": MAX_MINUTES}
        )
    if format not in SessionLog.Format.values:
        errors.append(_("Choose how you met."))
    if any(not skill.is_active for skill in topics):
        errors.append(_("Topics must be skills that are still in use."))
    if errors:
        raise ValidationError(errors)


def _participant_ids(relationship: Relationship) -> set[int]:
    return {p.user_id for p in relationship.participants.all()}


def _validate_action(relationship: Relationship, action: NewAction) -> None:
    if not action.title.strip():
        raise ValidationError(_("Give each action item a title."))
    if getattr(action.assignee, "pk", None) not in _participant_ids(relationship):
        raise ValidationError(_("Assign each action item to someone in this relationship."))


@transaction.atomic
def log_session(
    relationship: Relationship,
    user,
    *,
    occurred_at,
    duration_minutes: int,
    format: str,
    topics: Iterable = (),
    shared_notes: str = "",
    next_steps: str = "",
    private_note: str = "",
    actions: Iterable[NewAction] = (),
) -> SessionLog:
    ensure_open(relationship)
    ensure_participant(relationship, user)
    topics, actions = list(topics), list(actions)
    _validate_session(relationship, occurred_at, duration_minutes, format, topics)
    if len(actions) > MAX_ACTION_ITEMS:
        raise ValidationError(
            _("Add at most %(n)s action items with a session.") % {"n": MAX_ACTION_ITEMS}
        )
    for action in actions:
        _validate_action(relationship, action)
    session = SessionLog.objects.create(
        relationship=relationship,
        logged_by=user,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        format=format,
        shared_notes=shared_notes.strip(),
        next_steps=next_steps.strip(),
    )
    session.topics.set(topics)
    if private_note.strip():
        PrivateNote.objects.create(session=session, author=user, body=private_note.strip())
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                relationship=relationship,
                session=session,
                assignee=a.assignee,
                title=a.title.strip(),
                due_on=a.due_on,
                created_by=user,
            )
            for a in actions
        ]
    )
    refresh_sessions(relationship.pk)
    record_touchpoint(relationship, occurred_at)
    audit(user, "session.logged", session, relationship.program_id)
    url = relationship.get_absolute_url()
    for participant in relationship.participants.all():
        if participant.user_id != user.pk:
            notify(
                participant.user,
                "session_logged",
                {"relationship": relationship, "session": session, "actor": user},
                url,
            )
    return session


def _ensure_editable(session: SessionLog, user) -> None:
    ensure_open(session.relationship)
    if session.logged_by_id != user.pk:
        raise ValidationError(_("Only the person who logged a session can change it."))
    if session.confirmed_at is not None:
        raise ValidationError(_("This session is confirmed: it can no longer change."))


@transaction.atomic
def update_session(
    session: SessionLog,
    user,
    *,
    occurred_at,
    duration_minutes: int,
    format: str,
    topics: Iterable = (),
    shared_notes: str = "",
    next_steps: str = "",
) -> SessionLog:
    _ensure_editable(session, user)
    topics = list(topics)
    _validate_session(session.relationship, occurred_at, duration_minutes, format, topics)
    session.occurred_at = occurred_at
    session.duration_minutes = duration_minutes
    session.format = format
    session.shared_notes = shared_notes.strip()
    session.next_steps = next_steps.strip()
    session.save(
        update_fields=["occurred_at", "duration_minutes", "format", "shared_notes", "next_steps"]
    )
    session.topics.set(topics)
    refresh_sessions(session.relationship_id)
    record_touchpoint(session.relationship, occurred_at)
    return session


@transaction.atomic
def delete_session(session: SessionLog, user) -> None:
    _ensure_editable(session, user)
    relationship = session.relationship
    audit(user, "session.deleted", session, relationship.program_id)
    session.delete()
    # Not the last touchpoint: it may come from a message or another room's record.
    refresh_sessions(relationship.pk)


def confirm_session(session: SessionLog, user) -> SessionLog:
    relationship = session.relationship
    ensure_open(relationship)
    ensure_participant(relationship, user)
    if session.logged_by_id == user.pk:
        raise ValidationError(_("The other side confirms a session, not the person who logged it."))
    now = timezone.now()
    # A conditional update, so two people confirming at once cannot both succeed.
    claimed = SessionLog.objects.filter(pk=session.pk, confirmed_at__isnull=True).update(
        confirmed_by=user, confirmed_at=now
    )
    if not claimed:
        raise ValidationError(_("This session is already confirmed."))
    session.confirmed_by, session.confirmed_at = user, now
    audit(user, "session.confirmed", session, relationship.program_id)
    return session


def save_private_note(session: SessionLog, user, body: str) -> PrivateNote | None:
    """Write the author's own note on a session; an empty note removes it."""
    ensure_open(session.relationship)
    ensure_participant(session.relationship, user)
    body = body.strip()
    if not body:
        PrivateNote.objects.filter(session=session, author=user).delete()
        return None
    note, _created = PrivateNote.objects.update_or_create(
        session=session, author=user, defaults={"body": body}
    )
    return note


def private_note_of(session: SessionLog, user) -> PrivateNote | None:
    """The viewer's own note: the only private note anyone is ever shown."""
    if not user.is_authenticated:
        return None
    return PrivateNote.objects.filter(session=session, author=user).first()


def awaiting_confirmation(relationship: Relationship, user) -> QuerySet[SessionLog]:
    """Sessions someone else logged that this participant can confirm."""
    if relationship.role_of(user) is None:
        return SessionLog.objects.none()
    return relationship.sessions.filter(confirmed_at__isnull=True).exclude(logged_by=user)


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 1)


def mentor_hours(user, program=None) -> float:
    """Hours of confirmed sessions in relationships where the user is a mentor."""
    sessions = SessionLog.objects.filter(
        confirmed_at__isnull=False,
        relationship__participants__user=user,
        relationship__participants__role=Participant.Role.MENTOR,
    )
    if program is not None:
        sessions = sessions.filter(relationship__program=program)
    return _hours(sessions.aggregate(total=Sum("duration_minutes"))["total"])


def hours_together(relationship: Relationship) -> float:
    total = relationship.sessions.filter(confirmed_at__isnull=False).aggregate(
        total=Sum("duration_minutes")
    )["total"]
    return _hours(total)


# Action items ----------------------------------------------------------------------------


def add_action_item(
    relationship: Relationship, user, title: str, assignee, due_on=None
) -> ActionItem:
    ensure_open(relationship)
    ensure_participant(relationship, user)
    action = NewAction(title=title, assignee=assignee, due_on=due_on)
    _validate_action(relationship, action)
    item = ActionItem.objects.create(
        relationship=relationship,
        assignee=assignee,
        title=title.strip(),
        due_on=due_on,
        created_by=user,
    )
    if assignee.pk != user.pk:
        notify(
            assignee,
            "action_assigned",
            {"relationship": relationship, "item": item, "actor": user},
            relationship.get_absolute_url(),
        )
    return item


def set_action_done(item: ActionItem, user, done: bool) -> ActionItem:
    ensure_open(item.relationship)
    if user.pk not in {item.assignee_id, item.created_by_id}:
        raise ValidationError(_("Only the assignee or the person who added it can tick it off."))
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    return item


def open_actions(relationship: Relationship) -> QuerySet[ActionItem]:
    return relationship.action_items.filter(done_at__isnull=True).select_related(
        "assignee__profile"
    )


def open_actions_of(user) -> QuerySet[ActionItem]:
    """A member's open items in open relationships they are still part of, overdue first."""
    return (
        ActionItem.objects.filter(
            assignee=user,
            done_at__isnull=True,
            relationship__status__in=OPEN_STATUSES,
            relationship__participants__user=user,
        )
        .select_related("relationship__program")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "id")
    )


def is_overdue(item: ActionItem, today=None) -> bool:
    today = today or timezone.localdate()
    return item.done_at is None and item.due_on is not None and item.due_on < today
