"""Mentor-request reminders and expiry, and the lifecycle nudges: periodic jobs, each sent once.

Every nudge is a (person, key) pair in the ledger (see `ledger.py`), recorded in the same
transaction as its notification, so a job that re-runs sends nothing twice and one killed
mid-way sends the rest next time. Each nudge is checked again on every run, so it stops as soon
as the thing is done; "once per period" means the key names the period.

Mentor requests (kinds request_*):
- 3 days without an answer: a reminder to the mentor, "request:<id>:3d".
- 7 days without an answer: the request expires (status "expired", claimed under a row lock so
  it happens once), the mentee is told, and where the mentee ranked other mentors the request
  goes to the best-ranked one not asked yet who still takes requests (`request_mentor`, so the
  usual rules and capacity hold); the program's coordinators are told. A mentor whose requests
  expired 3 times in 30 days stops receiving new ones (`accepting_requests` off, so they are
  not suggested) and is told how to switch it back on from their requests page.

Lifecycle nudges (kinds nudge_*), at most MAX_NUDGES per thing:
- profile incomplete 7 days after sign-up, then every 30 days: "profile:incomplete:<n>";
- approved mentee or peer not matched 14 days after approval (no open relationship in the
  cohort, no request waiting), every 14 days: "membership:<id>:unmatched:<n>";
- regular check-in due (`program.checkin_every_days` after their last one, or after the start):
  "relationship:<id>:checkin:<due date>";
- milestone review due (the cohort's latest milestone has passed, within the last 30 days, and
  they have not answered it): "milestone:<id>:relationship:<id>";
- agreement not accepted 3 days after the relationship was proposed, then weekly:
  "relationship:<id>:agreement:<n>".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.core.models import audit
from lodestar.matching.models import MatchRequest, RankedChoice
from lodestar.matching.services import can_take_requests, request_mentor
from lodestar.mentoring.models import Agreement, CheckIn, Participant, Relationship
from lodestar.mentoring.states import OPEN_STATUSES, Status
from lodestar.notifications.services import notify
from lodestar.programs.models import Membership, Milestone, Program, Role
from lodestar.programs.states import Status as MemberStatus

from .ledger import Due, already_sent, batches, send_all

REQUEST_REMINDER_AFTER = dt.timedelta(days=3)
REQUEST_EXPIRES_AFTER = dt.timedelta(days=7)
EXPIRED_REASON = "Expired: no answer in 7 days"
PAUSE_AFTER_EXPIRED = 3
PAUSE_WINDOW = dt.timedelta(days=30)

MAX_NUDGES = 3
PROFILE_FIRST, PROFILE_EVERY = dt.timedelta(days=7), dt.timedelta(days=30)
UNMATCHED_FIRST, UNMATCHED_EVERY = dt.timedelta(days=14), dt.timedelta(days=14)
AGREEMENT_FIRST, AGREEMENT_EVERY = dt.timedelta(days=3), dt.timedelta(days=7)
MILESTONE_LOOKBACK = dt.timedelta(days=30)


def period(since: dt.datetime, now: dt.datetime, first: dt.timedelta, every: dt.timedelta):
    """Which nudge (0, 1, ...) is due `first` after `since` and then every `every`, or None."""
    elapsed = now - since
    if elapsed < first:
        return None
    n = (elapsed - first) // every
    return n if n < MAX_NUDGES else None


# Mentor requests


def send_request_reminders(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    queryset = MatchRequest.objects.filter(
        status=MatchRequest.Status.PENDING,
        created_at__lte=now - REQUEST_REMINDER_AFTER,
        created_at__gt=now - REQUEST_EXPIRES_AFTER,
    ).select_related("program", "mentor__user__profile", "mentee__user__profile")
    sent = 0
    for batch in batches(queryset):
        items = [
            Due(
                r.mentor.user,
                f"request:{r.pk}:3d",
                "request_reminder",
                {"request": r, "mentee": r.mentee.user, "program": r.program},
                r.get_absolute_url(),
            )
            for r in batch
        ]
        sent += send_all(items, now)
    return sent


def expire_requests(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    ids = MatchRequest.objects.filter(
        status=MatchRequest.Status.PENDING, created_at__lte=now - REQUEST_EXPIRES_AFTER
    ).values_list("pk", flat=True)
    return sum(expire_request(pk, now) for pk in list(ids))


@transaction.atomic
def expire_request(request_id: int, now: dt.datetime | None = None) -> bool:
    """Expire one unanswered request, cascade it and tell everyone; False if already answered."""
    now = now or timezone.now()
    parties = MatchRequest.objects.filter(pk=request_id).values("mentor_id", "mentee_id").first()
    if parties is None:
        return False
    # Lock in accept_request's order (mentor, mentee, request), so an accept racing the expiry
    # waits instead of deadlocking; the status check under the lock is the claim.
    Membership.objects.select_for_update().get(pk=parties["mentor_id"])
    Membership.objects.select_for_update().get(pk=parties["mentee_id"])
    locked = MatchRequest.objects.select_for_update().filter(
        pk=request_id, status=MatchRequest.Status.PENDING
    )
    if not list(locked.values_list("pk", flat=True)):
        return False
    request = MatchRequest.objects.select_related(
        "program", "mentor__user__profile", "mentee__user__profile", "mentee__program"
    ).get(pk=request_id)
    request.status = MatchRequest.Status.EXPIRED
    request.responded_at = now
    request.decline_reason = EXPIRED_REASON
    request.save(update_fields=["status", "responded_at", "decline_reason", "updated_at"])
    audit(None, "match_request.expired", request, request.program_id)
    cascaded = _cascade(request)
    context = {
        "request": request,
        "program": request.program,
        "mentor": request.mentor.user,
        "mentee": request.mentee.user,
        "next_request": cascaded,
        "next_mentor": cascaded.mentor.user if cascaded else None,
    }
    url = cascaded.get_absolute_url() if cascaded else request.get_absolute_url()
    notify(request.mentee.user, "request_expired", context, url)
    for coordinator in request.program.coordinators.all():
        notify(
            coordinator,
            "request_expired_coordinator",
            context,
            reverse("programs:membership", args=[request.program.slug, request.mentee_id]),
        )
    _pause_if_ignoring(request.mentor, now)
    return True


def _cascade(expired: MatchRequest) -> MatchRequest | None:
    """Send the request on to the mentee's best-ranked mentor not asked yet, if any."""
    mentee = expired.mentee
    asked = MatchRequest.objects.filter(mentee=mentee).values_list("mentor_id", flat=True)
    choices = (
        RankedChoice.objects.filter(mentee=mentee)
        .exclude(mentor_id__in=list(asked))
        .select_related("mentor__user")
        .order_by("rank")
    )
    for choice in choices:
        if not can_take_requests(choice.mentor):
            continue
        try:
            return request_mentor(mentee, choice.mentor, choice.reason)
        except ValidationError:
            # Matched meanwhile, too many requests waiting...: the usual rules say no.
            continue
    return None


