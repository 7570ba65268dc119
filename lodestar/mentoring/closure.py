"""How relationships end or change hands: closure (and the graduation opt-in), rematch requests,
and a coordinator replacing a mentor."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify
from lodestar.programs.access import is_coordinator
from lodestar.programs.models import Membership, Role
from lodestar.programs.states import Status as MembershipStatus

from .models import Closure, Participant, Relationship, RelationshipEvent
from .services import change_status, ensure_open, ensure_participant, open_relationship_count
from .states import OPEN_STATUSES, Status

MENTEE_ROLES = {Participant.Role.MENTEE, Participant.Role.PEER}


def _notify_coordinators(relationship: Relationship, kind: str, context: dict, url: str) -> None:
    for coordinator in relationship.program.coordinators.all():
        notify(coordinator, kind, {"relationship": relationship, **context}, url)


def _others(relationship: Relationship, user) -> list:
    return [p.user for p in relationship.participants.all() if p.user_id != user.pk]


@transaction.atomic
def close_relationship(
    relationship: Relationship,
    user,
    objectives_met: str,
    reflection: str = "",
    mentor_next_time: bool = False,
) -> Closure:
    """A participant's closing words; the first one completes an active or paused relationship.

    Adding closing words to a completed relationship is the one write a closed relationship
    allows, so the others can still answer after the first closed it.
    """
    role = ensure_participant(relationship, user)
    locked = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if locked.status not in {Status.ACTIVE, Status.PAUSED, Status.COMPLETED}:
        raise ValidationError(_("Only an active, paused or completed relationship can be closed."))
    if objectives_met not in Closure.Met.values:
        raise ValidationError(_("Say whether you met your objectives."))
    if Closure.objects.filter(relationship=relationship, user=user).exists():
        raise ValidationError(_("You already added your closing words."))
    closure = Closure.objects.create(
        relationship=relationship,
        user=user,
        objectives_met=objectives_met,
        reflection=reflection,
        # Graduation is a mentee's path; a mentor's answer would mean nothing.
        mentor_next_time=bool(mentor_next_time) and role in MENTEE_ROLES,
    )
    audit(user, "relationship.closure", relationship, relationship.program_id)
    if locked.status != Status.COMPLETED:
        change_status(
            relationship, Status.COMPLETED, user, _("Closed by %(name)s.") % {"name": user.name}
        )
        for other in _others(relationship, user):
            notify(
                other,
                "closure_your_turn",
                {"relationship": relationship, "closer": user},
                relationship.get_absolute_url(),
            )
    if closure.mentor_next_time:
        _notify_coordinators(
            relationship, "closure_would_mentor", {"member": user}, relationship.get_absolute_url()
        )
    return closure


@transaction.atomic
def request_rematch(relationship: Relationship, user, reason: str) -> bool:
    """A mentee asks to be matched again; True when the relationship ended.

    The reason goes to the coordinators only; the timeline and the others get a neutral note.
    Ending the relationship puts the mentee back in matching, which counts open ones only. In a
    group, ending it would end it for everyone: the coordinators are asked to move them instead.
    """
    role = ensure_participant(relationship, user)
    if role not in MENTEE_ROLES:
        raise ValidationError(_("Only mentees and peers can ask for a rematch."))
    ensure_open(relationship)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell your coordinators why, so they can find a better match."))
    mentees = [p for p in relationship.participants.all() if p.role in MENTEE_ROLES]
    ended = relationship.kind != Relationship.Kind.GROUP and len(mentees) <= 2
    if ended:
        note = _("Rematch requested: %(name)s asked to be matched with someone new.") % {
            "name": user.name
        }
        change_status(relationship, Status.ENDED, user, note=note)
    audit(user, "relationship.rematch_requested", relationship, relationship.program_id)
    _notify_coordinators(
        relationship,
        "rematch_requested",
        {"member": user, "reason": reason, "ended": ended},
        relationship.get_absolute_url(),
    )
    return ended


def eligible_mentors(relationship: Relationship):
    """Users admitted as mentors in the relationship's cohort, not already in it."""
    from django.contrib.auth import get_user_model

    members = Membership.objects.filter(
        cohort=relationship.cohort,
        role__in=[Role.MENTOR, Role.BOTH],
        status__in=[MembershipStatus.APPROVED, MembershipStatus.ACTIVE],
    )
    current = [p.user_id for p in relationship.participants.all()]
    return (
        get_user_model()
        .objects.filter(memberships__in=members)
        .exclude(pk__in=current)
        .select_related("profile")
        .distinct()
        .order_by("profile__display_name", "email")
    )


@transaction.atomic
def reassign_mentor(relationship: Relationship, old_mentor, new_mentor, actor, message: str):
    """A coordinator replaces a mentor; the timeline keeps who mentored before."""
    if not is_coordinator(actor, relationship.program):
        raise ValidationError(_("Only the program's coordinators can reassign a relationship."))
    Relationship.objects.select_for_update().filter(pk=relationship.pk).first()
    relationship.refresh_from_db(fields=["status"])
    if relationship.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This relationship is closed: its history stays readable but cannot change.")
        )
    message = message.strip()
    if not message:
        raise ValidationError(_("Write a message to everyone in the relationship."))
    old = relationship.participants.filter(user=old_mentor, role=Participant.Role.MENTOR).first()
    if old is None:
        raise ValidationError(_("Choose a mentor of this relationship to replace."))
    if not eligible_mentors(relationship).filter(pk=new_mentor.pk).exists():
        raise ValidationError(
            _("Choose a mentor admitted to this cohort who is not already in it.")
        )
    # Locked like accepting a request locks it, so the two cannot both take the last place.
    membership = (
        Membership.objects.select_for_update()
        .filter(user=new_mentor, cohort=relationship.cohort)
        .exclude(capacity__isnull=True)
        .first()
    )
    if membership and open_relationship_count(new_mentor) >= membership.capacity:
        raise ValidationError(
            _("%(name)s has no room left (capacity %(n)s).")
            % {"name": new_mentor.name, "n": membership.capacity}
        )
    old.delete()
    Participant.objects.create(
        relationship=relationship, user=new_mentor, role=Participant.Role.MENTOR
    )
    note = _("Mentor changed from %(old)s to %(new)s: %(message)s") % {
        "old": old_mentor.name,
        "new": new_mentor.name,
        "message": message,
    }
    RelationshipEvent.objects.create(
        relationship=relationship,
        from_status=relationship.status,
        to_status=relationship.status,
        actor=actor,
        note=note[:2000],
        created_at=timezone.now(),
    )
    audit(
        actor,
        "relationship.reassigned",
        relationship,
        relationship.program_id,
        old_mentor=old_mentor.pk,
        new_mentor=new_mentor.pk,
    )
    # Forget the cached participants, so the lists below and the caller see the new mentor.
    relationship = (
        Relationship.objects.prefetch_related("participants__user__profile")
        .select_related("program")
        .get(pk=relationship.pk)
    )
    context = {"relationship": relationship, "old": old_mentor, "new": new_mentor}
    context["message"] = message
    url = relationship.get_absolute_url()
    notify(old_mentor, "reassign_removed", context, "")
    notify(new_mentor, "reassign_added", context, url)
    for mentee in relationship.mentees():
        notify(mentee, "reassign_mentees", context, url)
    return relationship
