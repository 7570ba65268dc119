"""Every change to programs and memberships: atomic, audited, the same for pages, API and jobs."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.permissions import COORDINATORS_GROUP
from lodestar.core.models import audit
from lodestar.notifications.services import notify

from .intake import clean_answers
from .models import (
    Cohort,
    Coordinator,
    IntakeAnswer,
    Invitation,
    Membership,
    MembershipTransition,
    OnboardingCompletion,
    OnboardingItem,
    Program,
    Role,
    Track,
)
from .states import OPEN_STATUSES, Status, can_transition

DEFAULT_TRACKS = [
    (Track.Kind.PEER, _("Peer")),
    (Track.Kind.INTERMEDIATE, _("Intermediate")),
    (Track.Kind.LEADERSHIP, _("Leadership")),
]


@transaction.atomic
def create_program(actor, **fields: Any) -> Program:
    program = Program(**fields)
    program.full_clean()
    program.save()
    for order, (kind, name) in enumerate(DEFAULT_TRACKS):
        Track.objects.create(program=program, kind=kind, name=str(name), order=order)
    add_coordinator(program, actor, actor)
    audit(actor, "program.created", program, program.pk)
    return program


@transaction.atomic
def update_program(actor, program: Program, changed: list[str]) -> Program:
    program.full_clean()
    program.save()
    audit(actor, "program.updated", program, program.pk, fields=changed)
    return program


@transaction.atomic
def add_coordinator(program: Program, user, actor) -> Coordinator:
    coordinator, created = Coordinator.objects.get_or_create(program=program, user=user)
    if created:
        group, _created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
        user.groups.add(group)
        if hasattr(user, "_coordinated_ids"):
            del user._coordinated_ids
        audit(actor, "program.coordinator_added", program, program.pk, user_id=user.pk)
    return coordinator


@transaction.atomic
def remove_coordinator(program: Program, user, actor) -> None:
    coordinators = Coordinator.objects.select_for_update().filter(program=program)
    if not coordinators.filter(user=user).exists():
        return
    if coordinators.count() <= 1:
        raise ValidationError(_("A program needs at least one coordinator."))
    coordinators.filter(user=user).delete()
    if not Coordinator.objects.filter(user=user).exists():
        user.groups.remove(*Group.objects.filter(name=COORDINATORS_GROUP))
    audit(actor, "program.coordinator_removed", program, program.pk, user_id=user.pk)


def _record(membership: Membership, from_status: str, actor, note: str) -> None:
    MembershipTransition.objects.create(
        membership=membership,
        from_status=from_status,
        to_status=membership.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
    )
    audit(
        actor,
        f"membership.{membership.status}",
        membership,
        membership.program_id,
        from_status=from_status,
    )


def _check_can_apply(user, program: Program, cohort: Cohort, track: Track, role: str) -> None:
    if not program.accepts_applications:
        raise ValidationError(_("This program is not taking applications."))
    if cohort.program_id != program.pk or track.program_id != program.pk:
        raise ValidationError(_("Choose a cohort and track of this program."))
    if not cohort.is_accepting():
        raise ValidationError(_("Applications for %(cohort)s are closed.") % {"cohort": cohort})
    if track.is_peer and role != Role.PEER:
        raise ValidationError({"role": _("Everyone in a peer track joins as a peer.")})
    if not track.is_peer and role == Role.PEER:
        raise ValidationError({"role": _("Choose mentor or mentee for this track.")})
    if not user.skills.exists():
        raise ValidationError(_("Add at least one skill you have or want to grow before applying."))
    # Only a withdrawn application may be made again; a decline stands for that cohort.
    if (
        Membership.objects.filter(user=user, cohort=cohort)
        .exclude(status=Status.WITHDRAWN)
        .exists()
    ):
        raise ValidationError(_("You have already applied to %(cohort)s.") % {"cohort": cohort})


def pending_invitation(user, program: Program, cohort: Cohort | None = None):
    invitations = Invitation.objects.filter(
        program=program,
        email__iexact=user.email,
        accepted_at__isnull=True,
        declined_at__isnull=True,
    )
    if cohort is not None:
        invitations = invitations.filter(cohort=cohort)
    return invitations.first()


@transaction.atomic
def apply(
    user,
    program: Program,
    cohort: Cohort,
    track: Track,
    role: str,
    answers: dict[int, Any],
    capacity: int | None = None,
) -> Membership:
    """Submit an application; open programs admit at once, invite-only ones need an invitation."""
    _check_can_apply(user, program, cohort, track, role)
    invitation = None
    if program.admission == Program.Admission.INVITE:
        invitation = pending_invitation(user, program, cohort)
        if invitation is None:
            raise ValidationError(_("This program is invite-only."))
    questions = list(program.questions.all())
    cleaned = clean_answers(questions, role, answers)
    is_mentor = role in {Role.MENTOR, Role.BOTH}
    if is_mentor and capacity is None:
        capacity = program.default_mentor_capacity
    membership = Membership(
        user=user,
        program=program,
        cohort=cohort,
        track=track,
        role=role,
        capacity=capacity if is_mentor else None,
    )
    membership.full_clean(validate_constraints=False)
    # A withdrawn membership of the same cohort is reopened as a new application.
    previous = Membership.objects.filter(user=user, cohort=cohort).first()
    if previous is not None:
        previous.answers.all().delete()
        membership.pk = previous.pk
        membership.created_at = timezone.now()
    membership.status_changed_at = timezone.now()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already applied to %(cohort)s.") % {"cohort": cohort}
        ) from None
    IntakeAnswer.objects.bulk_create(
        IntakeAnswer(membership=membership, question_id=qid, value=value)
        for qid, value in cleaned.items()
    )
    _record(membership, "", user, "")
    if invitation is not None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at", "updated_at"])
    if program.admission != Program.Admission.APPROVAL:
        transition(membership, Status.APPROVED, None, _("Admitted automatically."), system=True)
    else:
        from .tasks import send_application_digests_task

        transaction.on_commit(send_application_digests_task)
    return membership


@transaction.atomic
def transition(
    membership: Membership,
    target: str,
    actor,
    note: str = "",
    by_coordinator: bool = True,
    system: bool = False,
) -> Membership:
    """Move a membership to `target` if the state machine allows it, record and announce it."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    current = locked.status
    if not (system or can_transition(current, target, by_coordinator)):
        raise ValidationError(
            _("A membership that is %(current)s cannot become %(target)s.")
            % {"current": Status(current).label, "target": Status(target).label}
        )
    membership.status = target
    membership.status_changed_at = timezone.now()
    membership.save(update_fields=["status", "status_changed_at", "updated_at"])
    _record(membership, current, actor, note)
    _announce(membership, note)
    return membership