def _pause_if_ignoring(mentor: Membership, now: dt.datetime) -> bool:
    expired = MatchRequest.objects.filter(
        mentor=mentor, status=MatchRequest.Status.EXPIRED, responded_at__gte=now - PAUSE_WINDOW
    ).count()
    if expired < PAUSE_AFTER_EXPIRED:
        return False
    # Claim: only the run that switches it off tells the mentor.
    if not Membership.objects.filter(pk=mentor.pk, accepting_requests=True).update(
        accepting_requests=False
    ):
        return False
    audit(None, "mentor.accepting_requests", mentor, mentor.program_id, accepting=False)
    notify(
        mentor.user,
        "request_mentor_paused",
        {"program": mentor.program, "expired": expired},
        reverse("matching:requests"),
    )
    return True


# Lifecycle nudges


def nudge_incomplete_profiles(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    oldest = now - PROFILE_FIRST - MAX_NUDGES * PROFILE_EVERY
    users = User.objects.filter(
        is_active=True, date_joined__lte=now - PROFILE_FIRST, date_joined__gt=oldest
    ).select_related("profile")
    url = reverse("accounts:profile_edit")
    sent = 0
    for batch in batches(users):
        candidates = []
        for user in batch:
            n = period(user.date_joined, now, PROFILE_FIRST, PROFILE_EVERY)
            if n is not None:
                candidates.append((user, f"profile:incomplete:{n}"))
        # Completeness costs a few queries per person: ask only for nudges not sent yet.
        sent_before = already_sent((u.pk, key) for u, key in candidates)
        candidates = [(u, k) for u, k in candidates if (u.pk, k) not in sent_before]
        if not candidates:
            continue
        prefetched = User.objects.filter(pk__in=[u.pk for u, _k in candidates])
        prefetched = prefetched.select_related("profile").prefetch_related(
            "languages", "availability", "skills"
        )
        by_pk = {u.pk: u for u in prefetched}
        items = []
        for user, key in candidates:
            user = by_pk[user.pk]
            percent, missing = user.profile.completeness()
            if percent < 100:
                context = {"percent": percent, "missing": missing}
                items.append(Due(user, key, "nudge_profile_incomplete", context, url))
        sent += send_all(items, now)
    return sent


MENTEE_ROLES = [Role.MENTEE, Role.BOTH, Role.PEER]
ADMITTED = [MemberStatus.APPROVED, MemberStatus.ACTIVE]


def nudge_unmatched(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    memberships = Membership.objects.filter(
        role__in=MENTEE_ROLES,
        status__in=ADMITTED,
        status_changed_at__lte=now - UNMATCHED_FIRST,
        status_changed_at__gt=now - UNMATCHED_FIRST - MAX_NUDGES * UNMATCHED_EVERY,
        program__status__in=[Program.ProgramStatus.OPEN, Program.ProgramStatus.RUNNING],
    ).select_related("user__profile", "program")
    sent = 0
    for batch in batches(memberships):
        matched = set(
            Participant.objects.filter(
                relationship__status__in=OPEN_STATUSES,
                relationship__cohort_id__in={m.cohort_id for m in batch},
                user_id__in={m.user_id for m in batch},
                role__in=[Participant.Role.MENTEE, Participant.Role.PEER],
            ).values_list("user_id", "relationship__cohort_id")
        )
        waiting = set(
            MatchRequest.objects.filter(
                mentee__in=batch, status=MatchRequest.Status.PENDING
            ).values_list("mentee_id", flat=True)
        )
        items = []
        for m in batch:
            n = period(m.status_changed_at, now, UNMATCHED_FIRST, UNMATCHED_EVERY)
            if n is None or (m.user_id, m.cohort_id) in matched or m.pk in waiting:
                continue
            suggestions = m.program.matching_mode == Program.MatchingMode.SUGGESTIONS
            url = (
                reverse("matching:suggestions", args=[m.pk])
                if suggestions
                else m.program.get_absolute_url()
            )
            context = {"membership": m, "program": m.program, "suggestions": suggestions}
            key = f"membership:{m.pk}:unmatched:{n}"
            items.append(Due(m.user, key, "nudge_unmatched", context, url))
        sent += send_all(items, now)
    return sent


def _relationships(status: str):
    return (
        Relationship.objects.filter(status=status)
        .select_related("program", "cohort")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("user__profile"))
        )
    )


