"""Pruning with group bounds: the bounds are true upper bounds, and a pruned, certified solve
finds the same optimum as an exact dense assignment."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from lodestar.matching.engine import Mode, Options
from lodestar.matching.engine.generate import generate
from lodestar.matching.engine.groups import build_layout, first_pass
from lodestar.matching.engine.scoring import score_matrix
from lodestar.matching.engine.solve import DenseScores, Problem, solve


def scorer_for(n_e, n_m, seed, **options):
    mentees, mentors = generate(n_e, n_m, capacity=2, seed=seed)
    opts = Options(**options)
    exclusions = [(mentees[0].id, mentors[1].id), (mentees[3].id, mentors[0].id)]
    return score_matrix(mentees, mentors, options=opts, exclusions=exclusions)


def scipy_optimum(dense, capacity, mode, min_score):
    """Most matched then best total (or best total alone), on the seat-expanded matrix."""
    scores = np.where(np.isfinite(dense) & (dense >= min_score), dense, -np.inf)
    seats = np.repeat(scores.astype(np.float64), capacity, axis=1)
    allowed = np.isfinite(seats)
    bonus = seats.shape[0] + 1 if mode == Mode.MAX_MATCHED else 0.0
    weight = np.where(allowed, seats + bonus, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    ok = allowed[rows, cols] & (weight[rows, cols] > 0)
    return int(ok.sum()), float(seats[rows, cols][ok].sum())


@pytest.mark.parametrize("min_score", [0.0, 0.45])
def test_group_bounds_are_above_every_pair_left_out(min_score):
    scorer = scorer_for(300, 240, seed=7, exclude_same_affiliation=True)
    dense = scorer.dense().astype(np.float64)
    active = np.ones(300, dtype=bool)
    active[5] = False  # a locked mentee is not scored
    layout = build_layout(scorer, active, size=16)
    fp = first_pass(scorer, layout, active, min_score, first=3, fallback=2)

    # Candidates are allowed pairs with their own scores.
    assert np.isfinite(dense[fp.rows, fp.cols]).all()
    assert (fp.vals >= min_score).all()
    assert np.abs(fp.vals - dense[fp.rows, fp.cols]).max() <= scorer.rounding
    # Every allowed pair left out lies under its group's bound.
    listed = np.zeros(dense.shape, dtype=bool)
    listed[fp.rows, fp.cols] = True
    left = np.isfinite(dense) & (dense >= min_score) & ~listed & active[:, None]
    e, m = np.nonzero(left)
    assert len(e) > 1000
    assert (dense[e, m] <= fp.bound[e, layout.group_of[m]] + scorer.rounding).all()
    assert not np.isfinite(fp.bound[~active]).any()
    # Each group is one kind of mentor for the language test: a class meets all or none.
    mentee_class, allows = scorer.language_classes()
    for c, groups in enumerate(layout.class_groups):
        members = layout.cols[groups]
        assert allows[c, members[members >= 0]].all()


def test_group_columns_score_like_whole_rows_within_the_rounding_margin():
    scorer = scorer_for(80, 90, seed=3, exclude_same_affiliation=True)
    whole = scorer.block(np.arange(80))
    cols = np.array([4, -1, 0, 1, 89, 17, -1])
    part = scorer.columns(cols).block(np.arange(80))
    ref = whole[:, np.maximum(cols, 0)]
    ref[:, cols < 0] = -np.inf
    # BLAS may sum in another order for another shape: equal up to the scorer's margin.
    assert (np.isfinite(part) == np.isfinite(ref)).all()
    ok = np.isfinite(ref)
    assert np.abs(part[ok] - ref[ok]).max() <= scorer.rounding
    assert not np.isfinite(part[0, 3])  # an explicit exclusion, in the group's columns


@pytest.mark.parametrize(
    ("mode", "capacity", "min_score"),
    [
        (Mode.MAX_MATCHED, 2, 0.0),
        (Mode.MAX_MATCHED, 1, 0.0),  # more mentees than seats: the cover proves the count
        (Mode.MAX_MATCHED, 2, 0.5),
        (Mode.BEST_SCORE, 1, 0.3),
    ],
)
def test_pruned_solve_equals_the_exact_optimum(mode, capacity, min_score):
    scorer = scorer_for(240, 110, seed=11)
    dense = scorer.dense()
    caps = np.full(110, capacity)
    # Few candidates per mentee, so the bounds and the rounds do the work.
    options = Options(mode=mode, min_score=min_score, top_k=2, reserve=1, max_rounds=30)
    sol = solve(Problem(caps, scorer), options)
    count, total = scipy_optimum(dense, caps, mode, min_score)
    if mode == Mode.MAX_MATCHED:
        assert sol.matched == count
    assert sol.total_score == pytest.approx(total, abs=1e-6)
    assert sol.certificate.optimal
    assert sol.certificate.upper_bound >= total - 1e-6
    load = np.bincount(sol.mentor_of[sol.mentor_of >= 0], minlength=110)
    assert (load <= caps).all()
    got = sol.mentor_of >= 0
    pairs = dense[np.flatnonzero(got), sol.mentor_of[got]]
    assert np.isfinite(pairs).all() and (pairs >= min_score).all()
    dense_sol = solve(Problem(caps, DenseScores(dense)), options)
    assert dense_sol.total_score == pytest.approx(total, abs=1e-6)


def test_a_tolerance_stops_early_with_a_true_bound():
    scorer = scorer_for(400, 100, seed=2)
    dense = scorer.dense()
    caps = np.full(100, 4)
    sol = solve(Problem(caps, scorer), Options(gap_tolerance=1e-2, top_k=2, reserve=1))
    count, total = scipy_optimum(dense, caps, Mode.MAX_MATCHED, 0.0)
    cert = sol.certificate
    assert cert.matched_is_max and sol.matched == count
    assert cert.relative_gap <= 1e-2
    assert total <= cert.upper_bound + 1e-6
    assert sol.total_score <= total + 1e-6
