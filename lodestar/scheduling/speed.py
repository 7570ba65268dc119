"""Speed mentoring: the rotation of short rounds, personal schedules, and the follow-up requests.

Each round is an assignment problem on the matching engine's scores, with the pairs that have
already met (and the pairs the engine forbids, e.g. no shared language) taken out, so the best
fits meet first, nobody is double-booked in a round and nobody meets the same person twice.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from scipy.optimize import linear_sum_assignment

from lodestar.core.models import audit
from lodestar.matching.engine.scoring import MentorIndex, scorer_for
from lodestar.matching.models import MatchRequest
from lodestar.matching.profiles import _PEOPLE, mentee_profile, mentor_profile
from lodestar.matching.services import request_mentor
from lodestar.matching.suggestions import engine_options, settings_for
from lodestar.programs.models import Membership, Role
from lodestar.programs.states import ADMITTED_STATUSES

from .models import Event, Rsvp, SpeedRound
from .office_hours import tell
from .program_access import MENTOR_ROLES, can_manage_event

MENTEE_ROLES = {Role.MENTEE, Role.PEER}
REQUEST_STATUSES = [MatchRequest.Status.PENDING, MatchRequest.Status.ACCEPTED]


def max_rounds(event: Event) -> int:
    return max(event.duration_minutes // event.round_minutes, 1)


def round_start(event: Event, number: int) -> dt.datetime:
    return event.starts_at + dt.timedelta(minutes=event.round_minutes * (number - 1))


def rotation_end(event: Event) -> dt.datetime:
    last = event.speed_rounds.order_by("-number").values_list("number", flat=True).first() or 0
    return round_start(event, last + 1) if last else event.ends_at


def _memberships(event: Event, user_ids) -> dict[int, Membership]:
    """Each person's admitted membership for the event (of its cohort when it has one)."""
    qs = Membership.objects.filter(
        program_id=event.program_id, user_id__in=user_ids, status__in=ADMITTED_STATUSES
    )
    if event.cohort_id:
        qs = qs.filter(cohort_id=event.cohort_id)
    found: dict[int, Membership] = {}
    for m in qs.select_related("user", "track").prefetch_related(*_PEOPLE).order_by("-created_at"):
        found.setdefault(m.user_id, m)
    return found


def participants(event: Event) -> tuple[list[Membership], list[Membership]]:
    """(mentees, mentors) going to the event. Members who are both sit on the mentor side."""
    going = event.rsvps.filter(status=Rsvp.Status.GOING).values_list("user_id", flat=True)
    by_user = _memberships(event, list(going))
    ordered = sorted(by_user.values(), key=lambda m: m.pk)
    mentors = [m for m in ordered if m.role in MENTOR_ROLES]
    mentees = [m for m in ordered if m.role in MENTEE_ROLES]
    return mentees, mentors


def score_matrix(event: Event, mentees: list[Membership], mentors: list[Membership]) -> np.ndarray:
    """Engine scores, mentees x mentors; -inf where the engine forbids the pair."""
    ms = settings_for(event.program)
    mentee_profiles = [mentee_profile(m) for m in mentees]
    index = MentorIndex.build(
        [mentor_profile(m, 1) for m in mentors],
        ms.engine_weights(),
        engine_options(ms),
        mentee_profiles,
    )
    return np.asarray(scorer_for(index, mentee_profiles).dense(), dtype=float)


def plan_rounds(scores: np.ndarray, rounds: int) -> list[list[tuple[int, int]]]:
    """Pairs (mentee row, mentor column) per round: as many pairs as possible in each round,
    the best total score among those, and no pair twice."""
    allowed = np.isfinite(scores)
    if not allowed.any():
        return [[] for _ in range(rounds)]
    # An offset larger than any score difference makes the solver maximize the number of
    # pairs first and their score second; forbidden or repeated pairs cost nothing and are
    # dropped afterwards.
    offset = 1.0 + float(np.abs(scores[allowed]).max())
    plan = []
    for _number in range(rounds):
        gain = np.where(allowed, scores + offset, 0.0)
        rows, cols = linear_sum_assignment(gain, maximize=True)
        pairs = [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if allowed[i, j]]
        for i, j in pairs:
            allowed[i, j] = False
        plan.append(pairs)
    return plan


@dataclass
class BuildResult:
    rounds: int
    pairs: int
    unpaired: list[str]


def rotation_rows(event: Event, mentees: list, mentors: list, rounds: int) -> list[SpeedRound]:
    """The rotation's rows, unsaved: each round's pairs from the plan over the pair scores."""
    scores = score_matrix(event, mentees, mentors)
    return [
        SpeedRound(
            event=event,
            number=n,
            mentee_id=mentees[i].user_id,
            mentor_id=mentors[j].user_id,
            score=round(float(scores[i, j]), 4),
        )
        for n, pairs in enumerate(plan_rounds(scores, rounds), start=1)
        for i, j in pairs
    ]


