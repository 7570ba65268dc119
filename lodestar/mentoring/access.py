"""Who may see a relationship: its participants and its program's coordinators."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from lodestar.core.models import audit
from lodestar.programs.access import is_coordinator

from .hub import Viewer
from .models import Participant, Relationship


def _with_people(relationships: QuerySet[Relationship]) -> QuerySet[Relationship]:
    return relationships.select_related("program", "cohort", "track").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("user__profile"))
    )


def relationships_of(user) -> QuerySet[Relationship]:
    return _with_people(Relationship.objects.filter(participants__user=user).distinct())


def get_relationship_for(
    user, pk: int, manage: bool = False, participate: bool = False
) -> Relationship:
    """A relationship its participants may see, or any of a program for its coordinators.

    `manage` admits coordinators only; `participate` admits participants only (the pair's own
    writing: goals, sessions, journals). Everyone else gets a 404, logged as a denied access.
    """
    relationship = _with_people(Relationship.objects.filter(pk=pk)).first()
    if relationship is None:
        raise Http404
    is_participant = relationship.role_of(user) is not None
    allowed = is_coordinator(user, relationship.program) or is_participant
    if manage:
        allowed = is_coordinator(user, relationship.program)
    if participate:
        allowed = is_participant
    if not allowed:
        audit(user, "access.denied", relationship, relationship.program_id)
        raise Http404
    return relationship


def viewer_of(relationship: Relationship, user) -> Viewer:
    return Viewer(
        user=user,
        role=relationship.role_of(user),
        is_coordinator=is_coordinator(user, relationship.program),
    )


def program_relationships(program) -> QuerySet[Relationship]:
    return _with_people(program.relationships.all())
