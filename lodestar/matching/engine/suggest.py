"""Top-k mentors for one mentee, against a mentor index built once."""

from __future__ import annotations

import numpy as np

from .explain import explain_pair
from .model import Explanation, MenteeProfile
from .scoring import MentorIndex, scorer_for


def suggest(
    mentee: MenteeProfile,
    index: MentorIndex,
    k: int = 5,
    available: np.ndarray | None = None,
    exclusions: tuple[str, ...] = (),
    explain: bool = True,
) -> list[tuple[str, float, Explanation | None]]:
    """The k best allowed mentors, best first, as (mentor id, score, explanation).

    `available` is a bool mask over the index's mentors (False: full or inactive).
    """
    scorer = scorer_for(index, [mentee], [(mentee.id, m) for m in exclusions])
    row = scorer.block(np.array([0]))[0]
    row[row < index.options.min_score] = -np.inf
    if available is not None:
        row[~np.asarray(available, dtype=bool)] = -np.inf
    n = len(row)
    k = min(k, n)
    top = np.argpartition(-row, k - 1)[:k] if k < n else np.arange(n)
    top = top[np.isfinite(row[top])]
    top = top[np.lexsort((top, -row[top]))]
    return [
        (
            index.mentors[j].id,
            float(row[j]),
            explain_pair(scorer, 0, int(j), float(row[j])) if explain else None,
        )
        for j in top
    ]
