from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.programs import services
from lodestar.programs.access import (
    get_membership_for,
    get_program_for,
    is_coordinator,
    visible_programs,
)
from lodestar.programs.models import IntakeQuestion, Membership, Program
from lodestar.programs.states import Status as MembershipStatus

from ..pagination import Pagination
from ..schemas import (
    MAX_ID,
    MAX_LIMIT,
    ApplicationIn,
    ErrorOut,
    MembershipOut,
    MyMembershipOut,
    ProgramDetailOut,
    ProgramOut,
    QuestionOut,
    TransitionIn,
    ValidationErrorOut,
)

router = Router(tags=["programs"])


# The shape Program.slug allows, so a malformed slug is a 422 before it reaches the database.
Slug = Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]
MembershipId = Annotated[int, Path(ge=1, le=MAX_ID)]


class MembershipFilters(Schema):
    status: MembershipStatus | None = None


@router.get(
    "",
    response={200: list[ProgramOut], 422: ValidationErrorOut},
    summary="Programs I may see",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def program_list(request: HttpRequest):
    return visible_programs(request.user).order_by("name", "pk")


@router.get(
    "/{slug}",
    response={200: ProgramDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="One program, its tracks and cohorts",
)
def program_detail(request: HttpRequest, slug: Slug) -> Program:
    program = get_program_for(request.user, slug)
    prefetch_related_objects([program], "tracks", "cohorts")
    return program


@router.get(
    "/{slug}/questions",
    response={200: list[QuestionOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="A program's intake questions, to answer when applying",
)
def program_questions(request: HttpRequest, slug: Slug) -> list[IntakeQuestion]:
    program = get_program_for(request.user, slug)
    return list(program.questions.all())


@router.get(
    "/{slug}/memberships",
    response={200: list[MembershipOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="A program's memberships (coordinators only)",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def program_memberships(request: HttpRequest, slug: Slug, filters: Query[MembershipFilters]):
    program = get_program_for(request.user, slug, manage=True)
    memberships = Membership.objects.filter(program=program).select_related(
        "user__profile", "cohort", "track"
    )
    if filters.status is not None:
        memberships = memberships.filter(status=filters.status)
    return memberships.order_by("-created_at", "-id")


@router.post(
    "/{slug}/applications",
    response={
        201: MyMembershipOut,
        400: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Apply to a cohort of a program",
)
def apply(request: HttpRequest, slug: Slug, payload: ApplicationIn) -> Status:
    program = get_program_for(request.user, slug)
    cohort = program.cohorts.filter(pk=payload.cohort_id).first()
    track = program.tracks.filter(pk=payload.track_id).first()
    if cohort is None or track is None:
        raise ValidationError(_("Choose a cohort and track of this program."))
    membership = services.apply(
        request.user,
        program,
        cohort,
        track,
        payload.role,
        payload.answers_by_question(),
        capacity=payload.capacity,
    )
    return Status(201, membership)


@router.post(
    "/{slug}/memberships/{id}/transitions",
    response={200: MembershipOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Change a membership's status (coordinators; members may withdraw)",
)
def membership_transition(
    request: HttpRequest, slug: Slug, id: MembershipId, payload: TransitionIn
) -> Membership:
    program = get_program_for(request.user, slug)
    membership = get_membership_for(request.user, program, id)
    # A member may only make the moves the state machine gives members: withdrawing.
    by_coordinator = is_coordinator(request.user, program)
    return services.transition(
        membership, payload.status, request.user, payload.note, by_coordinator=by_coordinator
    )
