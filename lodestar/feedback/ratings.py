"""Session ratings: a quick 1-5 (and an optional word) from each participant after a session."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.mentoring.models import Relationship, SessionLog
from lodestar.mentoring.services import ensure_open, ensure_participant

from .models import SessionRating

MAX_COMMENT = 500


@transaction.atomic
def rate_session(session: SessionLog, user, rating: int, comment: str = "") -> SessionRating:
    """Rate a session once; rating it again changes the rating."""
    relationship = session.relationship
    ensure_participant(relationship, user)
    ensure_open(relationship)
    if session.occurred_at > timezone.now():
        raise ValidationError(_("Rate a session once it has happened."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(_("Rate the session from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(_("Keep the comment under %(n)s characters.") % {"n": MAX_COMMENT})
    found, _created = SessionRating.objects.update_or_create(
        session=session, user=user, defaults={"rating": rating, "comment": comment}
    )
    return found


def rating_of(session: SessionLog, user) -> SessionRating | None:
    return SessionRating.objects.filter(session=session, user=user).first()


def summary(relationship: Relationship) -> dict:
    """The average rating of the relationship's sessions and how many ratings it rests on."""
    return SessionRating.objects.filter(session__relationship=relationship).aggregate(
        average=Avg("rating"), count=Count("id")
    )
