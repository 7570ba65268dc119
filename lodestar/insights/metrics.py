"""Program metrics as pure functions over plain Python data: no Django, no database.

The query layer (queries.py, equity.py) turns rows into the lists and counters these take.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median as _median


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(_median(values)) if values else None


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def rate(part: int, whole: int) -> float | None:
    """A percentage rounded to one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def _days(a: date | datetime, b: date | datetime) -> float:
    if isinstance(a, datetime) != isinstance(b, datetime):
        a = a.date() if isinstance(a, datetime) else a
        b = b.date() if isinstance(b, datetime) else b
    delta = b - a
    return delta.total_seconds() / 86400


# --- Funnel -----------------------------------------------------------------------------


@dataclass
class FunnelStep:
    label: str
    count: int
    share_of_first: float | None  # % of the first step
    drop_off: float | None  # % lost since the previous step
    median_days: float | None  # median days from the previous step, among those who made it


def funnel(labels: Sequence[str], people: Iterable[Sequence[date | datetime | bool | None]]):
    """Each person is a sequence with one entry per step: a time, True (reached, time unknown)
    or None (not reached). A person counts at a step only if they reached every earlier one,
    so the funnel never widens."""
    counts = [0] * len(labels)
    gaps: list[list[float]] = [[] for _ in labels]
    for steps in people:
        previous: date | datetime | bool | None = None
        for i, reached in enumerate(steps):
            if reached is None or reached is False:
                break
            counts[i] += 1
            if i and not isinstance(reached, bool) and not isinstance(previous, bool | None):
                gaps[i].append(max(0.0, _days(previous, reached)))
            previous = reached
    rows = []
    for i, label in enumerate(labels):
        before = counts[i - 1] if i else None
        rows.append(
            FunnelStep(
                label=label,
                count=counts[i],
                share_of_first=rate(counts[i], counts[0]),
                drop_off=rate(before - counts[i], before) if before else None,
                median_days=round(m, 1) if (m := median(gaps[i])) is not None else None,
            )
        )
    return rows


# --- Retention --------------------------------------------------------------------------


def survival_curve(
    spans: Iterable[tuple[date, date | None]], today: date, weeks: int = 26
) -> list[float | None]:
    """Share (%) of relationships still running w weeks after their start, for w = 0..weeks.

    A span is (started_on, ended_on or None). A relationship younger than w weeks is left out
    of week w (not yet observed), so recent cohorts do not look better than they are.
    """
    # Per span, its age today and how long it ran (open spans: as long as its age); a span is
    # observed at week w when age >= 7w and running when both are. Two sorted lists and a
    # bisection per week instead of a pass over every span per week.
    ages: list[float] = []
    lasted: list[float] = []
    for start, end in spans:
        age = _days(start, today)
        ages.append(age)
        lasted.append(age if end is None else min(age, _days(start, end)))
    ages.sort()
    lasted.sort()
    curve: list[float | None] = []
    for w in range(weeks + 1):
        observed = len(ages) - bisect_left(ages, 7 * w)
        running = len(lasted) - bisect_left(lasted, 7 * w)
        curve.append(rate(running, observed))
    return curve


def completion_rate(statuses: Mapping[str, int]) -> float | None:
    """Completed among the relationships that closed (completed or ended early)."""
    done, ended = statuses.get("completed", 0), statuses.get("ended", 0)
    return rate(done, done + ended)


def returning_members(
    memberships: Iterable[tuple[int, date, str]], mentor_roles: set[str], in_scope: set[int]
) -> tuple[int, int]:
    """(members back for another cohort, mentees who came back as mentors), among users in
    `in_scope`. A membership is (user_id, cohort start, role)."""
    by_user: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for user_id, starts_on, role in memberships:
        by_user[user_id].append((starts_on, role))
    returning = graduated = 0
    for user_id, rows in by_user.items():
        if user_id not in in_scope or len({s for s, _r in rows}) < 2:
            continue
        rows.sort()
        returning += 1
        first_as_mentee = next((s for s, r in rows if r not in mentor_roles), None)
        if first_as_mentee and any(s > first_as_mentee and r in mentor_roles for s, r in rows):
            graduated += 1
    return returning, graduated


# --- Satisfaction -----------------------------------------------------------------------


def csat(ratings: Mapping[int, int]) -> float | None:
    """Share (%) of 1-5 ratings that are 4 or 5; `ratings` maps a rating to how many."""
    total = sum(n for r, n in ratings.items() if 1 <= r <= 5)
    return rate(sum(n for r, n in ratings.items() if r >= 4 and r <= 5), total)


def nps(scores: Mapping[int, int]) -> float | None:
    """Net promoter score: % of 9-10 minus % of 0-6, from -100 to 100."""
    total = sum(n for s, n in scores.items() if 0 <= s <= 10)
    if not total:
        return None
    promoters = sum(n for s, n in scores.items() if s >= 9 and s <= 10)
    detractors = sum(n for s, n in scores.items() if 0 <= s <= 6)
    return round(100 * (promoters - detractors) / total, 1)


# --- Skill growth -----------------------------------------------------------------------

STAGES = ("start", "midpoint", "close")


@dataclass
class SkillGrowth:
    skill: str
    means: dict[str, float | None]
    respondents: dict[str, int]
    paired: int  # people with both a start and a later rating
    change: float | None  # mean of (latest - start) among them


