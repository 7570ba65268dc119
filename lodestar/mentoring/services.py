"""Changes to relationships: atomic, logged on the relationship's timeline and in the audit log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify
from lodestar.programs.access import is_coordinator
from lodestar.programs.models import Cohort, Track

from .attention import refresh as refresh_attention
from .models import Participant, Relationship, RelationshipEvent
from .states import OPEN_STATUSES, TRANSITIONS, Status


@transaction.atomic
def create_relationship(
    cohort: Cohort,
    track: Track,
    mentors: list,
    mentees: list,
    actor,
    source: str = Relationship.Source.MANUAL,
    explanation: str = "",
    score: float | None = None,
) -> Relationship:
    """Start a relationship; peers are passed as mentees of a track of kind peer."""
    if not mentees or (not mentors and not track.is_peer):
        raise ValidationError(_("A relationship needs a mentor and at least one mentee."))
    if track.program_id != cohort.program_id:
        raise ValidationError(_("Choose a track of the cohort's program."))
    if track.is_peer:
        kind = Relationship.Kind.PEER
    elif len(mentees) > 1 or len(mentors) > 1:
        kind = Relationship.Kind.GROUP
    else:
        kind = Relationship.Kind.ONE_TO_ONE
    # Where the program asks for an agreement, the pair starts once both have accepted one.
    status = Status.PROPOSED if cohort.program.requires_agreement else Status.ACTIVE
    relationship = Relationship.objects.create(
        program_id=cohort.program_id,
        cohort=cohort,
        track=track,
        kind=kind,
        source=source,
        status=status,
        match_explanation=explanation,
        match_score=score,
    )
    peer_role = Participant.Role.PEER if track.is_peer else Participant.Role.MENTEE
    Participant.objects.bulk_create(
        [
            Participant(relationship=relationship, user=u, role=Participant.Role.MENTOR)
            for u in mentors
        ]
        + [Participant(relationship=relationship, user=u, role=peer_role) for u in mentees]
    )
    RelationshipEvent.objects.create(
        relationship=relationship,
        to_status=status,
        actor=_person(actor),
        note=str(Relationship.Source(source).label),
    )
    audit(actor, "relationship.created", relationship, relationship.program_id, source=source)
    for user in [*mentors, *mentees]:
        notify(
            user,
            "relationship_started",
            {"relationship": relationship, "program": relationship.program},
            relationship.get_absolute_url(),
        )
    return relationship


def _person(actor):
    return actor if actor is not None and actor.is_authenticated else None


def ensure_open(relationship: Relationship) -> None:
    """Closed relationships are read-only history."""
    if relationship.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This relationship is closed: its history stays readable but cannot change.")
        )


def ensure_participant(relationship: Relationship, user) -> str:
    role = relationship.role_of(user)
    if role is None:
        raise ValidationError(_("Only the people in this relationship can do this."))
    return role


def record_touchpoint(relationship: Relationship, when=None) -> None:
    """A session or message happened: keep the last touchpoint and the attention flag current
    (session figures are figures.refresh_sessions' job)."""
    when = when or timezone.now()
    this = Relationship.objects.filter(pk=relationship.pk)
    # Only ever forward, in one statement, so two touchpoints at once keep the later one.
    this.filter(Q(last_touchpoint_at__isnull=True) | Q(last_touchpoint_at__lt=when)).update(
        last_touchpoint_at=when
    )
    relationship.refresh_from_db(
        fields=["session_count", "session_minutes", "first_session_at", "last_touchpoint_at"]
    )
    refresh_attention(relationship)


@transaction.atomic
def change_status(relationship: Relationship, target: str, actor, note: str = "", until=None):
    locked = Relationship.objects.select_for_update().get(pk=relationship.pk)
    current = locked.status
    if (current, target) not in TRANSITIONS:
        raise ValidationError(
            _("A relationship that is %(a)s cannot become %(b)s.")
            % {"a": Status(current).label.lower(), "b": Status(target).label.lower()}
        )
    if current == Status.PROPOSED and target == Status.ACTIVE and not may_start(locked, actor):
        raise ValidationError(
            _("The relationship starts once everyone has accepted the agreement.")
        )
    if target == Status.ENDED and not note.strip():
        raise ValidationError(_("Say why the relationship ends early."))
    if target == Status.PAUSED:
        if until is None or until <= timezone.localdate():
            raise ValidationError(_("Choose the date you expect to come back."))
        relationship.paused_until = until
    else:
        relationship.paused_until = None
    if target in {Status.COMPLETED, Status.ENDED}:
        relationship.ended_on = timezone.localdate()
        relationship.end_reason = note[:500] if target == Status.ENDED else ""
    relationship.status = target
    # Only these fields: the caller's copy may hold stale figures (sessions, touchpoints).
    relationship.save(
        update_fields=["status", "paused_until", "ended_on", "end_reason", "updated_at"]
    )
    RelationshipEvent.objects.create(
        relationship=relationship,
        from_status=current,
        to_status=target,
        actor=_person(actor),
        note=note,
    )
    audit(actor, f"relationship.{target}", relationship, relationship.program_id)
    for participant in relationship.participants.all():
        if participant.user_id != getattr(actor, "pk", None):
            notify(
                participant.user,
                "relationship_status",
                {"relationship": relationship, "actor": actor, "note": note},
                relationship.get_absolute_url(),
            )
    return relationship


def may_start(relationship: Relationship, actor) -> bool:
    """Whether `actor` may move a proposed relationship to active by hand: where the program asks
    for an agreement, only its acceptance (or a coordinator) starts the pair."""
    if not relationship.program.requires_agreement or actor is None:
        return True
    if is_coordinator(actor, relationship.program):
        return True
    return relationship.agreements.filter(accepted_at__isnull=False).exists()


def open_relationship_count(user) -> int:
    return Relationship.objects.filter(
        participants__user=user,
        participants__role=Participant.Role.MENTOR,
        status__in=OPEN_STATUSES,
    ).count()
