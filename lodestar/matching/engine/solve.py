"""Optimal many-to-one assignment by min-cost flow, with an optimality certificate.

The objective is lexicographic by default: most mentees matched, then the highest total
score (`Mode.MAX_MATCHED`); `Mode.BEST_SCORE` maximizes the total score alone.

Large instances are never held whole. One pass over all pairs keeps a few candidate pairs per
mentee and, for every (mentee, group of 32 mentors), the best score left out: a bound. The
flow on the candidates is optimal for them; its LP duals (mentee utilities u, mentor prices v)
then price every pair left out through those bounds: a group whose bound minus its lowest
price stays under the mentee's utility cannot hold a better pair, and only the few groups
that fail are scored again, exactly. Pairs with a positive reduced cost go back into the
flow, with each mentee's best pairs at the new prices, until none is left (exact optimum) or
`gap_tolerance` / `max_rounds` stop it; the dual objective plus every remaining slack is then
a proven upper bound.

For `MAX_MATCHED` the dual has two layers: a vertex cover (alpha for mentees, beta for
mentors, from the alternating forest of the unmatched mentees, as in König's theorem) proves
the number matched is the maximum, and the score duals only need to hold on the pairs that
cover counts once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from ortools.graph.python import min_cost_flow
from threadpoolctl import threadpool_limits

from .groups import Layout, build_layout, first_pass, rounding, score_groups
from .model import Certificate, Mode, Options

SCALE = 10**10  # scores become integer costs in units of 1e-10
_TOL = 1e-9
_ADD_PER_ROW = 8
_FIRST_GROUPS = 8  # candidates per mentee: every pair reaching the 8th best group maximum
_FALLBACK_GROUPS = 8  # plus the best pair of 8 groups of less demanded mentors
_RESELECT = 8  # later rounds: each mentee's 8 best pairs by score minus price
_NEAR = 0.02  # pairs this close to tight may join the next round's flow
_EMPTY = np.zeros(0, dtype=np.int64)


class BlockSource(Protocol):
    """Scores of all pairs, computed on demand for a block of mentee rows."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def block(self, rows: np.ndarray) -> np.ndarray: ...


@dataclass(slots=True)
class DenseScores:
    """A full score matrix; -inf or NaN marks a pair that may not be matched."""

    matrix: np.ndarray

    def __post_init__(self) -> None:
        m = np.asarray(self.matrix)
        if m.dtype.kind != "f":
            m = m.astype(np.float64)
        if np.isnan(m).any():
            m = np.where(np.isnan(m), -np.inf, m)
        self.matrix = m

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def block(self, rows: np.ndarray) -> np.ndarray:
        return self.matrix[rows]  # fancy indexing: a copy the caller may change


