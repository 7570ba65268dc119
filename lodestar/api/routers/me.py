from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from lodestar.accounts.models import User, UserSkill, ensure_profile
from lodestar.programs.models import Membership

from ..pagination import Pagination
from ..schemas import MAX_LIMIT, MeOut, MyMembershipOut, ValidationErrorOut

router = Router(tags=["me"])


@router.get("", response=MeOut, summary="My profile")
def me(request: HttpRequest) -> MeOut:
    ensure_profile(request.user)
    user = (
        User.objects.select_related("profile")
        .prefetch_related(
            "languages",
            "availability",
            Prefetch("skills", queryset=UserSkill.objects.select_related("skill")),
        )
        .get(pk=request.user.pk)
    )
    return MeOut.from_user(user)


@router.get(
    "/programs",
    response={200: list[MyMembershipOut], 422: ValidationErrorOut},
    summary="My memberships",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def my_memberships(request: HttpRequest):
    return (
        Membership.objects.filter(user=request.user)
        .select_related("program", "cohort", "track")
        .order_by("-created_at", "-id")
    )
