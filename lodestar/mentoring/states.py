"""The relationship lifecycle: every allowed change, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended early")


TRANSITIONS: set[tuple[str, str]] = {
    (Status.PROPOSED, Status.ACTIVE),
    (Status.PROPOSED, Status.ENDED),
    (Status.ACTIVE, Status.PAUSED),
    (Status.PAUSED, Status.ACTIVE),
    # A mentor may complete early: it counts as completed, not cancelled.
    (Status.ACTIVE, Status.COMPLETED),
    (Status.PAUSED, Status.COMPLETED),
    (Status.ACTIVE, Status.ENDED),
    (Status.PAUSED, Status.ENDED),
}
OPEN_STATUSES = {Status.PROPOSED, Status.ACTIVE, Status.PAUSED}

ACTION_LABELS = {
    Status.ACTIVE: _("Start"),
    Status.PAUSED: _("Pause"),
    Status.COMPLETED: _("Complete"),
    Status.ENDED: _("End early"),
}


def allowed_targets(current: str) -> list[str]:
    return [to for frm, to in sorted(TRANSITIONS) if frm == current]
