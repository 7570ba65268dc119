"""The dashboards' database side: a fixed handful of aggregate queries per section.

Each section function takes a Scope (a program and maybe a cohort, or neither for the
organization-wide view) and returns a Section of plain figures and charts; the arithmetic
lives in metrics.py. No function here runs a query per row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import CharField, Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import Cast, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.choices import SkillKind
from lodestar.accounts.models import UserSkill
from lodestar.feedback.models import Answer, Question, Round, SessionRating
from lodestar.matching.models import MatchRequest, ProposedPair
from lodestar.mentoring.models import (
    CheckIn,
    Participant,
    Relationship,
    SessionTally,
    SkillAssessment,
)
from lodestar.mentoring.states import OPEN_STATUSES as OPEN_RELATIONSHIP
from lodestar.mentoring.states import Status as RelStatus
from lodestar.programs.models import Cohort, Membership, MembershipTransition, Program, Role
from lodestar.programs.states import ADMITTED_STATUSES, Status
from lodestar.scheduling.models import Booking, Event, Rsvp

from . import metrics
from .models import InsightSettings

MENTEE_ROLES = [Role.MENTEE, Role.PEER, Role.BOTH]
MENTOR_ROLES = [Role.MENTOR, Role.BOTH]


def settings_for(program: Program | None) -> InsightSettings:
    """A program's insight settings, created with the defaults the first time."""
    if program is None:
        return InsightSettings()
    found, _created = InsightSettings.objects.get_or_create(program=program)
    return found


@dataclass
class Scope:
    program: Program | None
    cohort: Cohort | None = None

    def f(self, prefix: str = "") -> dict:
        """Filter kwargs for a model reaching Program and Cohort through `prefix`."""
        q: dict = {}
        if self.program is not None:
            q[f"{prefix}program"] = self.program
        if self.cohort is not None:
            q[f"{prefix}cohort"] = self.cohort
        return q

    def members(self, roles: list[str] | None = None, admitted: bool = False):
        qs = Membership.objects.filter(**self.f())
        if roles:
            qs = qs.filter(role__in=roles)
        if admitted:
            qs = qs.filter(status__in=ADMITTED_STATUSES)
        return qs


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar" or "line"
    label_heading: str
    labels: list[str]
    series: list[tuple[str, list]]
    percent: bool = False
    stacked: bool = False
    # Only the first `plotted` series are drawn (0: all); the table shows every one.
    plotted: int = 0

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.key}"

    def rows(self) -> list[list]:
        return [
            [label, *(values[i] for _name, values in self.series)]
            for i, label in enumerate(self.labels)
        ]

    def data(self) -> dict:
        """What charts.js draws; embedded with json_script, never as markup."""
        return {
            "type": self.kind,
            "labels": [str(label) for label in self.labels],
            "datasets": [
                {"label": str(name), "data": values}
                for name, values in self.series[: self.plotted or None]
            ],
            "percent": self.percent,
            "stacked": self.stacked,
        }


