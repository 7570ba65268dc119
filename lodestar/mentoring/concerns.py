"""Concerns (code of conduct, safety): for the program's coordinators only.

An anonymous report keeps no link to its reporter: no reporter, no relationship (in a pair that
would name them), no audit entry, a notification that names nobody. The daily limit on
anonymous reports is counted under a keyed hash of the person and the day, which rotates daily
and is never stored next to the report.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify

from .models import Concern, Relationship
from .services import ensure_participant

ANONYMOUS_PER_DAY = 3


def _limit_key(user, day: dt.date) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"concern:{user.pk}:{day.isoformat()}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"concern-limit:{digest}"


def _take_anonymous_slot(user, day: dt.date) -> None:
    key = _limit_key(user, day)
    # The counter outlives its day a little, never more: the key rotates with the date anyway.
    cache.add(key, 0, timeout=60 * 60 * 25)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60 * 60 * 25)
        count = 1
    if count > ANONYMOUS_PER_DAY:
        raise ValidationError(
            _("You have sent %(n)s anonymous reports today. Try again tomorrow.")
            % {"n": ANONYMOUS_PER_DAY}
        )


def concerns_url(program) -> str:
    return reverse("mentoring:concerns", args=[program.slug])


@transaction.atomic
def report_concern(
    relationship: Relationship, user, category: str, body: str, anonymous: bool = False
) -> Concern:
    """A participant reports a concern; it stays open to them even after the relationship ends."""
    ensure_participant(relationship, user)
    if category not in Concern.Category.values:
        raise ValidationError(_("Choose what the concern is about."))
    body = body.strip()
    if not body:
        raise ValidationError(_("Describe what happened."))
    program = relationship.program
    if anonymous:
        _take_anonymous_slot(user, timezone.localdate())
        concern = Concern.objects.create(program=program, category=category, body=body)
        reporter = None
    else:
        concern = Concern.objects.create(
            program=program,
            relationship=relationship,
            reporter=user,
            category=category,
            body=body,
        )
        reporter = user
        audit(user, "concern.reported", concern, program.pk)
    for coordinator in program.coordinators.all():
        notify(
            coordinator,
            "concern_reported",
            {"concern": concern, "program": program, "reporter": reporter},
            concerns_url(program),
        )
    return concern


@transaction.atomic
def resolve_concern(concern: Concern, actor, resolution: str) -> Concern:
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.resolved_at is not None:
        raise ValidationError(_("This concern is already resolved."))
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError(_("Write how the concern was resolved."))
    concern.resolved_at = timezone.now()
    concern.resolution = resolution
    concern.save(update_fields=["resolved_at", "resolution"])
    audit(actor, "concern.resolved", concern, concern.program_id)
    if concern.reporter_id:
        # The resolution note is the coordinators' record; the reporter learns it was handled.
        notify(
            concern.reporter,
            "concern_resolved",
            {"concern": concern, "program": concern.program},
            "",
        )
    return concern
