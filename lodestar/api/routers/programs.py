from typing import Annotated

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from lodestar.programs.access import get_program_for, visible_programs
from lodestar.programs.models import Membership, Program
from lodestar.programs.states import Status

from ..schemas import MAX_LIMIT, MembershipOut, ProgramDetailOut, ProgramOut

router = Router(tags=["programs"])


# The shape Program.slug allows, so a malformed slug is a 422 before it reaches the database.
Slug = Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]


class MembershipFilters(Schema):
    status: Status | None = None


@router.get("", response=list[ProgramOut], summary="Programs I may see")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def program_list(request: HttpRequest):
    return visible_programs(request.user).order_by("name", "pk")


@router.get("/{slug}", response=ProgramDetailOut, summary="One program, its tracks and cohorts")
def program_detail(request: HttpRequest, slug: Slug) -> Program:
    program = get_program_for(request.user, slug)
    prefetch_related_objects([program], "tracks", "cohorts")
    return program


@router.get(
    "/{slug}/memberships",
    response=list[MembershipOut],
    summary="A program's memberships (coordinators only)",
)
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def program_memberships(request: HttpRequest, slug: Slug, filters: Query[MembershipFilters]):
    program = get_program_for(request.user, slug, manage=True)
    memberships = Membership.objects.filter(program=program).select_related(
        "user__profile", "cohort", "track"
    )
    if filters.status is not None:
        memberships = memberships.filter(status=filters.status)
    return memberships.order_by("-created_at", "-id")