def skill_growth(rows: Iterable[tuple[str, object, str, int]]) -> list[SkillGrowth]:
    """Rows are (skill, person key, stage, level) self-ratings; the person key is whatever
    identifies one mentee in one relationship. Sorted by change, largest first."""
    levels: dict[str, dict[object, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for skill, person, stage, level in rows:
        levels[skill][person][stage] = level
    result = []
    for skill, people in levels.items():
        by_stage = {s: [p[s] for p in people.values() if s in p] for s in STAGES}
        deltas = [
            (p["close"] if "close" in p else p["midpoint"]) - p["start"]
            for p in people.values()
            if "start" in p and ("close" in p or "midpoint" in p)
        ]
        change = mean(deltas)
        result.append(
            SkillGrowth(
                skill=skill,
                means={s: _round(mean(v)) for s, v in by_stage.items()},
                respondents={s: len(v) for s, v in by_stage.items()},
                paired=len(deltas),
                change=_round(change),
            )
        )
    result.sort(key=lambda g: (g.change is None, -(g.change or 0), g.skill))
    return result


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


# --- Bands and buckets ------------------------------------------------------------------

SCORE_BANDS = ("0.0-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0")


def score_band(score: float) -> str:
    """The band of a match score in [0, 1]: do higher scores lead to better relationships?"""
    if score < 0.4:
        return SCORE_BANDS[0]
    if score < 0.6:
        return SCORE_BANDS[1]
    return SCORE_BANDS[2] if score < 0.8 else SCORE_BANDS[3]


def bucket(value: int, edges: Sequence[int]) -> str:
    """The label of the bucket holding value: edges (0, 1, 3, 6, 11) give 0, 1-2, 3-5, 6-10, 11+."""
    for low, high in zip(edges, edges[1:], strict=False):
        if low <= value < high:
            return str(low) if high - low == 1 else f"{low}-{high - 1}"
    return f"{edges[-1]}+"


def bucket_labels(edges: Sequence[int]) -> list[str]:
    labels = [
        str(low) if high - low == 1 else f"{low}-{high - 1}"
        for low, high in zip(edges, edges[1:], strict=False)
    ]
    return [*labels, f"{edges[-1]}+"]


def load_band(mentees: int, capacity: int | None) -> str:
    """How full a mentor is: idle, below half, half or more, full, over capacity."""
    if not mentees:
        return "idle"
    if not capacity:
        return "full"
    if mentees > capacity:
        return "over"
    if mentees == capacity:
        return "full"
    return "half" if 2 * mentees >= capacity else "low"


LOAD_BANDS = ("idle", "low", "half", "full", "over")


# --- Small-cell suppression and comparison ----------------------------------------------


@dataclass
class SuppressedRow:
    """Which cells of one row (one demographic field) may be shown."""

    counts: dict[str, int]
    hidden: set[str] = field(default_factory=set)
    total_hidden: bool = False

    def shown(self, group: str) -> bool:
        return group not in self.hidden


def suppress_row(
    counts: Mapping[str, int], threshold: int, also_hidden: Iterable[str] = ()
) -> SuppressedRow:
    """Primary and complementary suppression of one row of group counts whose total is shown.

    1. Every group with 1..threshold-1 people is hidden (empty groups reveal no one).
    2. The hidden groups together must hold at least `threshold` people, or the total minus
       the shown groups would give a small figure (with exactly one hidden group, its exact
       count): while they do not, the smallest shown non-empty group is hidden as well.
    3. If no group is left to hide and the hidden ones are still too few, the total is hidden.

    `also_hidden` are groups hidden for another reason (for instance in every cohort view);
    they count as hidden cells in rule 2.
    """
    threshold = max(int(threshold), 1)
    row = SuppressedRow(counts=dict(counts))
    row.hidden = {g for g, n in counts.items() if 0 < n < threshold}
    row.hidden |= {g for g in also_hidden if counts.get(g, 0) > 0}
    while row.hidden:
        hidden_sum = sum(counts[g] for g in row.hidden)
        if hidden_sum >= threshold and len(row.hidden) > 1:
            break
        candidates = sorted((n, g) for g, n in counts.items() if n > 0 and g not in row.hidden)
        if not candidates:
            row.total_hidden = True
            break
        row.hidden.add(candidates[0][1])
    return row


def stable_across_slices(slices: Iterable[int], threshold: int) -> bool:
    """A group may be shown in a filtered view (one cohort) only if it is empty or at least
    `threshold` in every slice: then no difference of views can isolate a small cell."""
    return all(n == 0 or n >= threshold for n in slices)


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """The pooled two-proportion z statistic of x1/n1 against x2/n2."""
    if not n1 or not n2:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return None
    return (x1 / n1 - x2 / n2) / spread


def differs_notably(
    x1: int, n1: int, x2: int, n2: int, points: float = 10.0, z: float = 1.96
) -> bool:
    """A group's rate differs from the rest by `points` percentage points or more, and the
    difference is unlikely to be chance (|z| >= 1.96, about 95%)."""
    stat = two_proportion_z(x1, n1, x2, n2)
    if stat is None:
        return False
    return abs(100 * (x1 / n1 - x2 / n2)) >= points and abs(stat) >= z


def count_values(values: Iterable[int]) -> Counter:
    return Counter(values)
