"""Stable matching: mentee-proposing deferred acceptance with mentor capacities."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np


def deferred_acceptance(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_rank: Sequence[dict[int, float]],
    capacity: Sequence[int],
) -> np.ndarray:
    """Mentee-optimal stable matching.

    `mentee_prefs[i]` lists mentors, best first; `mentor_rank[j][i]` is how much mentor j
    values mentee i (higher is better; a mentee missing from it is not acceptable to j).
    Returns the mentor of each mentee, -1 when unmatched.
    """
    n = len(mentee_prefs)
    mentor_of = np.full(n, -1, dtype=np.int64)
    nxt = [0] * n
    held: list[list[tuple[float, int]]] = [[] for _ in capacity]  # min-heaps of (value, -i)
    free = list(range(n - 1, -1, -1))
    while free:
        i = free.pop()
        prefs = mentee_prefs[i]
        while nxt[i] < len(prefs):
            j = prefs[nxt[i]]
            nxt[i] += 1
            value = mentor_rank[j].get(i)
            if value is None or capacity[j] <= 0:
                continue
            # Ties go to the lower index, so the outcome is reproducible.
            entry = (value, -i)
            if len(held[j]) < capacity[j]:
                heapq.heappush(held[j], entry)
                mentor_of[i] = j
                break
            if entry > held[j][0]:
                _, loser = heapq.heapreplace(held[j], entry)
                mentor_of[-loser] = -1
                mentor_of[i] = j
                free.append(-loser)
                break
    return mentor_of


def stable_from_scores(
    scores: np.ndarray,
    capacity: Sequence[int],
    min_score: float = 0.0,
    rankings: dict[int, Sequence[int]] | None = None,
) -> np.ndarray:
    """Both sides rank by pair score, unless a mentee entered their own ranking.

    `scores` is dense with -inf for pairs that may not be matched.
    """
    n_e, n_m = scores.shape
    allowed = np.isfinite(scores) & (scores >= min_score)
    prefs: list[list[int]] = []
    for i in range(n_e):
        own = (rankings or {}).get(i)
        if own is not None:
            prefs.append([int(j) for j in own if allowed[i, j]])
        else:
            cols = np.flatnonzero(allowed[i])
            prefs.append(cols[np.lexsort((cols, -scores[i, cols]))].tolist())
    ranks = [
        {int(i): float(scores[i, j]) for i in np.flatnonzero(allowed[:, j])} for j in range(n_m)
    ]
    return deferred_acceptance(prefs, ranks, list(capacity))


def blocking_pairs(
    mentor_of: np.ndarray,
    mentee_prefs: Sequence[Sequence[int]],
    mentor_rank: Sequence[dict[int, float]],
    capacity: Sequence[int],
) -> list[tuple[int, int]]:
    """Pairs that would both rather be together than with what they have (for tests)."""
    out = []
    for i, prefs in enumerate(mentee_prefs):
        for j in prefs:
            if j == mentor_of[i]:
                break
            value = mentor_rank[j].get(i)
            if value is None or capacity[j] <= 0:
                continue
            held = list(np.flatnonzero(mentor_of == j))
            if len(held) < capacity[j]:
                out.append((i, j))
                continue
            worst = min((mentor_rank[j][k], -k) for k in held)
            if (value, -i) > worst:
                out.append((i, j))
    return out
