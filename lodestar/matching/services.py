"""Requests and rounds: every change atomic, audited, notified, and capacity-safe."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.mentoring.models import Participant, Relationship
from lodestar.mentoring.services import create_relationship
from lodestar.mentoring.states import OPEN_STATUSES
from lodestar.notifications.services import notify
from lodestar.programs.models import Membership, Role
from lodestar.programs.states import Status

from .models import MatchRequest

MAX_PENDING_REQUESTS = 3
ADMITTED = [Status.APPROVED, Status.ACTIVE]


def mentor_load(mentor: Membership) -> int:
    """Open relationships the mentor leads in this cohort."""
    return (
        Relationship.objects.filter(
            cohort_id=mentor.cohort_id,
            status__in=OPEN_STATUSES,
            participants__user_id=mentor.user_id,
            participants__role=Participant.Role.MENTOR,
        )
        .distinct()
        .count()
    )


def is_matched(mentee: Membership) -> bool:
    return Relationship.objects.filter(
        cohort_id=mentee.cohort_id,
        status__in=OPEN_STATUSES,
        participants__user_id=mentee.user_id,
        participants__role__in=[Participant.Role.MENTEE, Participant.Role.PEER],
    ).exists()


def mentee_membership(user, cohort) -> Membership | None:
    return Membership.objects.filter(
        user=user, cohort=cohort, role__in=[Role.MENTEE, Role.BOTH], status__in=ADMITTED
    ).first()


def can_take_requests(mentor: Membership) -> bool:
    return (
        mentor.role in {Role.MENTOR, Role.BOTH}
        and mentor.status in ADMITTED
        and mentor.accepting_requests
        and mentor_load(mentor) < (mentor.capacity or 0)
    )


@transaction.atomic
def request_mentor(
    mentee: Membership, mentor: Membership, note: str, score=None, explanation: str = ""
) -> MatchRequest:
    if mentee.cohort_id != mentor.cohort_id:
        raise ValidationError(_("Choose a mentor of your own cohort."))
    if mentee.user_id == mentor.user_id:
        raise ValidationError(_("You cannot request yourself."))
    if mentee.role not in {Role.MENTEE, Role.BOTH} or mentee.status not in ADMITTED:
        raise ValidationError(_("Only approved mentees can request a mentor."))
    if not note.strip():
        raise ValidationError({"note": _("Say in a sentence or two why this mentor.")})
    if not can_take_requests(mentor):
        raise ValidationError(_("This mentor is not taking new mentees right now."))
    if is_matched(mentee):
        raise ValidationError(_("You already have a mentor in this cohort."))
    pending = MatchRequest.objects.filter(mentee=mentee, status=MatchRequest.Status.PENDING)
    if pending.filter(mentor=mentor).exists():
        raise ValidationError(_("You have already asked this mentor."))
    if pending.count() >= MAX_PENDING_REQUESTS:
        raise ValidationError(
            _("You can have %(n)d requests waiting at once.") % {"n": MAX_PENDING_REQUESTS}
        )
    request = MatchRequest.objects.create(
        program_id=mentee.program_id,
        mentee=mentee,
        mentor=mentor,
        note=note.strip(),
        score=score,
        explanation=explanation,
    )
    audit(mentee.user, "match_request.created", request, mentee.program_id)
    notify(
        mentor.user,
        "match_request",
        {"request": request, "mentee": mentee.user, "program": mentee.program},
        request.get_absolute_url(),
    )
    return request


@transaction.atomic
def accept_request(request: MatchRequest, mentor_user) -> Relationship:
    """Accept within the mentor's capacity, even when many accepts race for the last place."""
    # Lock the mentor's membership first: concurrent accepts for this mentor queue up here.
    mentor = Membership.objects.select_for_update().get(pk=request.mentor_id)
    mentee = Membership.objects.select_for_update().get(pk=request.mentee_id)
    locked = MatchRequest.objects.select_for_update().get(pk=request.pk)
    if mentor.user_id != mentor_user.pk:
        raise ValidationError(_("Only the requested mentor can accept."))
    if locked.status != MatchRequest.Status.PENDING:
        raise ValidationError(_("This request is no longer waiting for an answer."))
    if mentor_load(mentor) >= (mentor.capacity or 0):
        raise ValidationError(
            _("You are at your capacity of %(n)d mentees. Raise it or finish a relationship first.")
            % {"n": mentor.capacity or 0}
        )
    if is_matched(mentee):
        raise ValidationError(_("This mentee has just been matched with someone else."))
    relationship = create_relationship(
        mentee.cohort,
        mentee.track,
        [mentor.user],
        [mentee.user],
        mentor_user,
        source=Relationship.Source.REQUEST,
        explanation=locked.explanation,
        score=locked.score,
    )
    now = timezone.now()
    locked.status, locked.responded_at = MatchRequest.Status.ACCEPTED, now
    locked.save(update_fields=["status", "responded_at", "updated_at"])
    MatchRequest.objects.filter(mentee=mentee, status=MatchRequest.Status.PENDING).update(
        status=MatchRequest.Status.CLOSED, responded_at=now, updated_at=now
    )
    audit(mentor_user, "match_request.accepted", locked, locked.program_id)
    return relationship


