"""Program announcements: coordinators write to all admitted members or a role/cohort of them.

The audience is worked out from the memberships when it is asked for (there is no recipients
table): everyone admitted now who matches the filters. Someone admitted after an announcement
was posted therefore also finds it on the announcements page, as program news should be.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.core.models import audit
from lodestar.notifications.services import mark_read_by_url, notify, notify_many

from .models import (
    Announcement,
    AnnouncementQuestion,
    AnnouncementReaction,
    AnnouncementRead,
    Cohort,
    Membership,
    Program,
    Role,
)
from .states import ADMITTED_STATUSES

# An announcement for a role reaches the memberships with these roles.
ROLE_AUDIENCE: dict[str, set[str]] = {
    Role.MENTEE: {Role.MENTEE, Role.BOTH},
    Role.MENTOR: {Role.MENTOR, Role.BOTH},
    Role.BOTH: {Role.BOTH},
    Role.PEER: {Role.PEER},
}


def _matches(role: str, cohort_id: int | None, m_role: str, m_cohort_id: int) -> bool:
    return (not role or m_role in ROLE_AUDIENCE[role]) and (
        cohort_id is None or cohort_id == m_cohort_id
    )


def audience_memberships(program: Program, role: str = "", cohort: Cohort | None = None):
    members = Membership.objects.filter(program=program, status__in=ADMITTED_STATUSES)
    if role:
        members = members.filter(role__in=ROLE_AUDIENCE[role])
    if cohort is not None:
        members = members.filter(cohort=cohort)
    return members


def audience(program: Program, role: str = "", cohort: Cohort | None = None) -> QuerySet[User]:
    """The people an announcement with these filters is for."""
    ids = audience_memberships(program, role, cohort).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True)


def announcement_url(announcement: Announcement) -> str:
    return reverse("programs:announcement", args=[announcement.program.slug, announcement.pk])


@transaction.atomic
def post_announcement(
    author: User, program: Program, title: str, body: str, role: str = "", cohort=None
) -> Announcement:
    """Publish an announcement and notify everyone it is for (one query per batch, e-mails
    queued after commit, each following its member's preferences)."""
    if cohort is not None and cohort.program_id != program.pk:
        raise ValidationError(_("Choose a cohort of this program."))
    if role and role not in ROLE_AUDIENCE:
        raise ValidationError(_("Choose a role of this program."))
    recipients = list(audience(program, role, cohort).only("pk"))
    if not recipients:
        raise ValidationError(_("Nobody in the program matches these filters yet."))
    announcement = Announcement.objects.create(
        program=program, author=author, title=title, body=body, role=role, cohort=cohort
    )
    audit(author, "announcement.posted", announcement, program.pk, recipients=len(recipients))
    notify_many(
        recipients,
        "announcement",
        {"program": program, "announcement": announcement, "author": author},
        announcement_url(announcement),
    )
    return announcement


def addressed_to(user: User, program: Program) -> QuerySet[Announcement]:
    """The program's announcements whose audience includes `user` (none if not admitted)."""
    q = Q(pk__in=[])
    for m_role, m_cohort in Membership.objects.filter(
        program=program, user=user, status__in=ADMITTED_STATUSES
    ).values_list("role", "cohort_id"):
        roles = [r for r, members in ROLE_AUDIENCE.items() if m_role in members]
        q |= (Q(role="") | Q(role__in=roles)) & (Q(cohort__isnull=True) | Q(cohort_id=m_cohort))
    return Announcement.objects.filter(program=program).filter(q)


def is_admitted(user: User, program: Program) -> bool:
    return Membership.objects.filter(
        program=program, user=user, status__in=ADMITTED_STATUSES
    ).exists()


def for_member(user: User, program: Program) -> QuerySet[Announcement]:
    read = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user)
    return (
        addressed_to(user, program)
        .select_related("author__profile", "cohort")
        .annotate(is_read=Exists(read))
    )


def with_read_counts(announcements: list[Announcement], program: Program) -> None:
    """Set `.audience_size` and `.read_count` on each announcement, in two queries."""
    members = list(
        audience_memberships(program)
        .filter(user__is_active=True)
        .values_list("user_id", "role", "cohort_id")
        .distinct()
    )
    ids = [a.pk for a in announcements]
    reads: dict[int, set[int]] = {pk: set() for pk in ids}
    for a_id, u_id in AnnouncementRead.objects.filter(announcement_id__in=ids).values_list(
        "announcement_id", "user_id"
    ):
        reads[a_id].add(u_id)
    for a in announcements:
        users = {u for u, r, c in members if _matches(a.role, a.cohort_id, r, c)}
        a.audience_size = len(users)
        a.read_count = len(reads[a.pk] & users)


def mark_read(user: User, announcement: Announcement) -> None:
    """Record that `user` opened the announcement, and clear its notification from the bell."""
    AnnouncementRead.objects.bulk_create(
        [AnnouncementRead(announcement=announcement, user=user, read_at=timezone.now())],
        ignore_conflicts=True,
    )
    mark_read_by_url(user, announcement_url(announcement))


# Was it clear? Questions and answers. ---------------------------------------------------------


def react(user: User, announcement: Announcement, clear: bool) -> AnnouncementReaction:
    """Record (or change) whether the announcement was clear to `user`."""
    reaction, _created = AnnouncementReaction.objects.update_or_create(
        announcement=announcement, user=user, defaults={"clear": clear}
    )
    return reaction


def clarity(announcement: Announcement) -> dict[str, int]:
    counts = {"clear": 0, "unclear": 0}
    for clear in announcement.reactions.values_list("clear", flat=True):
        counts["clear" if clear else "unclear"] += 1
    return counts


@transaction.atomic
def ask(user: User, announcement: Announcement, body: str) -> AnnouncementQuestion:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write your question."))
    question = AnnouncementQuestion.objects.create(
        announcement=announcement, author=user, body=body[:2000]
    )
    for coordinator in announcement.program.coordinators.all():
        notify(
            coordinator,
            "announcement_question",
            {"announcement": announcement, "question": question, "asker": user},
            announcement_url(announcement),
        )
    return question


@transaction.atomic
def answer(user: User, question: AnnouncementQuestion, text: str) -> AnnouncementQuestion:
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the answer."))
    question.answer, question.answered_by, question.answered_at = (
        text[:2000],
        user,
        timezone.now(),
    )
    question.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    audit(user, "announcement.answered", question, question.announcement.program_id)
    if question.author is not None:
        notify(
            question.author,
            "announcement_answer",
            {"announcement": question.announcement, "question": question},
            announcement_url(question.announcement),
        )
    return question
