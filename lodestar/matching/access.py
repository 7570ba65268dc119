"""Who may see a mentor request: its mentee, its mentor and the program's coordinators."""

from django.http import Http404

from lodestar.core.models import audit
from lodestar.programs.access import is_coordinator

from .models import MatchRequest


def get_request_for(user, pk: int) -> MatchRequest:
    request = (
        MatchRequest.objects.select_related(
            "program", "mentee__user__profile", "mentor__user__profile", "mentee__cohort"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    if user.pk in (request.mentee.user_id, request.mentor.user_id):
        return request
    if is_coordinator(user, request.program):
        return request
    audit(user, "access.denied", request, request.program_id)
    raise Http404


def get_own_membership(user, pk: int, mentor: bool = False):
    """One of the user's own memberships; anyone else's is 404."""
    from lodestar.programs.models import Membership, Role

    roles = [Role.MENTOR, Role.BOTH] if mentor else [Role.MENTEE, Role.BOTH]
    membership = (
        Membership.objects.select_related("program", "cohort", "track", "user__profile")
        .filter(pk=pk, user=user, role__in=roles)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def get_round_for(user, pk: int):
    """Rounds are for the program's coordinators only."""
    from .models import MatchRound

    matching_round = MatchRound.objects.select_related("program", "cohort").filter(pk=pk).first()
    if matching_round is None:
        raise Http404
    if not is_coordinator(user, matching_round.program):
        audit(user, "access.denied", matching_round, matching_round.program_id)
        raise Http404
    return matching_round


def get_pair_for(user, pk: int):
    """A published pair for the two people in it; any pair for the program's coordinators."""
    from .models import MatchRound, ProposedPair

    pair = (
        ProposedPair.objects.select_related(
            "round__program", "mentee__user__profile", "mentor__user__profile", "mentee__cohort"
        )
        .filter(pk=pk)
        .first()
    )
    if pair is None:
        raise Http404
    if is_coordinator(user, pair.round.program):
        return pair
    published = pair.round.status == MatchRound.Status.PUBLISHED
    if published and user.pk in (pair.mentee.user_id, pair.mentor.user_id):
        return pair
    audit(user, "access.denied", pair.round, pair.round.program_id)
    raise Http404
