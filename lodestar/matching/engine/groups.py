"""Mentor groups and per-group score bounds: how the solver prunes without losing proof.

The mentors are cut into groups of `GROUP_SIZE` that share their languages and have about the
same demand (how often a sample of mentees ranks them near the top; demand predicts the price
the flow will put on them). One pass over all pairs then keeps, per mentee:

- the candidate pairs: every pair at or above the `first` best group maxima, plus the best
  pair of `fallback` more groups chosen by group maximum minus a guessed price (popular
  mentors fill up, so each mentee also needs a few pairs with mentors in less demand);
- `bound[mentee, group]`: an upper bound of every pair of that group left out. It is the
  group maximum, capped at the selection threshold when the group gave candidates (every pair
  at or above the threshold was kept, so the pairs left out lie below it).

Blocks are laid out slot-major (column s x n_groups + g is slot s of group g), so a group
maximum is a maximum over the middle axis of a (rows, size, groups) view: one vectorized
pass, ten times cheaper than reducing runs of 32 contiguous columns.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

GROUP_SIZE = 32
# The guessed price spread between the least and the most demanded mentors (scores are in
# [0, 1]; on the generated programs the prices of a tight round spread over about 0.2).
PRICE_GUESS = 0.25
_BLOCK_ELEMENTS = 4_000_000
_PILOT_ROWS = 512  # at least; or 1/32 of the mentees
# Blocks are independent: worker threads score them side by side (numpy and BLAS release the
# GIL), each with a one-thread BLAS, so no thread ever waits for another one's core.
WORKERS = max(1, min(4, os.cpu_count() or 1))

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`[fn(x) for x in items]` on WORKERS threads, results in order."""
    items = list(items)
    if WORKERS == 1 or len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(fn, items))


class ColumnView(Protocol):
    def block(self, rows: np.ndarray) -> np.ndarray: ...


class _BlockColumns:
    """Columns of any source with `block(rows)`: whole rows, then the columns wanted."""

    def __init__(self, source, cols: np.ndarray):
        self.source, self.cols = source, cols
        self.pick, self.pad = np.maximum(cols, 0), cols < 0

    def block(self, rows: np.ndarray) -> np.ndarray:
        matrix = getattr(self.source, "matrix", None)
        if matrix is not None:
            out = matrix[np.ix_(rows, self.pick)]
        else:
            out = np.asarray(self.source.block(rows))[:, self.pick]
        out[:, self.pad] = -np.inf
        return out


def columns(source, cols: np.ndarray) -> ColumnView:
    """Scores of blocks of rows against the mentors `cols` (-1: padding, always -inf)."""
    cols = np.asarray(cols, dtype=np.int64)
    if hasattr(source, "columns"):
        return source.columns(cols)
    return _BlockColumns(source, cols)


def rounding(source) -> float:
    """How far two evaluations of one pair's score may differ (float32 sums in other orders)."""
    return float(getattr(source, "rounding", 0.0))


@dataclass(slots=True)
class Layout:
    cols: np.ndarray  # (groups, GROUP_SIZE) mentor indices, -1 pads a group
    rank: np.ndarray  # (groups,) demand rank in [0, 1]: the price guess is PRICE_GUESS x rank
    mentee_class: np.ndarray  # (mentees,) language class
    class_groups: list[np.ndarray]  # per class: the groups whose mentors it may meet
    group_of: np.ndarray  # (mentors,) group of each mentor
    slot_of: np.ndarray  # (mentors,) its column in the group

    @property
    def n_groups(self) -> int:
        return self.cols.shape[0]


