"""The membership state machine: every allowed status change, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The button that moves a membership to a status says what it does.
ACTION_LABELS = {
    Status.APPROVED: _("Approve"),
    Status.WAITLISTED: _("Waitlist"),
    Status.DECLINED: _("Decline"),
    Status.ACTIVE: _("Mark active"),
    Status.COMPLETED: _("Mark completed"),
    Status.WITHDRAWN: _("Withdraw"),
}

# to-status -> the statuses it may be reached from, and who may make the move.
COORDINATOR = "coordinator"
MEMBER = "member"

TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.APPLIED, Status.APPROVED): COORDINATOR,
    (Status.APPLIED, Status.WAITLISTED): COORDINATOR,
    (Status.APPLIED, Status.DECLINED): COORDINATOR,
    (Status.WAITLISTED, Status.APPROVED): COORDINATOR,
    (Status.WAITLISTED, Status.DECLINED): COORDINATOR,
    # A coordinator may reconsider a decline.
    (Status.DECLINED, Status.APPROVED): COORDINATOR,
    (Status.DECLINED, Status.WAITLISTED): COORDINATOR,
    (Status.APPROVED, Status.ACTIVE): COORDINATOR,
    (Status.ACTIVE, Status.COMPLETED): COORDINATOR,
    # Members may leave at any point before the end; coordinators may record it for them.
    (Status.APPLIED, Status.WITHDRAWN): MEMBER,
    (Status.WAITLISTED, Status.WITHDRAWN): MEMBER,
    (Status.APPROVED, Status.WITHDRAWN): MEMBER,
    (Status.ACTIVE, Status.WITHDRAWN): MEMBER,
}

# Statuses that hold a place in a cohort (a member cannot apply twice while in one).
OPEN_STATUSES = {Status.APPLIED, Status.APPROVED, Status.WAITLISTED, Status.ACTIVE}
# Statuses in which a member is in the program and sees onboarding.
ADMITTED_STATUSES = {Status.APPROVED, Status.ACTIVE, Status.COMPLETED}


def allowed_targets(current: str, by_coordinator: bool) -> list[str]:
    """Statuses reachable from `current` by a coordinator (all moves) or by the member."""
    return [
        to
        for (frm, to), who in TRANSITIONS.items()
        if frm == current and (by_coordinator or who == MEMBER)
    ]


def can_transition(current: str, target: str, by_coordinator: bool) -> bool:
    who = TRANSITIONS.get((current, target))
    return who is not None and (by_coordinator or who == MEMBER)
