"""The metric functions are pure: plain data in, hand-computed figures out. No database."""

import datetime as dt

import pytest

from lodestar.insights import metrics as m

D = dt.date


def test_funnel_counts_drop_off_and_median_days():
    people = [
        [D(2026, 1, 1), D(2026, 1, 3), D(2026, 1, 13)],  # 2 days, then 10 days
        [D(2026, 1, 1), D(2026, 1, 5), None],  # 4 days
        [D(2026, 1, 1), None, D(2026, 2, 1)],  # skipped a step: stops at step 1
        [D(2026, 1, 1), True, D(2026, 1, 2)],  # reached, time unknown: no gap counted
    ]
    applied, approved, matched = m.funnel(["a", "b", "c"], people)
    assert (applied.count, approved.count, matched.count) == (4, 3, 2)
    assert approved.drop_off == 25.0 and matched.drop_off == pytest.approx(33.3)
    assert matched.share_of_first == 50.0
    assert approved.median_days == 3.0  # median of 2 and 4
    assert matched.median_days == 10.0  # only the fully timed person
    assert applied.drop_off is None and applied.median_days is None


def test_funnel_of_nobody_has_no_rates():
    (step,) = m.funnel(["a"], [])
    assert (step.count, step.share_of_first, step.drop_off) == (0, None, None)


def test_survival_curve_leaves_out_relationships_not_yet_observed():
    today = D(2026, 3, 1)
    spans = [
        (today - dt.timedelta(weeks=4), None),  # running, 4 weeks old
        (today - dt.timedelta(weeks=4), today - dt.timedelta(weeks=3)),  # ended after 1 week
        (today - dt.timedelta(weeks=1), None),  # only observed up to week 1
    ]
    curve = m.survival_curve(spans, today, weeks=5)
    assert curve[0] == 100.0
    assert curve[1] == 100.0  # all 3 observed; the ender lasted exactly one week
    assert curve[2] == 50.0  # 2 observed, 1 running
    assert curve[4] == 50.0
    assert curve[5] is None  # nobody is five weeks old


def test_completion_csat_and_nps():
    assert m.completion_rate({"completed": 3, "ended": 1, "active": 10}) == 75.0
    assert m.completion_rate({"active": 2}) is None
    assert m.csat({5: 2, 4: 1, 3: 1, 1: 1}) == 60.0
    assert m.csat({}) is None
    # 2 promoters (9, 10), 1 passive (8), 2 detractors (0, 6): (2 - 2) / 5.
    assert m.nps({9: 1, 10: 1, 8: 1, 0: 1, 6: 1}) == 0.0
    assert m.nps({10: 3, 5: 1}) == 50.0
    assert m.nps({}) is None


def test_skill_growth_pairs_start_with_the_latest_rating():
    rows = [
        ("SQL", 1, "start", 1), ("SQL", 1, "close", 4),  # +3
        ("SQL", 2, "start", 2), ("SQL", 2, "midpoint", 3),  # +1 (midpoint, no close)
        ("SQL", 3, "close", 5),  # no start: counted as a respondent, not in the change
        ("Git", 4, "start", 3), ("Git", 4, "close", 3),  # 0
    ]  # fmt: skip
    sql, git = m.skill_growth(rows)
    assert sql.skill == "SQL" and sql.change == 2.0 and sql.paired == 2
    assert sql.respondents == {"start": 2, "midpoint": 1, "close": 2}
    assert sql.means == {"start": 1.5, "midpoint": 3.0, "close": 4.5}
    assert git.change == 0.0


def test_returning_members_and_mentees_who_became_mentors():
    spring, autumn = D(2026, 3, 1), D(2026, 9, 1)
    memberships = [
        (1, spring, "mentee"), (1, autumn, "mentor"),  # returned as a mentor
        (2, spring, "mentee"), (2, autumn, "mentee"),  # returned as a mentee
        (3, autumn, "mentor"),
        (4, spring, "mentor"), (4, autumn, "mentee"),  # mentor first: not a graduation
    ]  # fmt: skip
    assert m.returning_members(memberships, {"mentor", "both"}, {1, 2, 3, 4}) == (3, 1)
    assert m.returning_members(memberships, {"mentor", "both"}, {3}) == (0, 0)


