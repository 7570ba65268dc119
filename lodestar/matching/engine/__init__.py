"""Lodestar's matching engine: plain data in, pairs with reasons out. No Django here.

The app builds `MenteeProfile` / `MentorProfile` from the database and calls:

- `match(mentees, mentors, weights, options, exclusions, locked)` for a round,
- `MentorIndex.build(mentors, weights, options)` once, then `suggest(mentee, index, k)`,
- `solve_edges(...)` when the scores are already known (explicit pairs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .explain import explain_pair, unmatched_reason
from .model import (
    COMPONENTS,
    Certificate,
    Explanation,
    MenteeProfile,
    MentorProfile,
    Mode,
    Options,
    Pair,
    Result,
    Skill,
    TrackKind,
    Weights,
    Window,
)
from .scoring import MentorIndex, Scorer, score_matrix
from .solve import Candidates, DenseScores, Problem, Solution, solve
from .stable import stable_from_scores
from .suggest import suggest

__all__ = [
    "COMPONENTS",
    "Certificate",
    "Explanation",
    "MenteeProfile",
    "MentorIndex",
    "MentorProfile",
    "Mode",
    "Options",
    "Pair",
    "Problem",
    "Result",
    "Scorer",
    "Skill",
    "TrackKind",
    "Weights",
    "Window",
    "match",
    "score_matrix",
    "solve",
    "solve_edges",
    "suggest",
]

_DENSE_LIMIT = 30_000_000  # pairs; above this, scores are computed in blocks on demand


def match(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights | None = None,
    options: Options | None = None,
    exclusions: Iterable[tuple[str, str]] = (),
    locked: Iterable[tuple[str, str]] = (),
    stable: bool = False,
    rankings: Mapping[str, Sequence[str]] | None = None,
    explain: bool = True,
) -> Result:
    """A round: score, solve (optimal, or stable), explain every pair and every unmatched."""
    options = options or Options()
    scorer = score_matrix(mentees, mentors, weights, options, exclusions)
    e_pos = {e.id: i for i, e in enumerate(mentees)}
    m_pos = scorer.index.mentor_pos
    locked_idx = [(e_pos[a], m_pos[b]) for a, b in locked]
    capacity = scorer.index.capacity
    n_e, n_m = scorer.shape
    source = DenseScores(scorer.dense()) if n_e * n_m <= _DENSE_LIMIT else scorer
    if stable:
        sol = _stable(source, capacity, locked_idx, options, rankings, e_pos, m_pos)
    else:
        sol = solve(Problem(capacity, source, locked_idx), options)
    return _result(scorer, sol, options, explain)


def _stable(source, capacity, locked_idx, options, rankings, e_pos, m_pos) -> Solution:
    whole = np.arange(source.shape[0])
    dense = source.matrix if isinstance(source, DenseScores) else source.block(whole)
    dense = np.asarray(dense, dtype=np.float64).copy()
    cap = capacity.copy()
    mentor_of = np.full(dense.shape[0], -1)
    locked = np.zeros(dense.shape[0], dtype=bool)
    for i, j in locked_idx:
        locked[i], mentor_of[i] = True, j
        cap[j] -= 1
    dense[locked] = -np.inf
    ranks = {e_pos[e]: [m_pos[m] for m in ms if m in m_pos] for e, ms in (rankings or {}).items()}
    free = stable_from_scores(dense, cap, options.min_score, ranks)
    mentor_of[~locked] = free[~locked]
    full = np.asarray(source.matrix if isinstance(source, DenseScores) else dense)
    score_of = np.where(mentor_of >= 0, full[np.arange(len(mentor_of)), mentor_of], np.nan)
    cert = Certificate(False, False, float("nan"), float("nan"), 0, 0, 0)
    return Solution(mentor_of, score_of, locked, cert)


def _result(scorer: Scorer, sol: Solution, options: Options, explain: bool) -> Result:
    mentees, mentors = scorer.encoded.mentees, scorer.index.mentors
    pairs, explanations, reasons = [], [], {}
    for i in np.flatnonzero(sol.mentor_of >= 0):
        j = int(sol.mentor_of[i])
        pairs.append(
            Pair(mentees[i].id, mentors[j].id, float(sol.score_of[i]), bool(sol.locked[i]))
        )
        if explain:
            explanations.append(explain_pair(scorer, int(i), j, float(sol.score_of[i])))
    load = np.bincount(sol.mentor_of[sol.mentor_of >= 0], minlength=len(mentors))
    unmatched = [mentees[i].id for i in np.flatnonzero(sol.mentor_of < 0)]
    if explain:
        for i in np.flatnonzero(sol.mentor_of < 0):
            reasons[mentees[i].id] = unmatched_reason(
                scorer, int(i), load, scorer.index.capacity, options.min_score, options.mode
            )
    return Result(pairs, unmatched, sol.certificate, dict(sol.stats), explanations, reasons)


def solve_edges(
    mentees: Sequence[str],
    mentors: Mapping[str, int],
    edges: Iterable[tuple[str, str, float]],
    locked: Iterable[tuple[str, str]] = (),
    options: Options | None = None,
) -> Result:
    """Solve from explicit scored pairs; a pair with no edge may not be matched."""
    e_pos = {e: i for i, e in enumerate(mentees)}
    m_ids = list(mentors)
    m_pos = {m: j for j, m in enumerate(m_ids)}
    rows, cols, vals = [], [], []
    for a, b, s in edges:
        if a not in e_pos or b not in m_pos:
            raise ValueError(f"edge ({a}, {b}) names an unknown mentee or mentor")
        rows.append(e_pos[a])
        cols.append(m_pos[b])
        vals.append(float(s))
    cand = Candidates.from_edges(len(mentees), len(m_ids), rows, cols, vals)
    capacity = np.array([int(mentors[m]) for m in m_ids], dtype=np.int64)
    locked_idx = [(e_pos[a], m_pos[b]) for a, b in locked]
    sol = solve(Problem(capacity, cand, locked_idx), options)
    pairs = [
        Pair(mentees[i], m_ids[sol.mentor_of[i]], float(sol.score_of[i]), bool(sol.locked[i]))
        for i in np.flatnonzero(sol.mentor_of >= 0)
    ]
    unmatched = [mentees[i] for i in np.flatnonzero(sol.mentor_of < 0)]
    return Result(pairs, unmatched, sol.certificate, dict(sol.stats))