def build_layout(source, active: np.ndarray, size: int = GROUP_SIZE) -> Layout:
    n_e, n_m = source.shape
    demand = _pilot_demand(source, active)
    classes = getattr(source, "language_classes", None)
    if classes is not None:
        mentee_class, allows = classes()
    else:
        mentee_class, allows = np.zeros(n_e, dtype=np.int64), np.ones((1, n_m), dtype=bool)
    # Mentors that the same mentee classes may meet form a kind; groups never mix kinds, so
    # a class meets whole groups or none.
    _, kind = np.unique(allows.T, axis=0, return_inverse=True)
    kind = kind.reshape(-1)
    order = np.lexsort((np.arange(n_m), demand, kind))
    rank = np.empty(n_m)
    rank[np.lexsort((np.arange(n_m), demand))] = np.arange(n_m) / max(n_m, 1)
    rows, group_rank = [], []
    for k in np.unique(kind):
        members = order[kind[order] == k]
        n_groups = -(-len(members) // size)
        padded = np.full(n_groups * size, -1, dtype=np.int64)
        padded[: len(members)] = members
        chunk = padded.reshape(n_groups, size)
        rows.append(chunk)
        group_rank.append([rank[c[c >= 0]].mean() for c in chunk])
    cols = np.vstack(rows) if rows else np.zeros((0, size), dtype=np.int64)
    group_kind = kind[cols[:, 0]] if len(cols) else np.zeros(0, dtype=np.int64)
    kind_allows = np.zeros((allows.shape[0], int(kind.max(initial=-1)) + 1), dtype=bool)
    kind_allows[:, kind] = allows
    class_groups = [np.flatnonzero(kind_allows[c, group_kind]) for c in range(allows.shape[0])]
    real = cols >= 0
    group_of = np.empty(n_m, dtype=np.int64)
    slot_of = np.empty(n_m, dtype=np.int64)
    group_of[cols[real]] = np.nonzero(real)[0]
    slot_of[cols[real]] = np.nonzero(real)[1]
    return Layout(
        cols,
        np.asarray(np.concatenate(group_rank) if group_rank else np.zeros(0), dtype=np.float64),
        np.asarray(mentee_class, dtype=np.int64),
        class_groups,
        group_of,
        slot_of,
    )


def _pilot_demand(source, active: np.ndarray) -> np.ndarray:
    """How often each mentor is in the top 0.8 % of a sample of mentees (at least the top 8)."""
    n_e, n_m = source.shape
    pool = np.flatnonzero(active)
    count = np.zeros(n_m)
    if not len(pool) or not n_m:
        return count
    size = min(len(pool), max(_PILOT_ROWS, len(pool) // 32))
    sample = np.sort(np.random.default_rng(0).choice(pool, size, replace=False))
    top = min(n_m, max(8, n_m // 125))
    view = columns(source, np.arange(n_m))
    step = max(1, _BLOCK_ELEMENTS // n_m)

    def counts(chunk: np.ndarray) -> np.ndarray:
        block = view.block(chunk)
        kth = np.partition(block, n_m - top, axis=1)[:, n_m - top]
        return ((block >= kth[:, None]) & np.isfinite(block)).sum(axis=0)

    chunks = [sample[a : a + step] for a in range(0, len(sample), step)]
    for part in parallel_map(counts, chunks):
        count += part
    return count


@dataclass(slots=True)
class FirstPass:
    rows: np.ndarray  # candidate pairs
    cols: np.ndarray
    vals: np.ndarray  # in the source's dtype: the scores themselves
    bound: np.ndarray  # (mentees, groups): bound of the pairs left out; -inf: none allowed


def first_pass(
    source,
    layout: Layout,
    active: np.ndarray,
    min_score: float,
    first: int,
    fallback: int,
) -> FirstPass:
    """Score every pair once, class by class and block by block; see the module docstring."""
    n_e, _ = source.shape
    size = layout.cols.shape[1]
    dtype = columns(source, layout.cols[:1, 0]).block(np.flatnonzero(active)[:1]).dtype
    bound = np.full((n_e, layout.n_groups), -np.inf, dtype=dtype)
    tasks = []
    for c, groups in enumerate(layout.class_groups):
        rows = np.flatnonzero(active & (layout.mentee_class == c))
        if not len(rows) or not len(groups):
            continue
        # Slot-major: column s * len(groups) + k is slot s of group groups[k].
        view = columns(source, layout.cols[groups].T.ravel())
        step = max(1, _BLOCK_ELEMENTS // (size * len(groups)))
        tasks += [(view, groups, rows[a : a + step]) for a in range(0, len(rows), step)]

    def run(task) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        view, groups, chunk = task
        block = view.block(chunk)
        kept, capped = _select(block, chunk, groups, layout, min_score, first, fallback)
        bound[chunk[:, None], groups[None, :]] = capped  # rows of one task only
        return kept

    parts = parallel_map(run, tasks)
    if parts:
        er, ec, es = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:
        er, ec, es = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bound.dtype)
    return FirstPass(er, ec, es, bound)


def _select(
    block: np.ndarray,
    chunk: np.ndarray,
    groups: np.ndarray,
    layout: Layout,
    min_score: float,
    first: int,
    fallback: int,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Candidates of one block and the capped group maxima (see the module docstring)."""
    r, n_g = len(chunk), len(groups)
    size = layout.cols.shape[1]
    cube = block.reshape(r, size, n_g)
    top_max = cube.max(axis=1)
    top_max[top_max < min_score] = -np.inf  # no allowed pair in the group
    k = min(first, n_g)
    top = np.argpartition(top_max, n_g - k, axis=1)[:, n_g - k :]
    thr = np.take_along_axis(top_max, top, axis=1).min(axis=1)
    thr = np.maximum(thr, min_score)
    sub = np.take_along_axis(cube, np.broadcast_to(top[:, None, :], (r, size, k)), axis=2)
    hit = (sub >= thr[:, None, None]) & np.isfinite(sub)
    ri, si, gi = np.nonzero(hit)
    rows = [chunk[ri]]
    cols = [layout.cols[groups[top[ri, gi]], si]]
    vals = [sub[ri, si, gi]]
    f = min(fallback, n_g - k)
    if f > 0:
        adj = top_max - PRICE_GUESS * layout.rank[groups][None, :]
        np.put_along_axis(adj, top, -np.inf, axis=1)
        fb = np.argpartition(adj, n_g - f, axis=1)[:, n_g - f :]
        sub = np.take_along_axis(cube, np.broadcast_to(fb[:, None, :], (r, size, f)), axis=2)
        best = sub.argmax(axis=1)
        val = np.take_along_axis(sub, best[:, None, :], axis=1)[:, 0, :]
        ok = np.isfinite(val) & (val >= min_score)
        ri, gi = np.nonzero(ok)
        rows.append(chunk[ri])
        cols.append(layout.cols[groups[fb[ri, gi]], best[ri, gi]])
        vals.append(val[ri, gi])
    # Why this bounds every allowed pair left out of group g: if g is among the `top` groups,
    # every pair of it at or above thr was kept, so the rest lie below thr <= top_max; if not,
    # top_max[g] <= thr and top_max is the maximum over the whole group. Either way the pairs
    # left out are <= min(top_max, thr). (Pairs below min_score are not allowed at all.)
    capped = np.minimum(top_max, thr[:, None].astype(top_max.dtype))
    kept = (np.concatenate(rows), np.concatenate(cols), np.concatenate(vals))
    return kept, capped


def score_groups(source, layout: Layout, rows: np.ndarray, groups: np.ndarray, fn: Callable):
    """`fn(group, its rows in increasing order, their scores along layout.cols[group])` for
    every group among the (row, group) pairs given, on the worker threads; results in
    group order."""
    order = np.lexsort((rows, groups))
    rows, groups = rows[order], groups[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else groups
    ends = np.r_[starts[1:], len(groups)] if len(groups) else groups

    def run(span: tuple[int, int]):
        a, b = span
        g = int(groups[a])
        return fn(g, rows[a:b], columns(source, layout.cols[g]).block(rows[a:b]))

    return parallel_map(run, list(zip(starts, ends, strict=True)))