def _announce(membership: Membership, note: str) -> None:
    url = reverse("programs:membership", args=[membership.program.slug, membership.pk])
    context = {"membership": membership, "program": membership.program, "note": note}
    if membership.status == Status.APPROVED:
        notify(membership.user, "membership_approved", context, url)
    elif membership.status in {Status.WAITLISTED, Status.DECLINED, Status.COMPLETED}:
        notify(membership.user, f"membership_{membership.status}", context, url)


@transaction.atomic
def bulk_transition(
    program: Program, membership_ids: list[int], target: str, actor, note: str = ""
) -> list[Membership]:
    """All or nothing: if one membership cannot move, none does and every problem is listed."""
    memberships = list(
        Membership.objects.select_related("user__profile", "program")
        .select_for_update(of=("self",))
        .filter(program=program, pk__in=membership_ids)
        .order_by("pk")
    )
    if len(memberships) != len(set(membership_ids)):
        raise ValidationError(_("Some of the selected applications are not in this program."))
    problems = [
        _("%(name)s is %(status)s and cannot become %(target)s.")
        % {
            "name": m.user.name,
            "status": Status(m.status).label.lower(),
            "target": Status(target).label.lower(),
        }
        for m in memberships
        if not can_transition(m.status, target, by_coordinator=True)
    ]
    if problems:
        raise ValidationError(problems)
    for m in memberships:
        transition(m, target, actor, note)
    return memberships


@transaction.atomic
def set_onboarding_item(membership: Membership, item: OnboardingItem, done: bool) -> None:
    if item.program_id != membership.program_id or not item.applies_to(membership.role):
        raise ValidationError(_("This item is not on your checklist."))
    if not membership.is_admitted:
        raise ValidationError(_("The checklist opens once you are approved."))
    if done:
        OnboardingCompletion.objects.get_or_create(membership=membership, item=item)
    else:
        OnboardingCompletion.objects.filter(membership=membership, item=item).delete()


def checklist(membership: Membership) -> list[tuple[OnboardingItem, bool]]:
    done = set(membership.onboarding_done.values_list("item_id", flat=True))
    return [
        (item, item.pk in done)
        for item in membership.program.onboarding_items.all()
        if item.applies_to(membership.role)
    ]


