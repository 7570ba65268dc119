"""Meetings follow the relationship's people: when a coordinator replaces a mentor, the one who
left stops being invited to (and reminded of) upcoming meetings, and the one who joins is."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from lodestar.mentoring.models import Participant

from .models import Attendee, Meeting

LIVE = [Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED]


def _upcoming(relationship_id: int):
    return Meeting.objects.filter(
        relationship_id=relationship_id, status__in=LIVE, starts_at__gt=timezone.now()
    )


@receiver(post_delete, sender=Participant, dispatch_uid="scheduling.participant_left")
def participant_left(sender, instance: Participant, **kwargs) -> None:
    Attendee.objects.filter(
        user_id=instance.user_id, meeting__in=_upcoming(instance.relationship_id)
    ).delete()


@receiver(post_save, sender=Participant, dispatch_uid="scheduling.participant_joined")
def participant_joined(sender, instance: Participant, created: bool, **kwargs) -> None:
    if not created:
        return
    Attendee.objects.bulk_create(
        [
            Attendee(meeting=m, user_id=instance.user_id)
            for m in _upcoming(instance.relationship_id).exclude(proposed_by_id=instance.user_id)
        ],
        ignore_conflicts=True,
    )
