"""Who may see a relationship: its participants and its program's coordinators."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from lodestar.core.models import audit
from lodestar.programs.access import is_coordinator

from .models import Participant, Relationship


def _with_people(relationships: QuerySet[Relationship]) -> QuerySet[Relationship]:
    return relationships.select_related("program", "cohort", "track").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("user__profile"))
    )


def relationships_of(user) -> QuerySet[Relationship]:
    return _with_people(Relationship.objects.filter(participants__user=user).distinct())


def get_relationship_for(user, pk: int, manage: bool = False) -> Relationship:
    """A relationship its participants may see, or any of a program for its coordinators."""
    relationship = _with_people(Relationship.objects.filter(pk=pk)).first()
    if relationship is None:
        raise Http404
    if is_coordinator(user, relationship.program):
        return relationship
    is_participant = any(p.user_id == user.pk for p in relationship.participants.all())
    if manage or not is_participant:
        audit(user, "access.denied", relationship, relationship.program_id)
        raise Http404
    return relationship


def program_relationships(program) -> QuerySet[Relationship]:
    return _with_people(program.relationships.all())