@transaction.atomic
def invite(
    program: Program,
    cohort: Cohort,
    email: str,
    role: str,
    actor,
    message: str = "",
    kind: str = Invitation.Kind.INVITE,
    source: Membership | None = None,
) -> Invitation:
    if cohort.program_id != program.pk:
        raise ValidationError(_("Choose a cohort of this program."))
    email = email.strip().lower()
    if Invitation.objects.filter(
        cohort=cohort, email__iexact=email, accepted_at__isnull=True, declined_at__isnull=True
    ).exists():
        raise ValidationError(_("%(email)s already has an open invitation.") % {"email": email})
    invitation = Invitation.objects.create(
        program=program,
        cohort=cohort,
        email=email,
        role=role,
        kind=kind,
        message=message,
        invited_by=actor,
        source=source,
    )
    audit(actor, f"invitation.{kind}", invitation, program.pk, email=email)
    invitee = get_user_model().objects.filter(email__iexact=email).first()
    url = reverse("programs:invitation", args=[invitation.token])
    if invitee is not None:
        notify(invitee, "invitation", {"invitation": invitation, "program": program}, url)
    else:
        from .tasks import email_invitation_task

        transaction.on_commit(lambda: email_invitation_task(invitation.pk))
    return invitation


@transaction.atomic
def graduate(membership: Membership, next_cohort: Cohort, actor, message: str = "") -> Invitation:
    """Invite a mentee who completed a cohort to come back as a mentor in the next one."""
    if membership.status != Status.COMPLETED or membership.role not in {Role.MENTEE, Role.PEER}:
        raise ValidationError(_("Only mentees who completed their cohort can graduate."))
    if next_cohort.program_id != membership.program_id or next_cohort.pk == membership.cohort_id:
        raise ValidationError(_("Choose a later cohort of this program."))
    return invite(
        membership.program,
        next_cohort,
        membership.user.email,
        Role.MENTOR,
        actor,
        message,
        kind=Invitation.Kind.GRADUATION,
        source=membership,
    )


@transaction.atomic
def accept_graduation(invitation: Invitation, user, track: Track, capacity: int) -> Membership:
    """A graduate accepts: they are admitted as a mentor at once, without a new review."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending:
        raise ValidationError(_("This invitation has already been answered."))
    if locked.email.lower() != user.email.lower():
        raise ValidationError(_("This invitation is for another e-mail address."))
    if track.program_id != invitation.program_id or track.is_peer:
        raise ValidationError({"track": _("Choose a mentoring track of this program.")})
    if Membership.objects.filter(
        user=user, cohort=invitation.cohort, status__in=OPEN_STATUSES
    ).exists():
        raise ValidationError(_("You are already part of %(c)s.") % {"c": invitation.cohort})
    membership, _created = Membership.objects.update_or_create(
        user=user,
        cohort=invitation.cohort,
        defaults={
            "program": invitation.program,
            "track": track,
            "role": Role.MENTOR,
            "capacity": capacity,
            "status": Status.APPLIED,
        },
    )
    _record(membership, "", user, _("Accepted a graduation invitation."))
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at", "updated_at"])
    transition(
        membership, Status.APPROVED, None, _("Graduated from mentee to mentor."), system=True
    )
    return membership


@transaction.atomic
def decline_invitation(invitation: Invitation, user) -> None:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending:
        raise ValidationError(_("This invitation has already been answered."))
    locked.declined_at = timezone.now()
    locked.save(update_fields=["declined_at", "updated_at"])
    audit(user, "invitation.declined", locked, locked.program_id)


def send_application_digests(now=None) -> int:
    """E-mail each coordinator the applications that arrived since their last digest.

    At most one digest per coordinator per APPLICATION_DIGEST_MINUTES; safe to run from several
    workers at once, since each digest is claimed with a conditional update before it is sent.
    """
    now = now or timezone.now()
    quiet = timedelta(minutes=settings.APPLICATION_DIGEST_MINUTES)
    sent = 0
    for coordinator in Coordinator.objects.select_related("program", "user"):
        last = coordinator.digest_sent_at
        if last is not None and now - last < quiet:
            continue
        since = last or coordinator.added_at
        new = list(
            Membership.objects.filter(
                program=coordinator.program, status=Status.APPLIED, created_at__gt=since
            )
            .select_related("user__profile", "cohort", "track")
            .order_by("created_at")
        )
        if not new:
            continue
        with transaction.atomic():
            claimed = Coordinator.objects.filter(pk=coordinator.pk, digest_sent_at=last).update(
                digest_sent_at=now
            )
            if not claimed:
                continue
            notify(
                coordinator.user,
                "application_digest",
                {"program": coordinator.program, "applications": new},
                reverse("programs:review", args=[coordinator.program.slug]),
            )
        sent += 1
    return sent
