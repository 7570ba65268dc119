"""Suggestions, mentor requests and coordinator rounds, through the same services as the pages."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.matching import rounds, services, suggestions
from lodestar.matching.access import get_own_membership, get_request_for, get_round_for
from lodestar.matching.models import MatchRequest, MatchRound
from lodestar.matching.profiles import mentors_with_load
from lodestar.programs.access import get_program_for

from ..pagination import Pagination
from ..schemas import MAX_ID, MAX_LIMIT, ErrorOut, ValidationErrorOut, choices

router = Router(tags=["matching"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Slug = Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class SuggestionOut(Schema):
    mentor_membership_id: int
    name: str
    headline: str
    score: float
    explanation: str


class RequestIn(Schema):
    mentee_membership_id: int = Field(ge=1, le=MAX_ID)
    mentor_membership_id: int = Field(ge=1, le=MAX_ID)
    note: str = Field(min_length=1, max_length=1000)


class DeclineIn(Schema):
    reason: str = Field("", max_length=500)
    pause: bool = False


class RequestOut(Schema):
    id: int
    program: str = Field(alias="program.slug")
    mentee: str = Field(alias="mentee.user.name")
    mentor: str = Field(alias="mentor.user.name")
    note: str
    status: choices(MatchRequest.Status, "RequestStatus")
    decline_reason: str
    explanation: str
    created_at: datetime


class RelationshipRef(Schema):
    id: int
    status: str


class RoundIn(Schema):
    cohort_id: int = Field(ge=1, le=MAX_ID)


class PairOut(Schema):
    id: int
    mentee_membership_id: int = Field(alias="mentee_id")
    mentor_membership_id: int = Field(alias="mentor_id")
    score: float
    locked: bool
    explanation: str
    mentee_response: str
    mentor_response: str


class RoundOut(Schema):
    id: int
    cohort_id: int
    status: choices(MatchRound.Status, "RoundStatus")
    progress: int
    metrics: dict
    created_at: datetime


class RoundDetailOut(RoundOut):
    pairs: list[PairOut]
    unmatched: list[dict]


@router.get(
    "/suggestions/{membership_id}",
    response={200: list[SuggestionOut], **ERRORS},
    summary="My suggested mentors, with the reasons (one of my mentee memberships)",
)
def my_suggestions(request: HttpRequest, membership_id: Id) -> list[dict]:
    mentee = get_own_membership(request.user, membership_id)
    return [
        {
            "mentor_membership_id": s.mentor.pk,
            "name": s.mentor.user.name,
            "headline": s.mentor.user.profile.headline,
            "score": round(s.score, 4),
            "explanation": s.text,
        }
        for s in suggestions.suggest_for(mentee)
    ]


@router.get(
    "/requests",
    response={200: list[RequestOut], 422: ValidationErrorOut},
    summary="Requests I made or received",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def my_requests(request: HttpRequest):
    from django.db.models import Q

    mine = Q(mentee__user=request.user) | Q(mentor__user=request.user)
    return (
        MatchRequest.objects.filter(mine)
        .select_related("program", "mentee__user__profile", "mentor__user__profile")
        .order_by("-created_at", "-id")
    )


@router.post("/requests", response={201: RequestOut, **ERRORS}, summary="Ask a mentor")
def make_request(request: HttpRequest, payload: RequestIn) -> Status:
    mentee = get_own_membership(request.user, payload.mentee_membership_id)
    mentor = mentors_with_load(mentee.cohort).filter(pk=payload.mentor_membership_id).first()
    if mentor is None:
        raise ValidationError(_("Choose a mentor of your cohort."))
    fit = suggestions.explain(mentee, mentor)
    made = services.request_mentor(mentee, mentor, payload.note, fit.score, fit.text)
    return Status(201, get_request_for(request.user, made.pk))


@router.post(
    "/requests/{id}/accept",
    response={200: RelationshipRef, **ERRORS},
    summary="Accept a request (the mentor)",
)
def accept(request: HttpRequest, id: Id):
    return services.accept_request(get_request_for(request.user, id), request.user)


@router.post(
    "/requests/{id}/decline",
    response={200: RequestOut, **ERRORS},
    summary="Decline a request (the mentor), optionally pausing new ones",
)
def decline(request: HttpRequest, id: Id, payload: DeclineIn):
    services.decline_request(get_request_for(request.user, id), request.user, payload.reason,
                             payload.pause)  # fmt: skip
    return get_request_for(request.user, id)


@router.post(
    "/requests/{id}/withdraw",
    response={200: RequestOut, **ERRORS},
    summary="Withdraw my request (the mentee)",
)
def withdraw(request: HttpRequest, id: Id):
    services.withdraw_request(get_request_for(request.user, id), request.user)
    return get_request_for(request.user, id)


@router.get(
    "/programs/{slug}/rounds",
    response={200: list[RoundOut], **ERRORS},
    summary="A program's matching rounds (coordinators)",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def round_list(request: HttpRequest, slug: Slug):
    program = get_program_for(request.user, slug, manage=True)
    return program.match_rounds.order_by("-created_at", "-id")


@router.post(
    "/programs/{slug}/rounds",
    response={202: RoundOut, **ERRORS},
    summary="Run a matching round for a cohort (coordinators); it solves in the background",
)
def start(request: HttpRequest, slug: Slug, payload: RoundIn) -> Status:
    program = get_program_for(request.user, slug, manage=True)
    cohort = program.cohorts.filter(pk=payload.cohort_id).first()
    if cohort is None:
        raise ValidationError(_("Choose a cohort of this program."))
    return Status(202, rounds.start_round(program, cohort, request.user))


@router.get(
    "/rounds/{id}",
    response={200: RoundDetailOut, **ERRORS},
    summary="A round with its proposed pairs and the unmatched (coordinators)",
)
def round_detail(request: HttpRequest, id: Id):
    matching_round = get_round_for(request.user, id)
    return {
        **{f: getattr(matching_round, f) for f in RoundOut.model_fields},
        "pairs": list(matching_round.pairs.all()),
        "unmatched": [
            {"mentee_membership_id": u.mentee_id, "reason": u.reason}
            for u in matching_round.unmatched.all()
        ],
    }


@router.post(
    "/rounds/{id}/publish",
    response={200: RoundOut, **ERRORS},
    summary="Publish a round: both people of each pair are asked to confirm (coordinators)",
)
def publish(request: HttpRequest, id: Id):
    matching_round = get_round_for(request.user, id)
    rounds.publish(matching_round, request.user)
    matching_round.refresh_from_db()
    return matching_round