@transaction.atomic
def build_rotation(event: Event, actor, rounds: int | None = None) -> BuildResult:
    """(Re)build the rotation before the event; everyone in it gets their schedule."""
    locked = (
        Event.objects.select_for_update(of=("self",)).select_related("program").get(pk=event.pk)
    )
    if not can_manage_event(actor, locked):
        raise ValidationError(_("Only the host or a coordinator can build the rotation."))
    if locked.kind != Event.Kind.SPEED:
        raise ValidationError(_("Only speed mentoring events have rounds."))
    if locked.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is cancelled."))
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("The event has started: the rotation can no longer change."))
    limit = max_rounds(locked)
    mentees, mentors = participants(locked)
    if not mentees or not mentors:
        raise ValidationError(
            _("The rotation needs at least one mentee and one mentor going to the event.")
        )
    rounds = rounds or min(limit, len(mentors))
    if not 1 <= rounds <= limit:
        raise ValidationError(
            _("Choose between 1 and %(n)d rounds: that is what fits in the event.") % {"n": limit}
        )
    locked.speed_rounds.all().delete()
    created = SpeedRound.objects.bulk_create(rotation_rows(locked, mentees, mentors, rounds))
    if not created:
        raise ValidationError(
            _("No pair can meet: the mentees and mentors going share no language.")
        )
    met = {r.mentee_id for r in created} | {r.mentor_id for r in created}
    unpaired = [m.user.name for m in mentees + mentors if m.user_id not in met]
    for m in mentees + mentors:
        if m.user_id in met:
            tell(m.user, "speed_schedule", {"event": locked}, schedule_url(locked))
    audit(actor, "speed.rotation_built", locked, locked.program_id, pairs=len(created))
    return BuildResult(rounds, len(created), unpaired)


def schedule_url(event: Event) -> str:
    return reverse("scheduling:speed", args=[event.pk])


@dataclass
class Slot:
    number: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    other: object  # the user met
    table: int
    round: SpeedRound


def _tables(rounds: list[SpeedRound]) -> dict[int, int]:
    """Mentors keep one table all event; mentees move."""
    return {mentor_id: k for k, mentor_id in enumerate(sorted({r.mentor_id for r in rounds}), 1)}


def rotation(event: Event) -> list[SpeedRound]:
    return list(
        event.speed_rounds.select_related("mentee__profile", "mentor__profile").order_by(
            "number", "mentor_id"
        )
    )


def personal_schedule(event: Event, user, rounds: list[SpeedRound]) -> list[Slot]:
    tables = _tables(rounds)
    length = dt.timedelta(minutes=event.round_minutes)
    mine = []
    for r in rounds:
        if user.pk not in (r.mentee_id, r.mentor_id):
            continue
        other = r.mentor if r.mentee_id == user.pk else r.mentee
        start = round_start(event, r.number)
        mine.append(Slot(r.number, start, start + length, other, tables[r.mentor_id], r))
    return mine


def grid(event: Event, rounds: list[SpeedRound]) -> tuple[list, list[dict]]:
    """For hosts: the mentors (table order) and, per round, who sits at each table."""
    tables = _tables(rounds)
    mentors = {r.mentor_id: r.mentor for r in rounds}
    order = sorted(tables, key=tables.get)
    rows = []
    for n in sorted({r.number for r in rounds}):
        at = {r.mentor_id: r for r in rounds if r.number == n}
        rows.append(
            {"number": n, "starts_at": round_start(event, n), "cells": [at.get(m) for m in order]}
        )
    return [mentors[m] for m in order], rows


@dataclass
class Outcome:
    mentor: object
    ok: bool
    message: str


@transaction.atomic
def follow_up(event: Event, user, wanted: set[int]) -> list[Outcome]:
    """Record whom a mentee would like to continue with (mentor user ids) and ask each of
    them through a match request, within the usual request rules."""
    if event.kind != Event.Kind.SPEED or event.status == Event.Status.CANCELLED:
        raise ValidationError(_("There is nothing to follow up for this event."))
    mine = list(
        event.speed_rounds.select_for_update(of=("self",))
        .filter(mentee=user)
        .select_related("mentor__profile")
    )
    if not mine:
        raise ValidationError(_("You did not meet any mentor at this event."))
    if timezone.now() < rotation_end(event):
        raise ValidationError(_("Choose whom to continue with once the last round is over."))
    met = {r.mentor_id for r in mine}
    if wanted - met:
        raise ValidationError(_("Choose among the mentors you met."))
    mentee_m = (
        Membership.objects.filter(
            user=user,
            program_id=event.program_id,
            status__in=ADMITTED_STATUSES,
            role__in=MENTEE_ROLES | {Role.BOTH},
            **({"cohort_id": event.cohort_id} if event.cohort_id else {}),
        )
        .order_by("-created_at")
        .first()
    )
    outcomes = []
    for r in mine:
        if r.continue_wanted != (r.mentor_id in wanted):
            r.continue_wanted = r.mentor_id in wanted
            r.save(update_fields=["continue_wanted"])
        if r.mentor_id not in wanted:
            continue
        outcomes.append(_ask(event, mentee_m, r))
    audit(user, "speed.follow_up", event, event.program_id, wanted=sorted(wanted))
    return outcomes


def _ask(event: Event, mentee_m: Membership | None, r: SpeedRound) -> Outcome:
    if mentee_m is None:
        return Outcome(r.mentor, False, _("Only approved mentees can request a mentor."))
    mentor_m = (
        Membership.objects.filter(
            user_id=r.mentor_id,
            cohort_id=mentee_m.cohort_id,
            role__in=MENTOR_ROLES,
            status__in=ADMITTED_STATUSES,
        )
        .order_by("-created_at")
        .first()
    )
    if mentor_m is None:
        return Outcome(r.mentor, False, _("This mentor is not in your cohort."))
    if MatchRequest.objects.filter(
        mentee=mentee_m, mentor=mentor_m, status__in=REQUEST_STATUSES
    ).exists():
        return Outcome(r.mentor, True, _("Already asked."))
    note = _("We met at the speed mentoring event “%(title)s” and I would like to continue.") % {
        "title": event.title
    }
    try:
        request_mentor(mentee_m, mentor_m, note, score=r.score)
    except ValidationError as exc:
        return Outcome(r.mentor, False, " ".join(exc.messages))
    return Outcome(r.mentor, True, _("Request sent."))
