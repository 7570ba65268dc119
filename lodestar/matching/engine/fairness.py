"""Fairness options: spread first suggestions (rotation) and lift the worst-off (max-min)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .model import Options
from .solve import Candidates, Problem, Solution, solve


def rotate_first_choices(
    suggestions: Sequence[Sequence[tuple[int, float]]], cap: int
) -> list[list[tuple[int, float]]]:
    """Reorder each mentee's (mentor, score) list so no mentor is first for more than `cap`.

    Mentees who lose the most by not getting their first choice keep it first; the others see
    their best mentor that still has room at the top, followed by the rest in score order.
    """
    firsts: dict[int, int] = {}
    out: list[list[tuple[int, float]]] = [list(s) for s in suggestions]

    def margin(k: int) -> float:
        s = suggestions[k]
        return s[0][1] - s[1][1] if len(s) > 1 else float("inf")

    order = sorted((k for k in range(len(out)) if out[k]), key=lambda k: (-margin(k), k))
    for k in order:
        items = out[k]
        pick = next((p for p, (j, _) in enumerate(items) if firsts.get(j, 0) < cap), 0)
        items.insert(0, items.pop(pick))
        firsts[items[0][0]] = firsts.get(items[0][0], 0) + 1
    return out


def max_min(problem: Problem, options: Options | None = None) -> Solution:
    """Among the matchings with the most mentees matched, the one whose worst pair is best,
    then the highest total score: the largest threshold that keeps the count, by bisection."""
    options = options or Options()
    base = solve(problem, options)
    scores = problem.scores
    if isinstance(scores, Candidates):
        values = scores.vals
    elif isinstance(scores, np.ndarray):
        values = scores[np.isfinite(scores)].ravel()
    else:
        # Large instances: thresholds among the scores of the matching found.
        values = base.score_of[np.isfinite(base.score_of)]
    values = np.unique(values[values >= options.min_score])
    lo, hi, best = 0, len(values) - 1, base
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = solve(problem, _with_min(options, float(values[mid])))
        if trial.matched >= base.matched:
            best, lo = trial, mid + 1
        else:
            hi = mid - 1
    return best


def _with_min(options: Options, min_score: float) -> Options:
    from dataclasses import replace

    return replace(options, min_score=min_score)
