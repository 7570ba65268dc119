"""Check-ins: a short pulse from each participant, the early fit check and milestone reviews.

When a check-in is due (for one participant of an active relationship):
- a milestone review, when the latest cohort milestone whose date has passed fell while the
  relationship ran (it started on or before that date) and they have not answered it yet;
- otherwise the regular pulse: `program.checkin_every_days` after their last check-in. Their
  first one is due after the relationship's first session (that is the early fit check) or once
  `checkin_every_days` have passed since it started, whichever comes first.
A participant may also check in before it is due, once a day at most.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify
from lodestar.programs.models import Milestone

from . import attention
from .models import CheckIn, Relationship
from .services import ensure_participant
from .states import Status

CHECKIN_STATUSES = {Status.ACTIVE, Status.PAUSED}


@dataclass(frozen=True)
class Due:
    """What a participant's next check-in is, and whether it is due now."""

    is_due: bool
    milestone: Milestone | None
    stage: str  # "start", "midpoint" or "close" for a milestone review, "" otherwise
    asks_fit: bool


def stage_of(milestone: Milestone, milestones: list[Milestone]) -> str:
    """The first milestone reviews the start, the last the close, the others the midpoint."""
    if milestones and milestone.pk == milestones[0].pk:
        return "start"
    if milestones and milestone.pk == milestones[-1].pk:
        return "close"
    return "midpoint"


def _milestones(relationship: Relationship) -> list[Milestone]:
    return list(relationship.cohort.milestones.order_by("due_on", "id"))


def pending_milestone(relationship: Relationship, user, today: dt.date | None = None):
    """The milestone review the user owes, or None.

    Only the latest milestone that has passed counts: a missed kick-off review is stale once the
    midpoint has come.
    """
    if relationship.status != Status.ACTIVE:
        return None
    today = today or timezone.localdate()
    milestones = _milestones(relationship)
    passed = [m for m in milestones if m.due_on <= today]
    if not passed:
        return None
    latest = passed[-1]
    if latest.due_on < relationship.started_on:
        return None
    answered = CheckIn.objects.filter(relationship=relationship, author=user, milestone=latest)
    if answered.exists():
        return None
    return latest, stage_of(latest, milestones)


def asks_fit(relationship: Relationship, user) -> bool:
    """Their first check-in after the relationship's first session asks "is this a good fit?"."""
    first = relationship.sessions.order_by("occurred_at", "id").first()
    if first is None:
        return False
    return not CheckIn.objects.filter(
        relationship=relationship, author=user, created_at__gte=first.occurred_at
    ).exists()


def due_for(relationship: Relationship, user, now: dt.datetime | None = None) -> Due:
    now = now or timezone.now()
    fit = asks_fit(relationship, user)
    pending = pending_milestone(relationship, user, timezone.localdate(now))
    if pending is not None:
        return Due(True, pending[0], pending[1], fit)
    if relationship.status != Status.ACTIVE:
        return Due(False, None, "", fit)
    every = dt.timedelta(days=relationship.program.checkin_every_days)
    last = CheckIn.objects.filter(relationship=relationship, author=user).first()
    if last is not None:
        is_due = now - last.created_at >= every
    else:
        started = timezone.make_aware(dt.datetime.combine(relationship.started_on, dt.time()))
        is_due = fit or now - started >= every
    return Due(is_due, None, "", fit)


@transaction.atomic
def submit_checkin(
    relationship: Relationship,
    user,
    rating: int,
    meeting_as_agreed: str,
    blockers: str = "",
    comment: str = "",
    good_fit: bool | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Record a participant's check-in; a "not a good fit" answer alerts the coordinators."""
    ensure_participant(relationship, user)
    # One writer at a time per relationship, so a milestone review cannot be answered twice.
    Relationship.objects.select_for_update().filter(pk=relationship.pk).first()
    relationship.refresh_from_db(fields=["status"])
    if relationship.status not in CHECKIN_STATUSES:
        raise ValidationError(_("Check-ins are for active or paused relationships."))
    now = now or timezone.now()
    if rating not in range(1, 6):
        raise ValidationError(_("Rate how it is going from 1 to 5."))
    if meeting_as_agreed not in CheckIn.Meeting.values:
        raise ValidationError(_("Say whether you are meeting as agreed."))
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
    if CheckIn.objects.filter(
        relationship=relationship, author=user, created_at__gte=today_start
    ).exists():
        raise ValidationError(_("You already checked in today. Come back tomorrow."))
    due = due_for(relationship, user, now)
    if due.asks_fit and good_fit is None:
        raise ValidationError(_("Say whether this is a good fit."))
    checkin = CheckIn.objects.create(
        relationship=relationship,
        author=user,
        milestone=due.milestone,
        rating=rating,
        meeting_as_agreed=meeting_as_agreed,
        blockers=blockers,
        comment=comment,
        good_fit=good_fit if due.asks_fit else None,
        created_at=now,
    )
    attention.refresh(relationship, now)
    if checkin.good_fit is False:
        audit(user, "checkin.not_a_good_fit", relationship, relationship.program_id)
        role = relationship.role_of(user)
        for coordinator in relationship.program.coordinators.all():
            notify(
                coordinator,
                "checkin_not_a_good_fit",
                {"relationship": relationship, "author": user, "role": role},
                relationship.get_absolute_url(),
            )
    return checkin


def latest_by_participant(relationship: Relationship) -> list[tuple[object, CheckIn | None]]:
    """Each participant with their latest check-in (one query for the check-ins)."""
    latest: dict[int, CheckIn] = {}
    for checkin in relationship.checkins.select_related("milestone").order_by("created_at", "id"):
        latest[checkin.author_id] = checkin
    return [(p, latest.get(p.user_id)) for p in relationship.participants.all()]