# The sections in dashboard order, titled before any is computed (the page loads each
# on its own request).
TITLES = {
    "participation": gettext_lazy("Participation"),
    "funnel": gettext_lazy("Funnel"),
    "retention": gettext_lazy("Retention"),
    "skills": gettext_lazy("Skill growth"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "load": gettext_lazy("Mentor load"),
    "supply": gettext_lazy("Skills supply and demand"),
    "matching": gettext_lazy("Matching quality"),
}


@dataclass
class Section:
    key: str
    title: str
    stats: list[tuple[str, object]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, key: str) -> Section:
        return cls(key, str(TITLES[key]))

    def csv_rows(self) -> list[list]:
        """Every table cell in long form: table, row, column, value."""
        out = [[str(label), "", "", value] for label, value in self.stats]
        for chart in self.charts:
            for row in chart.rows():
                for (name, _values), value in zip(chart.series, row[1:], strict=True):
                    out.append([str(chart.title), str(row[0]), str(name), value])
        return out


def month_of(field_name: str):
    """The (UTC) month of a stored time, to group by; _month() names it "YYYY-MM".

    SQLite: read off the time's text form (TruncMonth converts every row through a Python
    function there, ten times slower over a million rows). PostgreSQL: date_trunc, two and
    a half times faster than formatting every row as text."""
    if connection.vendor == "postgresql":
        return TruncMonth(field_name, tzinfo=UTC)
    return Substr(Cast(field_name, CharField()), 1, 7)


def _month(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m")
    return value or ""


def as_text(expression):
    """A date-time column or aggregate read as text, to be parsed with as_time: converting
    a hundred thousand times through the database driver and Django (parsing, then making
    them aware) costs more than the query that finds them."""
    return Cast(expression, CharField())


def as_time(value: str | None) -> datetime | None:
    """A time read through as_text: SQLite's stored UTC text gives a naive UTC datetime,
    PostgreSQL's an aware one (its connections use UTC). Only differences between times
    of one query set, and their UTC dates, are taken from them."""
    return None if value is None else datetime.fromisoformat(value)


# --- Participation ----------------------------------------------------------------------


def participation(scope: Scope) -> Section:
    section = Section.of("participation")
    by_role: dict[str, Counter] = defaultdict(Counter)
    for row in scope.members().values("role", "status").annotate(n=Count("id")):
        by_role[row["role"]][row["status"]] = row["n"]
    applications = sum(sum(c.values()) for c in by_role.values())
    admitted = sum(c[s] for c in by_role.values() for s in ADMITTED_STATUSES)
    roles = [r for r in Role.values if r in by_role]
    in_program = [by_role[r][Status.APPROVED] + by_role[r][Status.ACTIVE] for r in roles]
    waiting = [by_role[r][Status.APPLIED] + by_role[r][Status.WAITLISTED] for r in roles]
    completed = [by_role[r][Status.COMPLETED] for r in roles]
    section.stats += [
        (_("Applications"), applications),
        (_("Approved (incl. completed)"), admitted),
        (_("Active members"), sum(in_program)),
    ]
    section.charts.append(
        Chart(
            "members-by-role",
            _("Members by role"),
            "bar",
            _("Role"),
            [Role(r).label for r in roles],
            [
                (_("In the program"), in_program),
                (_("Waiting for a decision"), waiting),
                (_("Completed"), completed),
            ],
            stacked=True,
        )
    )

    # Monthly tallies kept by mentoring.figures: a few rows per relationship, not a million.
    months = list(
        SessionTally.objects.filter(**scope.f("relationship__"))
        .values("month")
        .annotate(n=Sum("sessions"), minutes=Sum("minutes"))
        .order_by("month")
    )
    section.charts.append(
        Chart(
            "sessions-per-month",
            _("Sessions per month"),
            "line",
            _("Month"),
            [m["month"].strftime("%Y-%m") for m in months],
            [
                (_("Sessions"), [m["n"] for m in months]),
                (_("Hours"), [round((m["minutes"] or 0) / 60, 1) for m in months]),
            ],
        )
    )

    edges = (0, 1, 3, 6, 11)
    touch = Counter()
    opened = 0
    for row in (
        Relationship.objects.filter(**scope.f())
        .exclude(status=RelStatus.PROPOSED)
        .values("session_count")
        .annotate(n=Count("id"))
    ):
        touch[metrics.bucket(row["session_count"], edges)] += row["n"]
        opened += row["n"]
    labels = metrics.bucket_labels(edges)
    section.charts.append(
        Chart(
            "touchpoints",
            _("Sessions per relationship"),
            "bar",
            _("Sessions logged"),
            labels,
            [(_("Relationships"), [touch[label] for label in labels])],
        )
    )
    section.stats.append((_("Relationships started"), opened))

    rsvps = Rsvp.objects.filter(**scope.f("event__"))
    events = list(
        rsvps.values("event__kind")
        .annotate(
            going=Count("id", filter=Q(status=Rsvp.Status.GOING)),
            attended=Count("id", filter=Q(attended=True)),
        )
        .order_by("event__kind")
    )
    bookings = Booking.objects.filter(status=Booking.Status.BOOKED)
    if scope.program is not None:
        bookings = bookings.filter(slot__office_hours__program=scope.program)
    if scope.cohort is not None:
        # Office hours belong to the program; a cohort's view counts its members' bookings.
        bookings = bookings.filter(user_id__in=scope.members().values("user_id"))
    booked = bookings.aggregate(
        n=Count("id"), past=Count("id", filter=Q(slot__starts_at__lt=timezone.now()))
    )
    section.charts.append(
        Chart(
            "attendance",
            _("Events and office hours"),
            "bar",
            _("Kind"),
            [Event.Kind(e["event__kind"]).label for e in events] + [_("Office hours")],
            [
                (_("Going or booked"), [e["going"] for e in events] + [booked["n"]]),
                (_("Attended or held"), [e["attended"] for e in events] + [booked["past"]]),
            ],
        )
    )
    return section


# --- Funnel -----------------------------------------------------------------------------

FUNNEL_STEPS = [
    gettext_lazy("Applied"),
    gettext_lazy("Approved"),
    gettext_lazy("Matched"),
    gettext_lazy("Agreement accepted"),
    gettext_lazy("First session"),
    gettext_lazy("Completed"),
]


def funnel_people(scope: Scope) -> list[list]:
    """One list of step times per mentee membership, from three grouped or plain queries (no
    subquery per row). Times are read as text (as_text, as_time): the funnel only takes
    differences between them and their UTC dates."""
    mentees = scope.members(MENTEE_ROLES)
    # Earliest approval per membership, over the (few) approval transitions.
    approved_at = dict(
        MembershipTransition.objects.filter(
            membership__in=mentees.order_by().values("pk"), to_status=Status.APPROVED
        )
        .order_by()
        .values("membership_id")
        .annotate(first=as_text(Min("created_at")))
        .values_list("membership_id", "first")
    )
    # Each mentee's earliest relationship per cohort (ties: first by role, then id), with the
    # dates mentoring.figures keeps on it: its first accepted agreement and first session.
    earliest: dict[tuple[int, int], tuple] = {}
    for user_id, cohort_id, rel_id, created, agreed, first, status, ended_on, needs in (
        Participant.objects.filter(role__in=["mentee", "peer"], **scope.f("relationship__"))
        .annotate(
            created=as_text("relationship__created_at"),
            agreed=as_text("relationship__agreed_at"),
            first=as_text("relationship__first_session_at"),
        )
        .order_by("role", "id")
        .values_list(
            "user_id",
            "relationship__cohort_id",
            "relationship_id",
            "created",
            "agreed",
            "first",
            "relationship__status",
            "relationship__ended_on",
            "relationship__program__requires_agreement",
        )
    ):
        key = (user_id, cohort_id)
        created = as_time(created)
        found = earliest.get(key)
        if found is None or created < found[1]:
            earliest[key] = (rel_id, created, agreed, first, status, ended_on, needs)
    people = []
    for pk, user_id, cohort_id, created, status in (
        mentees.annotate(created=as_text("created_at"))
        .order_by()
        .values_list("pk", "user_id", "cohort_id", "created", "status")
    ):
        approved = as_time(approved_at.get(pk)) or (status in ADMITTED_STATUSES) or None
        rel = earliest.get((user_id, cohort_id))
        steps: list = [as_time(created), approved, None, None, None, None]
        if rel is not None:
            _rel_id, rel_created, agreed, first, rel_status, ended_on, needs = rel
            steps[1] = steps[1] or True
            steps[2] = rel_created
            steps[3] = as_time(agreed) or (None if needs else rel_created)
            steps[4] = as_time(first)
            if rel_status == RelStatus.COMPLETED:
                steps[5] = ended_on or True
        people.append(steps)
    return people


def funnel(scope: Scope) -> Section:
    section = Section.of("funnel")
    steps = metrics.funnel([str(s) for s in FUNNEL_STEPS], funnel_people(scope))
    section.charts.append(
        Chart(
            "funnel",
            _("From application to completion (mentees)"),
            "bar",
            _("Step"),
            [s.label for s in steps],
            [
                (_("People"), [s.count for s in steps]),
                (_("% of applicants"), [s.share_of_first for s in steps]),
                (_("Drop-off from previous step (%)"), [s.drop_off for s in steps]),
                (_("Median days from previous step"), [s.median_days for s in steps]),
            ],
            plotted=1,
        )
    )
    section.stats.append((_("Applicants"), steps[0].count))
    section.stats.append((_("Completed"), steps[-1].count))
    section.notes.append(
        _("A person counts at a step only after every earlier one; the chart shows people.")
    )
    return section


# --- Retention --------------------------------------------------------------------------

SURVIVAL_WEEKS = 26


def retention(scope: Scope) -> Section:
    section = Section.of("retention")
    rels = (
        Relationship.objects.filter(**scope.f())
        .exclude(status=RelStatus.PROPOSED)
        .order_by()
        .values(
            "cohort_id", "cohort__name", "cohort__starts_on", "started_on", "ended_on", "status"
        )
        .annotate(n=Count("id"))
        .values_list(
            "cohort_id",
            "cohort__name",
            "cohort__starts_on",
            "started_on",
            "ended_on",
            "status",
            "n",
        )
    )
    # Relationships sharing cohort, dates and status come as one row with how many.
    spans: dict[tuple, list] = defaultdict(list)
    statuses: Counter = Counter()
    for cohort_id, name, starts_on, started, ended, status, n in rels:
        spans[(starts_on, cohort_id, name)].extend([(started, ended)] * n)
        statuses[status] += n
    today = timezone.localdate()
    # The most recent cohorts only, so the chart stays legible.
    cohorts = sorted(spans)[-6:]
    section.charts.append(
        Chart(
            "survival",
            _("Relationships still running, by week since start"),
            "line",
            _("Week"),
            [str(w) for w in range(SURVIVAL_WEEKS + 1)],
            [
                (name, metrics.survival_curve(spans[(s, cid, name)], today, SURVIVAL_WEEKS))
                for s, cid, name in cohorts
            ],
            percent=True,
        )
    )
    section.stats.append((_("Completion rate (%)"), metrics.completion_rate(statuses)))
    section.charts.append(
        Chart(
            "statuses",
            _("Relationships by status"),
            "bar",
            _("Status"),
            [RelStatus(s).label for s in RelStatus.values if s != RelStatus.PROPOSED],
            [
                (
                    _("Relationships"),
                    [statuses[s] for s in RelStatus.values if s != RelStatus.PROPOSED],
                )
            ],
        )
    )
    reasons = list(
        Relationship.objects.filter(**scope.f(), status=RelStatus.ENDED)
        .values("end_reason")
        .annotate(n=Count("id"))
        .order_by("-n", "end_reason")[:8]
    )
    section.charts.append(
        Chart(
            "end-reasons",
            _("Why relationships ended early"),
            "bar",
            _("Reason"),
            [r["end_reason"][:80] or _("(no reason given)") for r in reasons],
            [(_("Relationships"), [r["n"] for r in reasons])],
        )
    )
    everyone = Membership.objects.all()
    if scope.program is not None:
        everyone = everyone.filter(program=scope.program)
    in_scope = set(scope.members().order_by().values_list("user_id", flat=True))
    # Only people with two memberships or more can have come back.
    repeat = (
        everyone.order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("user_id")
    )
    returning, graduated = metrics.returning_members(
        everyone.filter(user_id__in=repeat)
        .order_by()
        .values_list("user_id", "cohort__starts_on", "role"),
        set(MENTOR_ROLES),
        in_scope,
    )
    section.stats += [
        (_("Members back for another cohort"), returning),
        (_("Mentees who came back as mentors"), graduated),
    ]
    return section


# --- Skill growth -----------------------------------------------------------------------


def skill_growth_rows(scope: Scope):
    from django.db.models import F

    return (
        SkillAssessment.objects.filter(**scope.f("relationship__"), assessor=F("mentee"))
        .values_list("skill__name", "relationship_id", "mentee_id", "stage", "level")
        .iterator()
    )


def skills(scope: Scope) -> Section:
    section = Section.of("skills")
    growth = metrics.skill_growth(
        (name, (rel, mentee), stage, level)
        for name, rel, mentee, stage, level in skill_growth_rows(scope)
    )
    top = growth[:10]
    section.charts.append(
        Chart(
            "skill-levels",
            _("Self-assessed level at start, midpoint and close (top growing skills)"),
            "bar",
            _("Skill"),
            [g.skill for g in top],
            [
                (_("Start"), [g.means["start"] for g in top]),
                (_("Midpoint"), [g.means["midpoint"] for g in top]),
                (_("Close"), [g.means["close"] for g in top]),
            ],
        )
    )
    section.charts.append(
        Chart(
            "skill-change",
            _("Change in self-assessed level per skill, with respondents"),
            "bar",
            _("Skill"),
            [g.skill for g in growth],
            [
                (_("Mean change"), [g.change for g in growth]),
                (_("People with start and later rating"), [g.paired for g in growth]),
                (_("Respondents at start"), [g.respondents["start"] for g in growth]),
                (_("Respondents at midpoint"), [g.respondents["midpoint"] for g in growth]),
                (_("Respondents at close"), [g.respondents["close"] for g in growth]),
            ],
            plotted=1,
        )
    )
    paired = [g for g in growth if g.change is not None]
    section.stats.append((_("Skills assessed"), len(growth)))
    if paired:
        section.stats.append((_("Top growing skill"), f"{paired[0].skill} (+{paired[0].change})"))
    return section


# --- Satisfaction -----------------------------------------------------------------------


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def satisfaction(scope: Scope) -> Section:
    section = Section.of("satisfaction")
    questions = Question.objects.filter(kind__in=[Question.Kind.SCALE, Question.Kind.NPS])
    if scope.program is not None:
        questions = questions.filter(survey__program=scope.program)
    kinds = dict(questions.order_by().values_list("pk", "kind"))
    answers = Answer.objects.filter(question_id__in=list(kinds))
    if scope.cohort is not None:
        answers = answers.filter(response__user_id__in=scope.members().values("user_id"))
    ratings = SessionRating.objects.filter(**scope.f("session__relationship__"))
    pulses = CheckIn.objects.filter(**scope.f("relationship__"))

    # (source, month, track, cohort) -> Counter of values
    scale: dict[tuple, Counter] = defaultdict(Counter)
    promoters: dict[tuple, Counter] = defaultdict(Counter)
    unset = _("Program-wide survey")
    # Grouped by question and round ids, named afterwards from the few rounds: joining every
    # answer to its round, relationship, track and cohort cost most of the time.
    rows = list(
        answers.annotate(month=month_of("response__submitted_at"))
        .order_by()
        .values("question_id", "value", "month", "response__round_id")
        .annotate(n=Count("id"))
    )
    rounds = {
        pk: (track or unset, cohort or unset)
        for pk, track, cohort in (
            Round.objects.filter(pk__in={row["response__round_id"] for row in rows})
            .order_by()
            .values_list("pk", "relationship__track__name", "relationship__cohort__name")
            if rows
            else []
        )
    }
    for row in rows:
        value = _as_int(row["value"])
        if value is None:
            continue
        key = ("survey", _month(row["month"]), *rounds[row["response__round_id"]])
        target = promoters if kinds[row["question_id"]] == Question.Kind.NPS else scale
        target[key][value] += row["n"]
    for source, qs, prefix, value_field in (
        ("rating", ratings, "session__relationship__", "rating"),
        ("pulse", pulses, "relationship__", "rating"),
    ):
        for row in (
            qs.annotate(month=month_of("created_at"))
            .values(value_field, "month", f"{prefix}track__name", f"{prefix}cohort__name")
            .annotate(n=Count("id"))
        ):
            key = (
                source,
                _month(row["month"]),
                row[f"{prefix}track__name"],
                row[f"{prefix}cohort__name"],
            )
            scale[key][row[value_field]] += row["n"]

    def merged(table, pick) -> dict[str, Counter]:
        out: dict[str, Counter] = defaultdict(Counter)
        for key, counts in table.items():
            out[pick(key)].update(counts)
        return out

    by_source = merged(scale, lambda k: k[0])
    total_scale = sum(by_source.values(), Counter())
    total_nps = sum(promoters.values(), Counter())
    section.stats += [
        (_("CSAT, all sources (% rating 4 or 5)"), metrics.csat(total_scale)),
        (_("NPS"), metrics.nps(total_nps)),
        (_("Ratings counted"), sum(total_scale.values())),
        (_("NPS answers"), sum(total_nps.values())),
    ]
    sources = [
        ("survey", _("Survey scale questions")),
        ("rating", _("Session ratings")),
        ("pulse", _("Check-in pulses")),
    ]
    section.charts.append(
        Chart(
            "csat-by-source",
            _("CSAT by source"),
            "bar",
            _("Source"),
            [label for _k, label in sources],
            [
                (_("CSAT (%)"), [metrics.csat(by_source.get(k, Counter())) for k, _l in sources]),
                (_("Ratings"), [sum(by_source.get(k, Counter()).values()) for k, _l in sources]),
            ],
            plotted=1,
        )
    )
    scale_month, nps_month = merged(scale, lambda k: k[1]), merged(promoters, lambda k: k[1])
    months = sorted(set(scale_month) | set(nps_month))
    section.charts.append(
        Chart(
            "satisfaction-over-time",
            _("CSAT and NPS over time"),
            "line",
            _("Month"),
            months,
            [
                (_("CSAT (%)"), [metrics.csat(scale_month.get(m, Counter())) for m in months]),
                (_("NPS"), [metrics.nps(nps_month.get(m, Counter())) for m in months]),
            ],
        )
    )
    for index, key, title, heading in (
        (2, "satisfaction-by-track", _("Satisfaction by track"), _("Track")),
        (3, "satisfaction-by-cohort", _("Satisfaction by cohort"), _("Cohort")),
    ):
        s_by, n_by = (
            merged(scale, lambda k, i=index: k[i]),
            merged(promoters, lambda k, i=index: k[i]),
        )
        labels = sorted(set(s_by) | set(n_by), key=str)
        section.charts.append(
            Chart(
                key,
                title,
                "bar",
                heading,
                labels,
                [
                    (_("CSAT (%)"), [metrics.csat(s_by.get(g, Counter())) for g in labels]),
                    (_("NPS"), [metrics.nps(n_by.get(g, Counter())) for g in labels]),
                    (_("Ratings"), [sum(s_by.get(g, Counter()).values()) for g in labels]),
                ],
                plotted=2,
            )
        )
    return section


# --- Mentor load ------------------------------------------------------------------------


def mentor_load(scope: Scope) -> Section:
    section = Section.of("load")
    capacity: dict[int, int] = {}
    for user_id, cap, default in scope.members(MENTOR_ROLES, admitted=True).values_list(
        "user_id", "capacity", "program__default_mentor_capacity"
    ):
        capacity[user_id] = max(capacity.get(user_id, 0), cap or default)
    load = dict(
        Participant.objects.filter(
            role=Participant.Role.MENTOR,
            relationship__status__in=OPEN_RELATIONSHIP,
            **scope.f("relationship__"),
        )
        .values("user_id")
        .annotate(
            n=Count(
                "relationship__participants", filter=~Q(relationship__participants__role="mentor")
            )
        )
        .values_list("user_id", "n")
    )
    bands = Counter(metrics.load_band(load.get(u, 0), c) for u, c in capacity.items())
    labels = {
        "idle": _("No mentee"),
        "low": _("Under half"),
        "half": _("Half or more"),
        "full": _("Full"),
        "over": _("Over capacity"),
    }
    section.charts.append(
        Chart(
            "mentor-load",
            _("Mentors by mentees against capacity"),
            "bar",
            _("Load"),
            [labels[b] for b in metrics.LOAD_BANDS],
            [(_("Mentors"), [bands[b] for b in metrics.LOAD_BANDS])],
        )
    )
    requests = MatchRequest.objects.filter(status=MatchRequest.Status.PENDING)
    if scope.program is not None:
        requests = requests.filter(program=scope.program)
    if scope.cohort is not None:
        requests = requests.filter(mentee__cohort=scope.cohort)
    days = settings_for(scope.program).request_days
    late = timezone.now() - timedelta(days=days)
    pending = requests.aggregate(
        n=Count("id"),
        mentors=Count("mentor", distinct=True),
        late=Count("id", filter=Q(created_at__lt=late)),
        late_mentors=Count("mentor", distinct=True, filter=Q(created_at__lt=late)),
    )
    hours = Relationship.objects.filter(**scope.f()).aggregate(minutes=Sum("session_minutes"))
    total_hours = round((hours["minutes"] or 0) / 60, 1)
    section.stats += [
        (_("Mentors"), len(capacity)),
        (_("Open mentee places"), sum(max(0, c - load.get(u, 0)) for u, c in capacity.items())),
        (_("Pending requests"), pending["n"]),
        (_("Mentors with pending requests"), pending["mentors"]),
        (
            _("Mentors with requests unanswered for more than %(days)d days") % {"days": days},
            pending["late_mentors"],
        ),
        (_("Mentoring hours logged"), total_hours),
        (
            _("Hours per mentor"),
            round(total_hours / len(capacity), 1) if capacity else None,
        ),
    ]
    return section


# --- Skills supply and demand -----------------------------------------------------------


def supply_demand(scope: Scope) -> Section:
    section = Section.of("supply")

    def counts(kind: str, roles: list[str]) -> dict[str, int]:
        users = scope.members(roles).exclude(status__in=[Status.DECLINED, Status.WITHDRAWN])
        return dict(
            UserSkill.objects.filter(kind=kind, user_id__in=users.values("user_id"))
            .values("skill__name")
            .annotate(n=Count("user_id", distinct=True))
            .values_list("skill__name", "n")
        )

    wanted = counts(SkillKind.WANT, MENTEE_ROLES)
    offered = counts(SkillKind.HAVE, MENTOR_ROLES)
    names = sorted(set(wanted) | set(offered), key=lambda s: (-wanted.get(s, 0), s))[:20]
    section.charts.append(
        Chart(
            "supply-demand",
            _("Skills wanted by mentees and offered by mentors"),
            "bar",
            _("Skill"),
            names,
            [
                (_("Wanted by mentees"), [wanted.get(s, 0) for s in names]),
                (_("Offered by mentors"), [offered.get(s, 0) for s in names]),
                (_("Unmet demand"), [max(0, wanted.get(s, 0) - offered.get(s, 0)) for s in names]),
            ],
        )
    )
    unmet = sorted(
        ((wanted[s] - offered.get(s, 0), s) for s in wanted if wanted[s] > offered.get(s, 0)),
        reverse=True,
    )
    section.stats.append((_("Skills with unmet demand"), len(unmet)))
    if unmet:
        section.stats.append((_("Largest gap"), f"{unmet[0][1]} ({unmet[0][0]})"))
    return section


# --- Matching quality -------------------------------------------------------------------


def matching_quality(scope: Scope) -> Section:
    section = Section.of("matching")
    requests = MatchRequest.objects.all()
    pairs = ProposedPair.objects.filter(round__status="published")
    if scope.program is not None:
        requests = requests.filter(program=scope.program)
        pairs = pairs.filter(round__program=scope.program)
    if scope.cohort is not None:
        requests = requests.filter(mentee__cohort=scope.cohort)
        pairs = pairs.filter(round__cohort=scope.cohort)
    by_status = dict(requests.values("status").annotate(n=Count("id")).values_list("status", "n"))
    answered = sum(by_status.get(s, 0) for s in ("accepted", "declined", "expired"))
    proposed = pairs.aggregate(
        n=Count("id"),
        accepted=Count("id", filter=Q(mentee_response="accepted", mentor_response="accepted")),
        declined=Count("id", filter=Q(mentee_response="declined") | Q(mentor_response="declined")),
    )
    section.stats += [
        (
            _("Requests accepted (% of answered)"),
            metrics.rate(by_status.get("accepted", 0), answered),
        ),
        (
            _("Round pairs accepted by both (% of decided)"),
            metrics.rate(proposed["accepted"], proposed["accepted"] + proposed["declined"]),
        ),
    ]
    bad_fit = CheckIn.objects.filter(relationship=OuterRef("pk"), good_fit=False)
    bands: dict[str, Counter] = {b: Counter() for b in metrics.SCORE_BANDS}
    for score, status, bad in (
        Relationship.objects.filter(**scope.f(), match_score__isnull=False)
        .annotate(bad=Exists(bad_fit))
        .values_list("match_score", "status", "bad")
    ):
        band = bands[metrics.score_band(score)]
        band["all"] += 1
        band[status] += 1
        band["bad"] += bool(bad)
    labels = list(metrics.SCORE_BANDS)
    section.charts.append(
        Chart(
            "score-bands",
            _("Outcomes by match score band"),
            "bar",
            _("Match score"),
            labels,
            [
                (
                    _("Not a good fit (%)"),
                    [metrics.rate(bands[b]["bad"], bands[b]["all"]) for b in labels],
                ),
                (_("Completion rate (%)"), [metrics.completion_rate(bands[b]) for b in labels]),
                (_("Relationships"), [bands[b]["all"] for b in labels]),
            ],
            plotted=2,
        )
    )
    return section


SECTIONS: dict[str, Callable[[Scope], Section]] = {
    "participation": participation,
    "funnel": funnel,
    "retention": retention,
    "skills": skills,
    "satisfaction": satisfaction,
    "load": mentor_load,
    "supply": supply_demand,
    "matching": matching_quality,
}


def dashboard(scope: Scope, keys: list[str] | None = None) -> list[Section]:
    return [SECTIONS[k](scope) for k in (keys or SECTIONS)]