@dataclass(slots=True)
class Candidates:
    """Every allowed pair, per mentee in CSR form (explicit edges: a pair not listed may not
    be matched). `tau` is kept for callers that read it; it is -inf."""

    indptr: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    tau: np.ndarray
    n_cols: int

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.indptr) - 1, self.n_cols

    @classmethod
    def from_edges(
        cls, n_rows: int, n_cols: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray
    ) -> Candidates:
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        vals = np.asarray(vals, dtype=np.float64)
        # A pair given twice keeps its best score.
        order = np.lexsort((-vals, cols, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, vals = rows[first], cols[first], vals[first]
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
        return cls(indptr, cols, vals, np.full(n_rows, -np.inf), n_cols)

    def rows(self) -> np.ndarray:
        n = len(self.indptr) - 1
        dtype = np.int32 if n < 2**31 else np.int64
        return np.repeat(np.arange(n, dtype=dtype), np.diff(self.indptr))


@dataclass(slots=True)
class Problem:
    """Index-level input of the solver.

    `scores` is a dense matrix, a `BlockSource` computing rows on demand, or `Candidates`
    listing every allowed pair (explicit edges). `locked` pairs are kept whatever happens.
    """

    capacity: np.ndarray
    scores: np.ndarray | BlockSource | Candidates
    locked: Sequence[tuple[int, int]] = ()

    @property
    def shape(self) -> tuple[int, int]:
        if isinstance(self.scores, np.ndarray):
            return self.scores.shape
        return self.scores.shape


@dataclass(slots=True)
class Solution:
    mentor_of: np.ndarray  # mentor index per mentee, -1 when unmatched
    score_of: np.ndarray  # score of the pair, NaN when unmatched
    locked: np.ndarray  # bool per mentee
    certificate: Certificate
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return int((self.mentor_of >= 0).sum())

    @property
    def total_score(self) -> float:
        return float(np.nansum(self.score_of))


def _csr_edges(indptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions in the CSR arrays of every edge of the given rows."""
    starts, lengths = indptr[rows], indptr[rows + 1] - indptr[rows]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total)


def _flow(
    n_e: int,
    n_m: int,
    er: np.ndarray,
    ec: np.ndarray,
    es: np.ndarray,
    capacity: np.ndarray,
    active: np.ndarray,
    mode: Mode,
) -> np.ndarray:
    """Solve the flow on the given edges; returns a bool mask of the edges used."""
    if len(er) == 0:
        return np.zeros(0, dtype=bool)
    flow = min_cost_flow.SimpleMinCostFlow()
    src, snk = n_e + n_m, n_e + n_m + 1
    mentees = np.flatnonzero(active & (np.bincount(er, minlength=n_e) > 0))
    mentors = np.flatnonzero(capacity > 0)
    tails = [np.full(len(mentees), src), er, n_e + mentors]
    heads = [mentees, n_e + ec, np.full(len(mentors), snk)]
    caps = [np.ones(len(mentees)), np.ones(len(er)), capacity[mentors]]
    costs = [
        np.zeros(len(mentees)),
        -np.round(es.astype(np.float64) * SCALE),
        np.zeros(len(mentors)),
    ]
    supply = len(mentees)
    if mode == Mode.BEST_SCORE:
        tails.append([src])
        heads.append([snk])
        caps.append([supply])
        costs.append([0])
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    flow.set_node_supply(src, supply)
    flow.set_node_supply(snk, -supply)
    # Max-flow-with-min-cost is exactly "most mentees matched, then best total".
    best = mode == Mode.BEST_SCORE
    status = flow.solve() if best else flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    first = len(mentees)
    used = flow.flows(np.arange(first, first + len(er), dtype=np.int32))
    return used > 0


class _Groups:
    """Max of values per key, for keys fixed once and values that change every call."""

    def __init__(self, keys: np.ndarray, size: int):
        self.order = np.argsort(keys, kind="stable")
        k = keys[self.order]
        self.starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if len(k) else k
        self.keys = k[self.starts] if len(k) else k
        self.size = size

    def max(self, values: np.ndarray, floor: float) -> np.ndarray:
        out = np.full(self.size, floor)
        if len(self.keys):
            top = np.maximum.reduceat(values[self.order], self.starts)
            out[self.keys] = np.maximum(top, floor)
        return out


def solve(problem: Problem, options: Options | None = None) -> Solution:
    # One BLAS thread per product while the solve runs: a threaded OpenBLAS call waits for
    # all its threads, and on a busy 2-core machine a small product (a group of 32 mentors)
    # then takes 10 ms instead of 0.1 ms. The solver runs its own worker threads over
    # independent blocks instead (groups.parallel_map). Process-wide while it lasts.
    with threadpool_limits(limits=1, user_api="blas"):
        return _solve(problem, options or Options())


def _solve(problem: Problem, options: Options) -> Solution:
    t0 = time.perf_counter()
    stats: dict[str, float] = {}
    n_e, n_m = problem.shape
    capacity = np.asarray(problem.capacity, dtype=np.int64).copy()
    if len(capacity) != n_m:
        raise ValueError("one capacity per mentor is needed")
    scores = problem.scores
    if isinstance(scores, np.ndarray):
        scores = DenseScores(scores)
    mode = Mode(options.mode)

    mentor_of = np.full(n_e, -1, dtype=np.int64)
    score_of = np.full(n_e, np.nan)
    locked = np.zeros(n_e, dtype=bool)
    for i, j in problem.locked:
        i, j = int(i), int(j)
        if locked[i]:
            raise ValueError(f"mentee {i} is locked twice")
        s = _pair_score(scores, i, j)
        if not np.isfinite(s):
            raise ValueError(f"locked pair ({i}, {j}) is not an allowed pair")
        capacity[j] -= 1
        if capacity[j] < 0:
            raise ValueError(f"locked pairs exceed the capacity of mentor {j}")
        locked[i], mentor_of[i], score_of[i] = True, j, s
    active = ~locked

    pruned: _Pruned | None = None
    if isinstance(scores, Candidates):
        er, ec, es = scores.rows(), scores.cols, scores.vals
    else:
        layout = build_layout(scores, active)
        first = options.top_k or _FIRST_GROUPS
        fallback = _FALLBACK_GROUPS if options.reserve is None else options.reserve
        fp = first_pass(scores, layout, active, options.min_score, first, fallback)
        er, ec, es = fp.rows, fp.cols, fp.vals
        pruned = _Pruned(scores, layout, fp.bound, rounding(scores), options.min_score)
        del fp
    stats["candidates_s"] = time.perf_counter() - t0
    # Compared in float64 (a strong scalar), as the exact checks compare scored groups.
    keep = active[er] & (es >= np.float64(options.min_score)) & (capacity[ec] > 0)
    order = np.flatnonzero(keep)
    order = order[np.argsort(er[order], kind="stable")]
    er, ec, es = er[order].astype(np.int64), ec[order].astype(np.int64), es[order]
    del keep, order
    in_flow = np.ones(len(er), dtype=bool)
    pick = options.top_k or _RESELECT
    cover_ok = True
    added = checked = rounds = 0
    solve_s = duals_s = cert_s = 0.0
    while True:
        rounds += 1
        last = rounds >= options.max_rounds
        t1 = time.perf_counter()
        flow_idx = np.flatnonzero(in_flow)
        fr, fc, fs = er[flow_idx], ec[flow_idx], es[flow_idx]
        used = _flow(n_e, n_m, fr, fc, fs, capacity, active, mode)
        solve_s += time.perf_counter() - t1
        t1 = time.perf_counter()
        mo = np.full(n_e, -1, dtype=np.int64)
        ms = np.zeros(n_e)
        mo[fr[used]], ms[fr[used]] = fc[used], fs[used]
        load = np.bincount(mo[mo >= 0], minlength=n_m)
        alpha, beta = _cover(n_e, n_m, fr, fc, mo, active, mode)
        u, v = _duals(n_e, n_m, fr, fc, fs, used, mo, ms, alpha, beta, active, mode)
        duals_s += time.perf_counter() - t1
        t1 = time.perf_counter()
        duals = _Duals(u, v, alpha, beta, capacity, mode)
        slack = np.zeros(n_e)
        # Listed pairs outside the flow are priced exactly, from memory.
        res = np.flatnonzero(~in_flow)
        rc_res = duals.reduced(er[res], ec[res], es[res])
        cover_ok = not np.isposinf(rc_res).any()
        _raise(slack, er[res], rc_res)
        violated = res[rc_res > _TOL]
        scored = None
        if pruned is not None:
            known = _Known.of(pruned.layout, er, ec, n_e)
            scored, rest, later = pruned.check(duals, active, _NEAR, known)
            checked += scored.size
            np.maximum(slack, rest, out=slack)
            cover_ok &= scored.cover_ok
            np.maximum(slack, scored.best, out=slack)
            violated_new = scored.rc > _TOL
        dual = float(u[active].sum() + (capacity * v).sum())
        primal = float(ms[mo >= 0].sum())
        done = last or not len(violated) and (scored is None or not violated_new.any())
        if not done and options.gap_tolerance > 0 and cover_ok:
            bound = dual + float(slack.sum())
            done = bound - primal <= options.gap_tolerance * max(bound, 1e-12)
        if done and scored is not None and len(later["strict"][0]):
            # Whether every mentee the forest reaches is covered: only proven when needed.
            strict = pruned.score(*later["strict"], duals, known, _TOL)
            checked += strict.size
            cover_ok &= strict.cover_ok
            np.maximum(slack, strict.best, out=slack)
            if len(strict.rows) and not last:
                done = False
                scored = _merge(scored, strict)
                violated_new = scored.rc > _TOL
        np.maximum(slack, 0.0, out=slack)
        if done:
            cert_s += time.perf_counter() - t1
            break
        # Next flow: each mentee's best pairs at these prices (listed, or scored in groups
        # near tight), the matching, the flow pairs near tight and every violated pair.
        flow_rc = duals.reduced(fr, fc, fs)
        keep_idx = [flow_idx[used], flow_idx[flow_rc > -_NEAR], violated]
        fresh = _Pairs.empty(es.dtype)
        if pruned is not None:
            near = _merge(scored, pruned.score(*later["near"], duals, known, -_NEAR))
            value = np.concatenate([es - v[ec], near.vals - v[near.cols]])
            best = _top_per_row(np.concatenate([er, near.rows]), value, pick)
            keep_idx.append(best[best < len(er)])
            chosen = np.zeros(len(near.rows), dtype=bool)
            chosen[best[best >= len(er)] - len(er)] = True
            chosen |= near.rc > _TOL
            fresh = _Pairs(near.rows[chosen], near.cols[chosen], near.vals[chosen])
        else:
            keep_idx.append(_top_per_row(er, es - v[ec], pick))
        in_flow = np.zeros(len(er), dtype=bool)
        in_flow[np.concatenate(keep_idx)] = True
        added += len(fresh.rows) + len(violated)
        if len(fresh.rows):
            er = np.concatenate([er, fresh.rows])
            ec = np.concatenate([ec, fresh.cols])
            es = np.concatenate([es, fresh.vals.astype(es.dtype)])
            in_flow = np.concatenate([in_flow, np.ones(len(fresh.rows), dtype=bool)])
            order = np.argsort(er, kind="stable")
            er, ec, es, in_flow = er[order], ec[order], es[order], in_flow[order]
        cert_s += time.perf_counter() - t1

    mentor_of[active] = mo[active]
    score_of[active] = np.where(mo[active] >= 0, ms[active], np.nan)
    score_ub = float(u[active].sum() + (capacity * v).sum() + slack.sum())
    locked_total = float(np.nansum(score_of[locked]))
    total = float(np.nansum(score_of))
    matched_is_max = True
    if mode == Mode.MAX_MATCHED:
        count_ub = int((alpha & active).sum() + capacity[beta].sum())
        matched_is_max = cover_ok and count_ub == int((mo[active] >= 0).sum())
    upper = score_ub + locked_total if matched_is_max else float("inf")
    gap = max(upper - total, 0.0)
    cert = Certificate(
        optimal=matched_is_max and gap <= _TOL * max(1.0, abs(upper)) + 1e-9,
        matched_is_max=matched_is_max,
        upper_bound=upper,
        gap=gap,
        rounds=rounds,
        pairs_added=added,
        pruned_checked=checked,
    )
    stats.update(
        solve_s=solve_s,
        duals_s=duals_s,
        certificate_s=cert_s,
        edges=float(in_flow.sum()),
        total_s=time.perf_counter() - t0,
        max_load=float(load.max(initial=0)),
    )
    return Solution(mentor_of, score_of, locked, cert, stats)


def _raise(slack: np.ndarray, rows: np.ndarray, rc: np.ndarray) -> None:
    """slack[r] = max(slack[r], rc) over finite positive reduced costs."""
    ok = np.isfinite(rc) & (rc > 0)
    np.maximum.at(slack, rows[ok], rc[ok])


def _top_per_row(rows: np.ndarray, value: np.ndarray, k: int) -> np.ndarray:
    order = np.lexsort((-value, rows))
    r = rows[order]
    first = np.flatnonzero(np.r_[True, r[1:] != r[:-1]]) if len(r) else r
    rank = np.arange(len(r)) - np.repeat(first, np.diff(np.r_[first, len(r)]))
    return order[rank < k]


def _merge(a: _Scored, b: _Scored) -> _Scored:
    """Scored pairs of two disjoint sets of groups."""
    return _Scored(
        np.concatenate([a.rows, b.rows]),
        np.concatenate([a.cols, b.cols]),
        np.concatenate([a.vals, b.vals]),
        np.concatenate([a.rc, b.rc]),
        np.maximum(a.best, b.best),
        a.size + b.size,
        a.cover_ok and b.cover_ok,
    )


@dataclass(slots=True)
class _Duals:
    u: np.ndarray
    v: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    capacity: np.ndarray
    mode: Mode

    def reduced(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
        """Reduced costs: +inf for a pair the cover misses, -inf for one it counts twice."""
        rc = vals.astype(np.float64) - self.u[rows] - self.v[cols]
        if self.mode != Mode.MAX_MATCHED:
            return rc
        a, b = self.alpha[rows], self.beta[cols]
        return np.where(~a & ~b, np.inf, np.where(a ^ b, rc, -np.inf))


@dataclass(slots=True)
class _Pairs:
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray

    @classmethod
    def empty(cls, dtype) -> _Pairs:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, dtype))


@dataclass(slots=True)
class _Scored:
    """Pairs of scored groups that are not listed, kept when their reduced cost is high."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    rc: np.ndarray
    best: np.ndarray  # best finite reduced cost per row over every pair scored
    size: int
    cover_ok: bool


@dataclass(slots=True)
class _Pruned:
    """The pairs left out of the candidates, through their group bounds."""

    source: object
    layout: Layout
    bound: np.ndarray  # (mentees, groups)
    margin: float  # two evaluations of a score differ by at most this much
    min_score: float

    def _lowest(self, duals: _Duals, counted: np.ndarray) -> np.ndarray:
        """Lowest price per group among the mentors counted (inf when none)."""
        cols = self.layout.cols
        j = np.maximum(cols, 0)
        ok = (cols >= 0) & (duals.capacity[j] > 0) & counted[j]
        return np.where(ok, duals.v[j], np.inf).min(axis=1)

    def _over(self, duals: _Duals, active: np.ndarray):
        """Per chunk of rows: (rows, bound of the reduced cost of the counted pairs left out of
        each group, mask of the groups a cover check must score or None)."""
        d = duals
        by_cover = d.mode == Mode.MAX_MATCHED
        low_a = self._lowest(d, ~d.beta) - self.margin
        low_b = self._lowest(d, d.beta) - self.margin if by_cover else low_a
        cols = self.layout.cols
        j = np.maximum(cols, 0)
        open_nb = ((cols >= 0) & (d.capacity[j] > 0) & ~d.beta[j]).any(axis=1)
        n_e = len(active)
        step = max(1, 4_000_000 // max(self.layout.n_groups, 1))
        for start in range(0, n_e, step):
            rows = np.arange(start, min(start + step, n_e))
            a = d.alpha[rows] if by_cover else np.ones(len(rows), dtype=bool)
            if a.all():
                floor = d.u[rows, None] + low_a[None, :]
            else:
                floor = d.u[rows, None] + np.where(a[:, None], low_a[None, :], low_b[None, :])
            # bound + margin - lowest price - u, in float64 (the bound is exact in it).
            over = np.subtract(self.bound[rows], floor, out=floor)
            strict = None
            if by_cover and not a.all():
                open_rows = (~a & active[rows])[:, None]
                strict = open_rows & open_nb[None, :] & np.isfinite(self.bound[rows])
            yield rows, over, strict

    def check(self, duals: _Duals, active: np.ndarray, depth: float, known: _Known):
        """Score the groups whose bound exceeds the utility. Returns the scored pairs within
        `depth` of tight, the slack bound of the groups not scored, and the (rows, groups)
        left for later: those a cover check needs, those within `depth` of tight."""
        need_r, need_g, strict_r, strict_g, near_r, near_g = [], [], [], [], [], []
        rest = np.zeros(len(active))
        for rows, over, strict in self._over(duals, active):
            r, g = np.nonzero(over > -depth)  # a group to score now, or one near tight
            o = over[r, g]
            need = o > _TOL
            if strict is not None:
                cover = strict[r, g]
                need &= ~cover
                sr, sg = np.nonzero(strict)
                strict_r.append(rows[sr])
                strict_g.append(sg)
                # Those groups are scored if the round ends; their bound is no slack.
                o = np.where(cover, -np.inf, o)
            need_r.append(rows[r[need]])
            need_g.append(g[need])
            near_r.append(rows[r[~need]])
            near_g.append(g[~need])
            # Groups not scored: at most their bound (<= _TOL); the others are below -depth.
            np.maximum.at(rest, rows[r[~need]], np.maximum(o[~need], 0.0))
        scored = self.score(np.concatenate(need_r), np.concatenate(need_g), duals, known, -depth)
        later = {
            "strict": (np.concatenate(strict_r or [_EMPTY]), np.concatenate(strict_g or [_EMPTY])),
            "near": (np.concatenate(near_r), np.concatenate(near_g)),
        }
        return scored, rest, later

    def score(
        self, rows: np.ndarray, groups: np.ndarray, duals: _Duals, known: _Known, keep: float
    ) -> _Scored:
        """Exact scores of the given (row, group) pairs, listed pairs left out: the pairs whose
        reduced cost exceeds `keep`, and the best reduced cost per row."""
        d, layout = duals, self.layout
        n_e = len(d.u)

        def price(g: int, run: np.ndarray, block: np.ndarray):
            cols = layout.cols[g]
            j = np.maximum(cols, 0)
            lo, hi = np.searchsorted(known.keys, [g * n_e, (g + 1) * n_e])
            if hi > lo:
                pos, hit = _find(run, known.keys[lo:hi] - g * n_e)
                block[pos[hit], known.slots[lo:hi][hit]] = -np.inf
            block[:, (cols < 0) | (d.capacity[j] <= 0)] = -np.inf
            block[block < self.min_score] = -np.inf
            rc = block - d.u[run, None] - d.v[j][None, :]
            uncovered = False
            if d.mode == Mode.MAX_MATCHED:
                a, b = d.alpha[run, None], d.beta[j][None, :]
                hole = ~a & ~b & np.isfinite(block)
                uncovered = bool(hole.any())
                rc = np.where(hole, np.inf, np.where(a ^ b, rc, -np.inf))
            top = np.where(np.isfinite(rc), rc, -np.inf).max(axis=1)
            r, s = np.nonzero(rc > keep)
            return run, top, uncovered, block.size, (run[r], j[s], block[r, s], rc[r, s])

        best = np.full(n_e, -np.inf)
        parts = []
        cover_ok, size = True, 0
        for run, top, uncovered, n, kept in score_groups(self.source, layout, rows, groups, price):
            best[run] = np.maximum(best[run], top)
            cover_ok &= not uncovered
            size += n
            parts.append(kept)
        if parts:
            pr, pc, pv, prc = (np.concatenate(x) for x in zip(*parts, strict=True))
        else:
            pr, pc, pv, prc = (np.zeros(0, dtype=t) for t in (np.int64, np.int64, float, float))
        return _Scored(pr, pc, pv, prc, best, size, cover_ok)


def _find(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `keys` in `sorted_keys` and whether each is there."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return pos, sorted_keys[pos] == keys


@dataclass(slots=True)
class _Known:
    """Listed pairs as sorted (group, mentee) keys with their slot, to skip them in scored
    groups."""

    keys: np.ndarray
    slots: np.ndarray

    @classmethod
    def of(cls, layout: Layout, er: np.ndarray, ec: np.ndarray, n_e: int) -> _Known:
        keys = layout.group_of[ec] * n_e + er
        order = np.argsort(keys)
        return cls(keys[order], layout.slot_of[ec][order])


def _indptr(er: np.ndarray, n_e: int) -> np.ndarray:
    indptr = np.zeros(n_e + 1, dtype=np.int64)
    np.cumsum(np.bincount(er, minlength=n_e), out=indptr[1:])
    return indptr


def _pair_score(scores: BlockSource | Candidates, i: int, j: int) -> float:
    if isinstance(scores, Candidates):
        lo, hi = scores.indptr[i], scores.indptr[i + 1]
        hit = np.flatnonzero(scores.cols[lo:hi] == j)
        return float(scores.vals[lo + hit[0]]) if len(hit) else -np.inf
    return float(scores.block(np.array([i]))[0, j])


def _cover(
    n_e: int,
    n_m: int,
    er: np.ndarray,
    ec: np.ndarray,
    mo: np.ndarray,
    active: np.ndarray,
    mode: Mode,
) -> tuple[np.ndarray, np.ndarray]:
    """König cover from the alternating forest grown from the unmatched mentees.

    alpha[i] (mentee in the cover) is False for every mentee the forest reaches; beta[j]
    (mentor in the cover) is True for every mentor it reaches.
    """
    alpha = np.ones(n_e, dtype=bool)
    beta = np.zeros(n_m, dtype=bool)
    if mode == Mode.BEST_SCORE:
        return np.zeros(n_e, dtype=bool), beta
    indptr = _indptr(er, n_e)
    frontier = np.flatnonzero(active & (mo < 0))
    while len(frontier):
        alpha[frontier] = False
        js = np.unique(ec[_csr_edges(indptr, frontier)])
        js = js[~beta[js]]
        if not len(js):
            break
        beta[js] = True
        reached = np.zeros(n_m, dtype=bool)
        reached[js] = True
        frontier = np.flatnonzero((mo >= 0) & reached[np.maximum(mo, 0)] & alpha & active)
    return alpha, beta


def _duals(
    n_e: int,
    n_m: int,
    er: np.ndarray,
    ec: np.ndarray,
    es: np.ndarray,
    used: np.ndarray,
    mo: np.ndarray,
    ms: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    active: np.ndarray,
    mode: Mode,
    max_iter: int = 5000,
) -> tuple[np.ndarray, np.ndarray]:
    """Mentee utilities u and mentor prices v >= 0, a feasible dual of the restricted LP.

    Prices start at zero and rise until no pair is worth more than the mentee's utility plus
    the price (a longest-path fixpoint); at an optimal matching that is the smallest optimal
    price vector. Whatever the iteration reaches, u is completed so the dual stays feasible.
    """
    by_cover = mode == Mode.MAX_MATCHED
    counted = ~used & (alpha[er] ^ beta[ec]) if by_cover else ~used
    floor_u = np.where(alpha, -np.inf, 0.0) if mode == Mode.MAX_MATCHED else np.zeros(n_e)
    cr, cc, cs = er[counted], ec[counted], es[counted].astype(np.float64)
    order = np.argsort(cr, kind="stable")
    cr, cc, cs = cr[order], cc[order], cs[order]
    indptr = _indptr(cr, n_e)
    matched = mo >= 0
    # The mentees matched to each mentor, whose utility falls when its price rises.
    holders = np.flatnonzero(matched)
    holders = holders[np.argsort(mo[holders], kind="stable")]
    held = _indptr(mo[holders], n_m)
    v = np.zeros(n_m)
    u = np.maximum(np.where(matched, ms, 0.0), floor_u)
    # Bellman-Ford with a worklist: only the edges of mentees whose utility changed are
    # looked at again, so the long tail of the fixpoint costs little.
    frontier = np.unique(cr)
    for _ in range(max_iter):
        edges = _csr_edges(indptr, frontier)
        if not len(edges):
            break
        best = np.full(n_m, -np.inf)
        np.maximum.at(best, cc[edges], cs[edges] - u[cr[edges]])
        up = np.flatnonzero(best > v + 1e-12)
        if not len(up):
            break
        v[up] = best[up]
        frontier = holders[_csr_edges(held, up)]
        u[frontier] = np.maximum(ms[frontier] - v[mo[frontier]], floor_u[frontier])
    by_mentee = _Groups(cr, n_e)
    u = np.where(matched, ms - v[np.maximum(mo, 0)], floor_u)
    u = np.maximum(u, by_mentee.max(cs - v[cc], -np.inf))
    u = np.maximum(u, floor_u)
    u[~active] = 0.0
    # A mentee with no edge at all has utility 0 (its floor may be -inf in the cover).
    u[~np.isfinite(u)] = 0.0
    return u, v