def test_bands_and_buckets():
    assert [m.score_band(s) for s in (0.0, 0.39, 0.4, 0.79, 0.8, 1.0)] == [
        "0.0-0.4", "0.0-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0", "0.8-1.0",
    ]  # fmt: skip
    edges = (0, 1, 3, 6, 11)
    assert [m.bucket(v, edges) for v in (0, 1, 2, 3, 10, 11, 50)] == [
        "0", "1-2", "1-2", "3-5", "6-10", "11+", "11+",
    ]  # fmt: skip
    assert m.bucket_labels(edges) == ["0", "1-2", "3-5", "6-10", "11+"]
    assert [m.load_band(n, 4) for n in (0, 1, 2, 4, 5)] == ["idle", "low", "half", "full", "over"]


# --- Suppression -------------------------------------------------------------------------


def test_nothing_is_hidden_when_every_group_is_large_or_empty():
    row = m.suppress_row({"a": 10, "b": 25, "c": 0}, 10)
    assert row.hidden == set() and not row.total_hidden


def test_a_single_small_group_takes_the_next_smallest_with_it():
    # Hiding only b (3) would let anyone compute it as total - a - c.
    row = m.suppress_row({"a": 40, "b": 3, "c": 12, "none": 20}, 10)
    assert row.hidden == {"b", "c"}
    assert not row.total_hidden


def test_two_small_groups_that_sum_below_the_threshold_take_a_third():
    # b + c = 7 would still be a small figure, so the smallest shown group goes too.
    row = m.suppress_row({"a": 50, "b": 3, "c": 4, "d": 11}, 10)
    assert row.hidden == {"b", "c", "d"}


def test_two_small_groups_that_reach_the_threshold_are_enough():
    row = m.suppress_row({"a": 50, "b": 4, "c": 6}, 10)
    assert row.hidden == {"b", "c"}


def test_the_total_is_hidden_when_nothing_else_can_protect_the_group():
    row = m.suppress_row({"a": 3, "b": 0}, 10)
    assert row.hidden == {"a"} and row.total_hidden
    row = m.suppress_row({"a": 3, "b": 4}, 10)
    assert row.hidden == {"a", "b"} and row.total_hidden


def test_the_threshold_itself_is_shown_and_one_below_is_not():
    assert m.suppress_row({"a": 5, "b": 5}, 5).hidden == set()
    assert m.suppress_row({"a": 4, "b": 5, "c": 30}, 5).hidden == {"a", "b"}


def test_groups_hidden_for_another_reason_need_a_complement_too():
    # c is large but hidden in every cohort view; alone, total - a - b would give it back.
    row = m.suppress_row({"a": 20, "b": 30, "c": 15}, 10, also_hidden={"c"})
    assert row.hidden == {"a", "c"}
    # An empty forced group changes nothing.
    assert m.suppress_row({"a": 20, "c": 0}, 10, also_hidden={"c"}).hidden == set()


def test_a_group_is_stable_across_cohorts_only_if_no_cohort_has_a_small_cell():
    assert m.stable_across_slices([0, 12, 10], 10)
    assert not m.stable_across_slices([0, 12, 3], 10)
    assert m.stable_across_slices([], 10)


def test_two_proportion_z_and_the_notable_difference_flag():
    # 30/50 against 20/50: pooled 0.5, se = sqrt(0.25 * 0.04) = 0.1, z = 0.2 / 0.1 = 2.
    assert m.two_proportion_z(30, 50, 20, 50) == pytest.approx(2.0)
    assert m.differs_notably(30, 50, 20, 50)
    # 20 points apart but on tiny groups: not significant.
    assert not m.differs_notably(3, 5, 2, 5)
    # Significant but less than 10 points apart.
    assert not m.differs_notably(5500, 10000, 5000, 10000)
    assert m.two_proportion_z(0, 0, 1, 2) is None
    assert m.two_proportion_z(5, 5, 5, 5) is None  # no spread
