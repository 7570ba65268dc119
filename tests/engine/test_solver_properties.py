"""The solver against a brute-force oracle on small instances (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lodestar.matching.engine import Mode, Options
from lodestar.matching.engine.fairness import max_min
from lodestar.matching.engine.solve import Problem, solve
from lodestar.matching.engine.stable import blocking_pairs, stable_from_scores


def oracle(scores, capacity, locked, mode, min_score):
    """Best (matched, total) over every assignment, by exhaustive search."""
    n_e, n_m = scores.shape
    fixed = dict(locked)
    best = (-1, -np.inf)

    def rec(i, load, count, total):
        nonlocal best
        if i == n_e:
            key = (count, total) if mode == Mode.MAX_MATCHED else (0, total)
            if key[0] > best[0] or (key[0] == best[0] and key[1] > best[1] + 1e-12):
                best = key
            return
        if i in fixed:
            j = fixed[i]
            rec(i + 1, load, count + 1, total + scores[i, j])
            return
        rec(i + 1, load, count, total)
        for j in range(n_m):
            if np.isfinite(scores[i, j]) and scores[i, j] >= min_score and load[j] < capacity[j]:
                load[j] += 1
                rec(i + 1, load, count + 1, total + scores[i, j])
                load[j] -= 1

    load = np.zeros(n_m, dtype=int)
    for j in fixed.values():
        load[j] += 1
    rec(0, load, 0, 0.0)
    return best


@st.composite
def instances(draw):
    n_e = draw(st.integers(1, 6))
    n_m = draw(st.integers(1, 4))
    cells = st.one_of(st.just(-np.inf), st.integers(0, 20).map(lambda x: x / 20))
    scores = np.array(
        draw(st.lists(st.lists(cells, min_size=n_m, max_size=n_m), min_size=n_e, max_size=n_e))
    )
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=n_m, max_size=n_m)))
    locked, load = [], np.zeros(n_m, dtype=int)
    for i in range(n_e):
        if draw(st.booleans()) and draw(st.booleans()):
            js = [j for j in range(n_m) if np.isfinite(scores[i, j]) and load[j] < capacity[j]]
            if js:
                j = draw(st.sampled_from(js))
                locked.append((i, j))
                load[j] += 1
    mode = draw(st.sampled_from([Mode.MAX_MATCHED, Mode.BEST_SCORE]))
    min_score = draw(st.sampled_from([0.0, 0.0, 0.3]))
    top_k = draw(st.integers(1, 3))
    reserve = draw(st.integers(0, 2))
    return (
        scores,
        capacity,
        locked,
        Options(mode=mode, min_score=min_score, top_k=top_k, reserve=reserve),
    )


def check_feasible(sol, scores, capacity, locked, min_score):
    locked_set = set(locked)
    for i, j in enumerate(sol.mentor_of):
        if j < 0:
            continue
        assert np.isfinite(scores[i, j])
        assert scores[i, j] >= min_score or (i, j) in locked_set
        assert sol.score_of[i] == scores[i, j]
    load = np.bincount(sol.mentor_of[sol.mentor_of >= 0], minlength=len(capacity))
    assert (load <= capacity).all()
    for i, j in locked:
        assert sol.mentor_of[i] == j


@settings(max_examples=250, deadline=None)
@given(instances())
def test_solver_matches_the_brute_force_optimum(instance):
    scores, capacity, locked, options = instance
    sol = solve(Problem(capacity, scores.copy(), locked), options)
    check_feasible(sol, scores, capacity, locked, options.min_score)
    count, total = oracle(scores, capacity, locked, options.mode, options.min_score)
    if options.mode == Mode.MAX_MATCHED:
        assert sol.matched == count
    assert abs(sol.total_score - total) < 1e-9
    assert sol.certificate.optimal
    assert sol.certificate.upper_bound >= sol.total_score - 1e-9


@settings(max_examples=100, deadline=None)
@given(instances())
def test_stable_mode_has_no_blocking_pair(instance):
    scores, capacity, _locked, options = instance
    mentor_of = stable_from_scores(scores, capacity, options.min_score)
    allowed = np.isfinite(scores) & (scores >= options.min_score)
    prefs = [
        [int(j) for j in sorted(np.flatnonzero(allowed[i]), key=lambda j: (-scores[i, j], j))]
        for i in range(len(scores))
    ]
    ranks = [
        {int(i): float(scores[i, j]) for i in np.flatnonzero(allowed[:, j])}
        for j in range(scores.shape[1])
    ]
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=len(capacity))
    assert (load <= capacity).all()
    assert blocking_pairs(mentor_of, prefs, ranks, capacity) == []


@settings(max_examples=50, deadline=None)
@given(instances())
def test_max_min_keeps_the_count_and_lifts_the_worst_pair(instance):
    scores, capacity, _locked, options = instance
    options = Options(mode=Mode.MAX_MATCHED, min_score=options.min_score)
    base = solve(Problem(capacity, scores.copy()), options)
    fair = max_min(Problem(capacity, scores.copy()), options)
    assert fair.matched == base.matched
    if base.matched:
        assert np.nanmin(fair.score_of) >= np.nanmin(base.score_of) - 1e-12