def _latest_passed_milestones(now: dt.datetime) -> dict[int, Milestone]:
    """Per cohort, its latest milestone that has passed, if within the lookback."""
    today = timezone.localdate(now)
    latest: dict[int, Milestone] = {}
    for milestone in Milestone.objects.filter(due_on__lte=today).order_by("due_on", "id"):
        latest[milestone.cohort_id] = milestone
    oldest = timezone.localdate(now - MILESTONE_LOOKBACK)
    return {c: m for c, m in latest.items() if m.due_on >= oldest}


def nudge_checkins(now: dt.datetime | None = None) -> int:
    """Milestone reviews first; otherwise the regular check-in when it is due."""
    now = now or timezone.now()
    milestones = _latest_passed_milestones(now)
    sent = 0
    for batch in batches(_relationships(Status.ACTIVE)):
        rel_ids = [r.pk for r in batch]
        last = defaultdict(lambda: None)
        rows = (
            CheckIn.objects.filter(relationship_id__in=rel_ids)
            .values("relationship_id", "author_id")
            .annotate(last=Max("created_at"))
        )
        for row in rows:
            last[row["relationship_id"], row["author_id"]] = row["last"]
        answered = set(
            CheckIn.objects.filter(
                relationship_id__in=rel_ids,
                milestone_id__in=[m.pk for m in milestones.values()],
            ).values_list("relationship_id", "author_id", "milestone_id")
        )
        items = []
        for relationship in batch:
            url = reverse("mentoring:checkin", args=[relationship.pk])
            milestone = milestones.get(relationship.cohort_id)
            if milestone is not None and milestone.due_on < relationship.started_on:
                milestone = None
            every = dt.timedelta(days=relationship.program.checkin_every_days)
            started = timezone.make_aware(dt.datetime.combine(relationship.started_on, dt.time()))
            for p in relationship.participants.all():
                context = {"relationship": relationship, "program": relationship.program}
                if milestone is not None and (
                    (relationship.pk, p.user_id, milestone.pk) not in answered
                ):
                    key = f"milestone:{milestone.pk}:relationship:{relationship.pk}"
                    context["milestone"] = milestone
                    items.append(Due(p.user, key, "nudge_milestone_review", context, url))
                    continue
                due = (last[relationship.pk, p.user_id] or started) + every
                if due <= now:
                    key = f"relationship:{relationship.pk}:checkin:{due.date().isoformat()}"
                    items.append(Due(p.user, key, "nudge_checkin_due", context, url))
        sent += send_all(items, now)
    return sent


