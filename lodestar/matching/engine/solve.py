"""Optimal many-to-one assignment by min-cost flow, with an optimality certificate.

The objective is lexicographic by default: most mentees matched, then the highest total
score (`Mode.MAX_MATCHED`); `Mode.BEST_SCORE` maximizes the total score alone.

Large instances keep only the top-k mentors of each mentee as candidate edges. The flow on
those edges is optimal for them; the certificate then prices every pruned pair with the LP
duals (mentee utilities u, mentor prices v) of the restricted problem. A pruned pair whose
score exceeds u + v could improve the answer: it is added back and the flow re-solved. When
no pair is left, the answer is optimal for the full problem; otherwise the dual objective
with every pruned slack added is a proven upper bound.

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

from .model import Certificate, Mode, Options

SCALE = 10**10  # scores become integer costs in units of 1e-10
_TOL = 1e-9
_BLOCK_ELEMENTS = 4_000_000
_ADD_PER_ROW = 8


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
    """Allowed pairs per mentee in CSR form; `tau[i]` bounds the score of any pair of mentee
    i that is not listed (-inf when every allowed pair is listed)."""

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


def top_candidates(
    source: BlockSource,
    k: int,
    min_score: float,
    reserve: int = 0,
) -> tuple[Candidates, np.ndarray]:
    """The best allowed mentors of each mentee: the first k go to the flow, the next
    `reserve` are kept to price cheaply in the certificate. Returns the candidates (each row's
    flow edges first) with tau = the best score left out, and a mask of the flow edges."""
    n_rows, n_cols = source.shape
    keep = min(k + reserve, n_cols)
    k = min(k, keep)
    step = max(1, _BLOCK_ELEMENTS // max(n_cols, 1))
    tau = np.full(n_rows, -np.inf)
    col_dtype = np.int32 if n_cols < 2**31 else np.int64
    row_parts, col_parts, val_parts, flow_parts = [], [], [], []
    for start in range(0, n_rows, step):
        chunk = np.arange(start, min(start + step, n_rows))
        block = source.block(chunk)
        if min_score > -np.inf:
            block[block < min_score] = -np.inf
        if keep < n_cols:
            kth = sorted({n_cols - keep - 1, n_cols - k})
            part = np.argpartition(block, kth, axis=1)
            tau[chunk] = np.take_along_axis(block, part[:, n_cols - keep - 1 : n_cols - keep], 1)[
                :, 0
            ]
            top = part[:, n_cols - keep :]
        else:
            part = np.argpartition(block, n_cols - k, axis=1) if k < n_cols else None
            top = part if part is not None else np.broadcast_to(np.arange(n_cols), block.shape)
        # Values keep the source's dtype (float32 from the scorer: no precision is lost).
        vals = np.take_along_axis(block, top, axis=1)
        # Columns are in partition order: the last k are the flow edges.
        in_flow = np.zeros(top.shape, dtype=bool)
        in_flow[:, top.shape[1] - k :] = True
        ok = np.isfinite(vals)
        row_parts.append(np.broadcast_to(chunk[:, None], top.shape)[ok].astype(np.int32))
        col_parts.append(top[ok].astype(col_dtype))
        val_parts.append(vals[ok])
        flow_parts.append(in_flow[ok])
    counts = np.zeros(n_rows, dtype=np.int64)
    cols = np.concatenate(col_parts) if col_parts else np.zeros(0, col_dtype)
    if row_parts:
        counts = np.bincount(np.concatenate(row_parts), minlength=n_rows)
        del row_parts
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    # Blocks come in row order and each row's mentors are distinct: already CSR.
    cand = Candidates(
        indptr,
        cols,
        np.concatenate(val_parts) if val_parts else np.zeros(0),
        tau,
        n_cols,
    )
    flow = np.concatenate(flow_parts) if flow_parts else np.zeros(0, dtype=bool)
    return cand, flow


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
    options = options or Options()
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

    if isinstance(scores, Candidates):
        cand, in_flow = scores, np.ones(len(scores.cols), dtype=bool)
    else:
        k, reserve = _auto_k(n_e, n_m)
        if options.top_k:
            k = options.top_k
        if options.reserve is not None:
            reserve = options.reserve
        cand, in_flow = top_candidates(scores, k, options.min_score, reserve)
    stats["candidates_s"] = time.perf_counter() - t0
    # Boolean indexing copies, so the candidates' own arrays are left untouched.
    er, ec, es = cand.rows(), cand.cols, cand.vals
    # Compared in float64 (a strong scalar), as the certificate compares recomputed rows.
    keep = active[er] & (es >= np.float64(options.min_score)) & (capacity[ec] > 0)
    er, ec, es, in_flow = er[keep], ec[keep], es[keep], in_flow[keep]
    del keep
    tau = np.where(active, cand.tau, -np.inf)
    del cand  # the pruned candidates (the largest arrays) are not needed any more
    tau = np.where(tau >= options.min_score, tau, -np.inf)
    if isinstance(scores, Candidates):
        tau[:] = -np.inf
    cover_ok = True
    added = checked = rounds = 0
    solve_s = cert_s = 0.0
    while True:
        rounds += 1
        t1 = time.perf_counter()
        fr, fc, fs = er[in_flow], ec[in_flow], es[in_flow]
        used = _flow(n_e, n_m, fr, fc, fs, capacity, active, mode)
        solve_s += time.perf_counter() - t1
        t1 = time.perf_counter()
        mo = np.full(n_e, -1, dtype=np.int64)
        ms = np.zeros(n_e)
        mo[fr[used]], ms[fr[used]] = fc[used], fs[used]
        load = np.bincount(mo[mo >= 0], minlength=n_m)
        alpha, beta = _cover(n_e, n_m, fr, fc, mo, active, mode)
        u, v = _duals(n_e, n_m, fr, fc, fs, used, mo, ms, alpha, beta, active, mode)
        cover_ok = True
        # Listed pairs outside the flow are priced exactly, from memory.
        slack = np.zeros(n_e)
        res = np.flatnonzero(~in_flow)
        grow = np.zeros(0, dtype=np.int64)
        if len(res):
            rr, rcol = er[res], ec[res]
            rc = es[res] - u[rr] - v[rcol]
            if mode == Mode.MAX_MATCHED:
                uncovered = ~alpha[rr] & ~beta[rcol]
                if uncovered.any():
                    cover_ok = False
                rc = np.where(uncovered, np.inf, np.where(alpha[rr] ^ beta[rcol], rc, -np.inf))
            hit = rc > _TOL
            grow = res[hit]
            np.maximum.at(slack, rr[hit], np.where(np.isinf(rc[hit]), 0.0, rc[hit]))
        # Rows whose unlisted pairs the bound cannot settle: computed and priced exactly.
        need = np.isfinite(tau) & (tau > u + _TOL)
        if mode == Mode.MAX_MATCHED:
            need |= np.isfinite(tau) & ~alpha & active
        slack = np.where(need, slack, np.maximum(slack, np.maximum(tau - u, 0.0)))
        if options.gap_tolerance > 0 and cover_ok:
            # The bound alone may already be good enough: then no row is computed again.
            rough = np.where(need & np.isfinite(tau), np.maximum(tau - u, slack), 0.0)
            count_rows = need & ~alpha & np.isfinite(tau) if mode == Mode.MAX_MATCHED else None
            dual = float(u[active].sum() + (capacity * v).sum())
            bound = dual + float(slack.sum() + rough.sum())
            primal = float(ms[mo >= 0].sum())
            if (count_rows is None or not count_rows.any()) and (
                bound - primal <= options.gap_tolerance * max(bound, 1e-12)
            ):
                slack = np.maximum(slack, rough)
                need[:] = False
        new_r, new_c, new_s = [], [], []
        rows = np.flatnonzero(need)
        checked += len(rows)
        step = max(1, _BLOCK_ELEMENTS // max(n_m, 1))
        indptr = _indptr(er, n_e)
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            block = np.asarray(scores.block(chunk), dtype=np.float64)
            block[block < options.min_score] = -np.inf
            block[:, capacity <= 0] = -np.inf
            inc = _csr_edges(indptr, chunk)
            block[np.searchsorted(chunk, er[inc]), ec[inc]] = -np.inf
            rc = block - u[chunk, None] - v[None, :]
            if mode == Mode.MAX_MATCHED:
                a = alpha[chunk, None]
                counted = a ^ beta[None, :]
                # A mentee outside the cover needs every allowed mentor inside it.
                uncovered = ~a & ~beta[None, :] & np.isfinite(block)
                if uncovered.any():
                    cover_ok = False
                    rc = np.where(uncovered, np.inf, np.where(counted, rc, -np.inf))
                elif not counted.all():
                    rc = np.where(counted, rc, -np.inf)
            best = np.max(rc, axis=1, initial=-np.inf)
            finite = np.where(np.isfinite(best), best, 0.0)
            slack[chunk] = np.maximum(slack[chunk], np.maximum(finite, 0.0))
            bad = best > _TOL
            if not bad.any():
                continue
            sub, sub_rows, sub_block = rc[bad], chunk[bad], block[bad]
            take = min(_ADD_PER_ROW, n_m)
            top = np.argpartition(-sub, take - 1, axis=1)[:, :take]
            hit = np.take_along_axis(sub, top, axis=1) > _TOL
            new_r.append(np.broadcast_to(sub_rows[:, None], top.shape)[hit])
            new_c.append(top[hit])
            new_s.append(np.take_along_axis(sub_block, top, axis=1)[hit])
        cert_s += time.perf_counter() - t1
        if (not new_r and not len(grow)) or rounds >= options.max_rounds:
            break
        if options.gap_tolerance > 0 and cover_ok and not new_r:
            dual = float(u[active].sum() + (capacity * v).sum() + slack.sum())
            primal = float(ms[mo >= 0].sum())
            if dual - primal <= options.gap_tolerance * max(dual, 1e-12):
                break
        in_flow[grow] = True
        added += len(grow)
        if new_r:
            add_r = np.concatenate(new_r)
            added += len(add_r)
            er = np.concatenate([er, add_r])
            ec = np.concatenate([ec, np.concatenate(new_c)])
            es = np.concatenate([es, np.concatenate(new_s).astype(es.dtype)])
            in_flow = np.concatenate([in_flow, np.ones(len(add_r), dtype=bool)])
            order = np.argsort(er, kind="stable")
            er, ec, es, in_flow = er[order], ec[order], es[order], in_flow[order]

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
        certificate_s=cert_s,
        edges=float(in_flow.sum()),
        total_s=time.perf_counter() - t0,
        max_load=float(load.max(initial=0)),
    )
    return Solution(mentor_of, score_of, locked, cert, stats)


def _indptr(er: np.ndarray, n_e: int) -> np.ndarray:
    indptr = np.zeros(n_e + 1, dtype=np.int64)
    np.cumsum(np.bincount(er, minlength=n_e), out=indptr[1:])
    return indptr


def _auto_k(n_e: int, n_m: int) -> tuple[int, int]:
    """Flow edges and reserve per mentee. When capacity is tight, mentor prices push some
    mentees well down their lists; the reserve lets the certificate price those pairs without
    computing the row again."""
    return min(n_m, 24), min(n_m, 320)


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
    cr, cc, cs = er[counted], ec[counted], es[counted]
    matched = mo >= 0
    v = np.zeros(n_m)
    by_mentor, by_mentee = _Groups(cc, n_m), _Groups(cr, n_e)
    for _ in range(max_iter):
        u = np.where(matched, ms - v[np.maximum(mo, 0)], 0.0)
        u = np.maximum(u, floor_u)
        new_v = by_mentor.max(cs - u[cr], 0.0)
        if np.all(new_v <= v + 1e-12):
            break
        v = np.maximum(v, new_v)
    u = np.where(matched, ms - v[np.maximum(mo, 0)], floor_u)
    u = np.maximum(u, by_mentee.max(cs - v[cc], -np.inf))
    u = np.maximum(u, floor_u)
    u[~active] = 0.0
    # A mentee with no edge at all has utility 0 (its floor may be -inf in the cover).
    u[~np.isfinite(u)] = 0.0
    return u, v
