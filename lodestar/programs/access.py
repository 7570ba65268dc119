"""Who may see and change programs and memberships. Every view and endpoint starts here.

Anything a user may not see answers 404, so the existence of another program's records does
not leak.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from lodestar.core.models import audit

from .models import Coordinator, Membership, Program


def _deny(user, obj) -> Http404:
    """A refusal of a record that exists is logged: repeated probing shows in the audit log."""
    if user.is_authenticated:
        program_id = obj.pk if isinstance(obj, Program) else getattr(obj, "program_id", None)
        audit(user, "access.denied", obj, program_id)
    return Http404()


def is_coordinator(user, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_coordinated_ids", None)
    if cache is None:
        cache = set(Coordinator.objects.filter(user=user).values_list("program_id", flat=True))
        user._coordinated_ids = cache
    return program.pk in cache


def can_create_programs(user) -> bool:
    return user.is_authenticated and user.is_staff


def visible_programs(user) -> QuerySet[Program]:
    """Programs a user may see: every published one, and drafts they coordinate."""
    programs = Program.objects.all()
    if user.is_authenticated and user.is_superuser:
        return programs
    published = ~Q(status=Program.ProgramStatus.DRAFT)
    if user.is_authenticated:
        return programs.filter(published | Q(coordinator__user=user)).distinct()
    return programs.filter(published)


def coordinated_programs(user) -> QuerySet[Program]:
    if user.is_superuser:
        return Program.objects.all()
    return Program.objects.filter(coordinator__user=user)


def get_program_for(user, slug: str, manage: bool = False) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        raise Http404
    restricted = manage or program.status == Program.ProgramStatus.DRAFT
    if restricted and not is_coordinator(user, program):
        raise _deny(user, program)
    return program


def get_membership_for(user, program: Program, pk: int, manage: bool = False) -> Membership:
    """A membership its member may see, or any of the program's for its coordinators."""
    membership = (
        Membership.objects.select_related("user__profile", "program", "cohort", "track")
        .filter(program=program, pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    if is_coordinator(user, program):
        return membership
    if manage or membership.user_id != user.pk:
        raise _deny(user, membership)
    return membership