def nudge_agreements(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    queryset = _relationships(Status.PROPOSED).filter(created_at__lte=now - AGREEMENT_FIRST)
    sent = 0
    for batch in batches(queryset):
        latest: dict[int, Agreement] = {}
        agreements = Agreement.objects.filter(relationship__in=batch).prefetch_related(
            "acceptances"
        )
        for agreement in agreements.order_by("version"):
            latest[agreement.relationship_id] = agreement
        items = []
        for relationship in batch:
            n = period(relationship.created_at, now, AGREEMENT_FIRST, AGREEMENT_EVERY)
            if n is None:
                continue
            agreement = latest.get(relationship.pk)
            accepted = {a.user_id for a in agreement.acceptances.all()} if agreement else set()
            url = reverse("mentoring:agreement", args=[relationship.pk])
            for p in relationship.participants.all():
                if p.user_id in accepted:
                    continue
                context = {
                    "relationship": relationship,
                    "program": relationship.program,
                    "agreement": agreement,
                }
                key = f"relationship:{relationship.pk}:agreement:{n}"
                items.append(Due(p.user, key, "nudge_agreement_pending", context, url))
        sent += send_all(items, now)
    return sent


JOBS = {
    "request_reminders": send_request_reminders,
    "request_expiry": expire_requests,
    "profile": nudge_incomplete_profiles,
    "unmatched": nudge_unmatched,
    "checkins": nudge_checkins,
    "agreements": nudge_agreements,
}


def run_all(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {name: job(now) for name, job in JOBS.items()}