@transaction.atomic
def decline_request(request: MatchRequest, mentor_user, reason: str, pause: bool = False) -> None:
    locked = MatchRequest.objects.select_for_update().select_related("mentor").get(pk=request.pk)
    if locked.mentor.user_id != mentor_user.pk:
        raise ValidationError(_("Only the requested mentor can decline."))
    if locked.status != MatchRequest.Status.PENDING:
        raise ValidationError(_("This request is no longer waiting for an answer."))
    locked.status = MatchRequest.Status.DECLINED
    locked.decline_reason = reason.strip()[:500]
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
    if pause:
        Membership.objects.filter(pk=locked.mentor_id).update(accepting_requests=False)
    audit(mentor_user, "match_request.declined", locked, locked.program_id, paused=pause)
    notify(
        locked.mentee.user,
        "match_request_declined",
        {"request": locked, "program": locked.program},
        locked.get_absolute_url(),
    )


@transaction.atomic
def withdraw_request(request: MatchRequest, mentee_user) -> None:
    locked = MatchRequest.objects.select_for_update().select_related("mentee").get(pk=request.pk)
    if locked.mentee.user_id != mentee_user.pk:
        raise ValidationError(_("Only the mentee who asked can withdraw."))
    if locked.status != MatchRequest.Status.PENDING:
        raise ValidationError(_("This request is no longer waiting for an answer."))
    locked.status, locked.responded_at = MatchRequest.Status.WITHDRAWN, timezone.now()
    locked.save(update_fields=["status", "responded_at", "updated_at"])


def set_accepting_requests(mentor: Membership, accepting: bool, actor) -> None:
    Membership.objects.filter(pk=mentor.pk).update(accepting_requests=accepting)
    audit(actor, "mentor.accepting_requests", mentor, mentor.program_id, accepting=accepting)


MAX_RANKED = 5


@transaction.atomic
def save_ranking(mentee: Membership, choices: list[tuple[Membership, str]]) -> None:
    """Replace a mentee's ranked choices (best first), each with a reason."""
    if mentee.role not in {Role.MENTEE, Role.BOTH} or mentee.status not in ADMITTED:
        raise ValidationError(_("Only approved mentees can rank mentors."))
    if len(choices) > MAX_RANKED:
        raise ValidationError(_("Rank at most %(n)d mentors.") % {"n": MAX_RANKED})
    mentors = [m for m, _reason in choices]
    if len({m.pk for m in mentors}) != len(mentors):
        raise ValidationError(_("Rank each mentor only once."))
    for mentor, reason in choices:
        if mentor.cohort_id != mentee.cohort_id or mentor.role not in {Role.MENTOR, Role.BOTH}:
            raise ValidationError(_("Choose mentors of your own cohort."))
        if not reason.strip():
            raise ValidationError(_("Give a reason for %(name)s.") % {"name": mentor.user.name})
    from .models import RankedChoice

    RankedChoice.objects.filter(mentee=mentee).delete()
    RankedChoice.objects.bulk_create(
        RankedChoice(mentee=mentee, mentor=m, rank=k, reason=r.strip()[:300])
        for k, (m, r) in enumerate(choices, start=1)
    )
    audit(mentee.user, "matching.ranking_saved", mentee, mentee.program_id, count=len(choices))
