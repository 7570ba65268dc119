"""Equity indicators: outcomes by each self-declared demographic field, never for small groups.

Unit: one mentee-side membership (a person in one cohort); group sizes count distinct people.
Only answers given with consent (profile.demographics_consent_at) are used.

Suppression rules (the pure parts are metrics.suppress_row and metrics.stable_across_slices):
1. In each field's table, a group of 1..threshold-1 people is hidden; then complementary
   suppression hides the next smallest groups until the hidden ones hold at least `threshold`
   people and are at least two, so neither the total nor "not answered" give one back; if
   nothing is left to hide, the total is hidden too.
2. Each indicator's figures are suppressed the same way over its own denominators (people
   matched, relationships closed, people with pulses or ratings), so a rate cannot be
   recomputed from the total's rate either.
3. Differencing across filters: in a cohort's view, a group is shown only if it is empty or at
   least `threshold` in every cohort of the program; otherwise it is hidden in every cohort
   view (it stays in the program-wide view when large enough there). Any sum or difference of
   views then only ever combines cells of 0 or at least `threshold` people. Indicator
   denominators are not checked across cohorts (documented limitation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.choices import PREFER_NOT_TO_SAY
from lodestar.accounts.models import DemographicAnswer, DemographicQuestion, Profile
from lodestar.core.memory import collector_paused
from lodestar.mentoring.models import CheckIn, Participant, SkillAssessment
from lodestar.mentoring.states import Status as RelStatus
from lodestar.programs.models import Membership
from lodestar.programs.states import ADMITTED_STATUSES

from . import metrics
from .queries import MENTEE_ROLES, Scope, as_text, settings_for

NOT_ANSWERED = "__none__"


@dataclass(slots=True)  # tens of thousands per page: slots make them cheaper to build and read
class Person:
    user_id: int
    cohort_id: int
    matched: bool = False
    days_to_match: float | None = None
    closed: bool = False  # has a completed or ended-early relationship
    completed: bool = False
    pulse: float | None = None
    growth: float | None = None


# key, label, denominator test, numerator test (rates) — time to match is a median.
RATES = [
    ("match", gettext_lazy("Matched"), lambda p: True, lambda p: p.matched),
    ("completion", gettext_lazy("Completed"), lambda p: p.closed, lambda p: p.completed),
    (
        "satisfaction",
        gettext_lazy("Satisfied (mean pulse 4 or 5)"),
        lambda p: p.pulse is not None,
        lambda p: p.pulse is not None and p.pulse >= 4,
    ),
    (
        "growth",
        gettext_lazy("Self-assessed skills grew"),
        lambda p: p.growth is not None,
        lambda p: p.growth is not None and p.growth > 0,
    ),
]


def load_people(scope: Scope) -> dict[tuple[int, int], Person]:
    """Every admitted mentee membership of the program, in all cohorts, by (user, cohort).

    Each source is aggregated in the database to at most one row per person (or per person
    and skill), without ordering, so no query returns one row per session or assessment."""
    program = scope.program
    base = Membership.objects.filter(role__in=MENTEE_ROLES, status__in=ADMITTED_STATUSES)
    if program is not None:
        base = base.filter(program=program)
    people: dict[tuple[int, int], Person] = {}
    # The time joined as text (see queries.as_text), parsed only for the people matched.
    joined: dict[tuple[int, int], str] = {}
    for user_id, cohort_id, created in (
        base.annotate(created=as_text("created_at"))
        .order_by()
        .values_list("user_id", "cohort_id", "created")
    ):
        key = (user_id, cohort_id)
        people[key] = Person(user_id, cohort_id)
        joined[key] = created
    rel_filter = {"relationship__program": program} if program is not None else {}
    closed = [RelStatus.COMPLETED, RelStatus.ENDED]
    for user_id, cohort_id, started, n_closed, n_completed in (
        Participant.objects.filter(role__in=["mentee", "peer"], **rel_filter)
        .exclude(relationship__status=RelStatus.PROPOSED)
        .order_by()
        .values("user_id", "relationship__cohort_id")
        .annotate(
            started=Min("relationship__started_on"),
            closed=Count("id", filter=Q(relationship__status__in=closed)),
            completed=Count("id", filter=Q(relationship__status=RelStatus.COMPLETED)),
        )
        .values_list("user_id", "relationship__cohort_id", "started", "closed", "completed")
    ):
        person = people.get((user_id, cohort_id))
        if person is None:
            continue
        day_joined = date.fromisoformat(joined[(user_id, cohort_id)][:10])
        person.days_to_match = max(0.0, (started - day_joined).days)
        person.matched = True
        person.closed = n_closed > 0
        person.completed = n_completed > 0
    for author, cohort_id, total, n in (
        CheckIn.objects.filter(**rel_filter)
        .order_by()
        .values("author_id", "relationship__cohort_id")
        .annotate(total=Sum("rating"), n=Count("id"))
        .values_list("author_id", "relationship__cohort_id", "total", "n")
    ):
        person = people.get((author, cohort_id))
        if person is not None:
            person.pulse = total / n

    # Per mentee, relationship and skill: the latest later level (close, else midpoint)
    # minus the start level; None without both.
    def level_at(stage):
        return Max("level", filter=Q(stage=stage))

    deltas: dict[tuple[int, int], list[int]] = defaultdict(list)
    for mentee, cohort_id, delta in (
        SkillAssessment.objects.filter(assessor=F("mentee"), **rel_filter)
        .order_by()
        .values("mentee_id", "relationship__cohort_id", "relationship_id", "skill_id")
        .annotate(
            delta=Coalesce(
                level_at(SkillAssessment.Stage.CLOSE), level_at(SkillAssessment.Stage.MIDPOINT)
            )
            - level_at(SkillAssessment.Stage.START)
        )
        .values_list("mentee_id", "relationship__cohort_id", "delta")
    ):
        if delta is not None:
            deltas[(mentee, cohort_id)].append(delta)
    for key, values in deltas.items():
        if key in people:
            people[key].growth = sum(values) / len(values)
    return people


@dataclass
class Value:
    text: str
    flag: str = ""  # "higher" / "lower" when the group differs notably from the rest


@dataclass
class GroupRow:
    key: str
    label: str
    people: int | None  # None when hidden
    values: dict[str, Value] = field(default_factory=dict)

    @property
    def ordered(self) -> list[Value]:
        return [self.values.get(key, Value(HIDDEN)) for key, _label in COLUMNS]


@dataclass
class FieldTable:
    question: str
    rows: list[GroupRow]
    total: GroupRow | None  # None when hidden


def _groups(question: DemographicQuestion) -> list[tuple[str, str]]:
    return [
        *((o, o) for o in question.options),
        (PREFER_NOT_TO_SAY, _("Prefer not to say")),
        (NOT_ANSWERED, _("Not answered")),
    ]


HIDDEN = "—"


def build(scope: Scope) -> tuple[list[FieldTable], int]:
    """The equity tables for a scope, and the threshold used."""
    threshold = max(5, settings_for(scope.program).suppression_threshold)
    with collector_paused():  # a record per member, no cycles (see core.memory)
        return _build(scope, threshold), threshold


def _build(scope: Scope, threshold: int) -> list[FieldTable]:
    people = load_people(scope)
    questions = list(DemographicQuestion.objects.filter(is_active=True))
    user_ids = {p.user_id for p in people.values()}
    answers: dict[tuple[int, int], str] = {}
    consented = Q(
        user_id__in=Profile.objects.filter(demographics_consent_at__isnull=False).values("user_id")
    )
    for user_id, question_id, value in _answers(scope, consented):
        if user_id in user_ids:
            answers[(user_id, question_id)] = value
    in_scope = [
        p for p in people.values() if scope.cohort is None or p.cohort_id == scope.cohort.pk
    ]
    cohorts = {p.cohort_id for p in people.values()}
    tables = []
    for question in questions:
        groups = _groups(question)
        known = {g for g, _l in groups}

        def group_of(p: Person, q=question, known=known) -> str:
            value = answers.get((p.user_id, q.pk), NOT_ANSWERED)
            return value if value in known else NOT_ANSWERED

        members: dict[str, list[Person]] = {g: [] for g, _l in groups}
        for p in in_scope:
            members[group_of(p)].append(p)
        sizes = {g: len({p.user_id for p in ps}) for g, ps in members.items()}
        forced: set[str] = set()
        if scope.cohort is not None:
            slices: dict[str, dict[int, set[int]]] = {
                g: {c: set() for c in cohorts} for g in members
            }
            for p in people.values():
                slices[group_of(p)][p.cohort_id].add(p.user_id)
            forced = {
                g
                for g, by_cohort in slices.items()
                if not metrics.stable_across_slices((len(u) for u in by_cohort.values()), threshold)
            }
        base = metrics.suppress_row(sizes, threshold, forced)
        rows = [GroupRow(g, label, None if g in base.hidden else sizes[g]) for g, label in groups]
        total = None if base.total_hidden else GroupRow("total", _("All"), sum(sizes.values()))
        everyone = [p for ps in members.values() for p in ps]
        for key, _label, counted, hit in RATES:
            denominators = {g: sum(1 for p in ps if counted(p)) for g, ps in members.items()}
            hits = {g: sum(1 for p in ps if counted(p) and hit(p)) for g, ps in members.items()}
            row = metrics.suppress_row(denominators, threshold, base.hidden)
            all_n, all_x = sum(denominators.values()), sum(hits.values())
            for group_row in rows:
                g = group_row.key
                if g in row.hidden or denominators[g] < threshold:
                    group_row.values[key] = Value(HIDDEN)
                    continue
                value = Value(f"{metrics.rate(hits[g], denominators[g])}%")
                rest_n, rest_x = all_n - denominators[g], all_x - hits[g]
                if metrics.differs_notably(hits[g], denominators[g], rest_x, rest_n):
                    value.flag = (
                        "higher" if hits[g] / denominators[g] > rest_x / rest_n else "lower"
                    )
                group_row.values[key] = value
            if total is not None:
                shown = not row.total_hidden and all_n >= threshold
                total.values[key] = Value(f"{metrics.rate(all_x, all_n)}%" if shown else HIDDEN)
        matched = {g: sum(1 for p in ps if p.matched) for g, ps in members.items()}
        row = metrics.suppress_row(matched, threshold, base.hidden)
        for group_row in rows:
            g = group_row.key
            days = [p.days_to_match for p in members[g] if p.matched]
            ok = g not in row.hidden and len(days) >= threshold
            group_row.values["days"] = Value(str(metrics.median(days)) if ok else HIDDEN)
        if total is not None:
            days = [p.days_to_match for p in everyone if p.matched]
            ok = not row.total_hidden and len(days) >= threshold
            total.values["days"] = Value(str(metrics.median(days)) if ok else HIDDEN)
        tables.append(FieldTable(question.label, rows, total))
    return tables


def _answers(scope: Scope, consented: Q):
    """Consented answers to active questions. Not narrowed to the program's members in SQL:
    build() keeps only its people's answers, and that extra semi-join made PostgreSQL,
    before its first ANALYZE, probe every member's profile one by one (half a second)."""
    qs = DemographicAnswer.objects.filter(consented, question__is_active=True)
    return qs.order_by().values_list("user_id", "question_id", "value")


COLUMNS = [
    ("match", gettext_lazy("Match rate")),
    ("days", gettext_lazy("Median days to match")),
    ("completion", gettext_lazy("Completion rate")),
    ("satisfaction", gettext_lazy("Satisfied")),
    ("growth", gettext_lazy("Skills grew")),
]
