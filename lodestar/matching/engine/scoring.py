"""Pair scores as a weighted sum of components in [0, 1], computed in blocks with numpy.

Every component except availability is linear in a per-person feature vector, so for a block
of mentees the linear part of the score is one matrix product with the mentors' features.
Availability (hours of weekly overlap, saturating) and the shared-language constraint come
from a second product over the 168-hour UTC grid plus one column per language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.linalg.blas import sgemm

from .availability import HOURS_PER_WEEK, hour_grid, reference_monday
from .model import (
    COMPONENTS,
    PROFICIENCY_RANK,
    MenteeProfile,
    MentorProfile,
    Options,
    TrackKind,
    Weights,
)
from .text import TfIdf, tokenize

LEVEL_STEPS = 4  # levels 2..5: "the mentor is at or above this level"
# The language columns of a mentee are scaled so the product with a mentor's language columns
# lands above every possible overlap count (at most 168 hours).
_LANGUAGE_SCALE = 256.0
_DENSE_GOAL_TERMS = 512

STYLE_QUESTIONS: dict[str, tuple[tuple[str, ...], np.ndarray]] = {
    "meeting_structure": (
        ("agenda", "flow", "mix"),
        np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.5, 0.5, 1.0]]),
    ),
    "feedback_style": (("direct", "gentle"), np.array([[1.0, 0.0], [0.0, 1.0]])),
    "conversation_mode": (("live", "written"), np.array([[1.0, 0.0], [0.0, 1.0]])),
    # Different learning styles are not at odds, so a mismatch still earns half.
    "learning_style": (
        ("doing", "discussing", "reading", "observing"),
        np.full((4, 4), 0.5) + 0.5 * np.eye(4),
    ),
}
FORMATS = ("video", "phone", "in_person", "async")
_UNKNOWN = 0.5  # a mentor who left a question blank is neither a fit nor a misfit

# Seniority fit by track, indexed by the gap mentor minus mentee (-4..4).
SENIORITY_FIT = {
    TrackKind.PEER: np.array([0, 0, 0.25, 0.75, 1, 0.75, 0.25, 0, 0]),
    TrackKind.INTERMEDIATE: np.array([0, 0, 0, 0, 0.3, 1, 1, 0.75, 0.5]),
    TrackKind.LEADERSHIP: np.array([0, 0, 0, 0, 0.1, 0.5, 1, 1, 1]),
}


def _speaks(person, min_rank: int) -> list[str]:
    return [
        code
        for code, prof in person.languages.items()
        if PROFICIENCY_RANK.get(str(prof), PROFICIENCY_RANK["fluent"]) >= min_rank
    ]


def _target(skill) -> tuple[int, int]:
    level = min(max(int(skill.level), 1), 5)
    target = skill.target if skill.target is not None else level + 1
    return level, min(max(int(target), 1), 5)


@dataclass(slots=True)
class MentorIndex:
    """The mentors' side of scoring, built once and reused for every mentee (suggestions)."""

    mentors: Sequence[MentorProfile]
    weights: Weights
    options: Options
    monday: dt.date
    skill_index: dict[str, int]
    rarity: np.ndarray
    tag_index: dict[str, int]
    language_index: dict[str, int]
    tfidf: TfIdf
    goal_terms: np.ndarray  # vocabulary columns some mentor uses
    goals_m: sparse.csr_matrix  # mentors' TF-IDF restricted to goal_terms
    slices: dict[str, slice]
    lin_mT: np.ndarray  # (d, n_mentors) float32
    av_mT: np.ndarray  # (168 + languages, n_mentors) float32
    hours_m: np.ndarray  # (n_mentors, 168)
    capacity: np.ndarray
    affiliation_m: np.ndarray
    manager_m: np.ndarray
    mentor_pos: dict[str, int]
    codes: dict[str, int] = field(default_factory=dict)
    managed: dict[str, list[int]] = field(default_factory=dict)  # manager id -> mentors
    goal_view: TfIdf | None = None

    @classmethod
    def build(
        cls,
        mentors: Sequence[MentorProfile],
        weights: Weights | None = None,
        options: Options | None = None,
        mentee_corpus: Iterable[MenteeProfile] = (),
        monday: dt.date | None = None,
    ) -> MentorIndex:
        weights = weights or Weights()
        options = options or Options()
        monday = monday or reference_monday()
        n = len(mentors)
        min_rank = PROFICIENCY_RANK.get(options.min_proficiency, 2)

        skill_names = sorted({s.name for m in mentors for s in m.skills})
        skill_index = {name: k for k, name in enumerate(skill_names)}
        holders = np.zeros(len(skill_names))
        for m in mentors:
            for s in {s.name for s in m.skills}:
                holders[skill_index[s]] += 1
        # Rare skills weigh more, like the inverse document frequency of a word.
        rarity = np.log((1 + n) / (1 + holders)) + 1.0
        tag_index = {t: k for k, t in enumerate(sorted({t for m in mentors for t in m.tags}))}
        languages = sorted({c for m in mentors for c in _speaks(m, min_rank)})
        language_index = {c: k for k, c in enumerate(languages)}

        corpus = [tokenize(m.objectives) for m in mentors]
        corpus_all = corpus + [tokenize(e.objectives) for e in mentee_corpus]
        tfidf = TfIdf.fit(corpus_all)
        goals_full = tfidf.transform(corpus)
        goal_terms = np.unique(goals_full.indices)
        goals_m = goals_full[:, goal_terms].tocsr()

        dims = {
            "skills": LEVEL_STEPS * len(skill_names),
            "goals": len(goal_terms) if len(goal_terms) <= _DENSE_GOAL_TERMS else 0,
            "style": sum(len(o) + 1 for o, _ in STYLE_QUESTIONS.values()),
            "format": len(FORMATS),
            "seniority": 6,
            "preferences": len(tag_index),
        }
        slices, start = {}, 0
        for name, size in dims.items():
            slices[name] = slice(start, start + size)
            start += size
        lin = np.zeros((n, start), dtype=np.float32)
        for j, m in enumerate(mentors):
            base = slices["skills"].start
            for s in m.skills:
                level = min(max(int(s.level), 1), 5)
                k = skill_index[s.name]
                lin[j, base + LEVEL_STEPS * k : base + LEVEL_STEPS * k + level - 1] = 1.0
            col = slices["style"].start
            for question, (choices, _compat) in STYLE_QUESTIONS.items():
                answer = getattr(m, question)
                pos = choices.index(answer) if answer in choices else len(choices)
                lin[j, col + pos] = 1.0
                col += len(choices) + 1
            for f in m.formats:
                if f in FORMATS:
                    lin[j, slices["format"].start + FORMATS.index(f)] = 1.0
            level = m.seniority
            pos = min(max(int(level), 1), 5) - 1 if level is not None else 5
            lin[j, slices["seniority"].start + pos] = 1.0
            for t in m.tags:
                lin[j, slices["preferences"].start + tag_index[t]] = 1.0
        if dims["goals"]:
            lin[:, slices["goals"]] = goals_m.toarray()

        hours = hour_grid(mentors, monday)
        av = np.zeros((n, HOURS_PER_WEEK + len(languages)), dtype=np.float32)
        av[:, :HOURS_PER_WEEK] = hours
        for j, m in enumerate(mentors):
            for c in _speaks(m, min_rank):
                av[j, HOURS_PER_WEEK + language_index[c]] = 1.0

        codes: dict[str, int] = {}
        managed: dict[str, list[int]] = {}
        for j, m in enumerate(mentors):
            if m.manager:
                managed.setdefault(m.manager, []).append(j)
        return cls(
            mentors=mentors,
            weights=weights,
            options=options,
            monday=monday,
            skill_index=skill_index,
            rarity=rarity,
            tag_index=tag_index,
            language_index=language_index,
            tfidf=tfidf,
            goal_terms=goal_terms,
            goals_m=goals_m,
            slices=slices,
            lin_mT=np.ascontiguousarray(lin.T),
            av_mT=np.ascontiguousarray(av.T),
            hours_m=hours,
            capacity=np.array([max(int(m.capacity), 0) for m in mentors], dtype=np.int64),
            affiliation_m=_codes([m.affiliation.strip().lower() for m in mentors], codes),
            manager_m=_codes([m.manager for m in mentors], codes),
            mentor_pos={m.id: j for j, m in enumerate(mentors)},
            codes=codes,
            managed=managed,
            goal_view=TfIdf(
                {tfidf.terms[t]: k for k, t in enumerate(goal_terms)},
                tfidf.idf[goal_terms],
                [tfidf.terms[t] for t in goal_terms],
            ),
        )

    def encode(self, mentees: Sequence[MenteeProfile]) -> EncodedMentees:
        return EncodedMentees.build(self, mentees)

    def tfidf_goal_view(self) -> TfIdf:
        """The vocabulary seen through the goal columns kept for mentors."""
        if self.goal_view is None:
            raise RuntimeError("the index was not built with MentorIndex.build")
        return self.goal_view


def _codes(values: Sequence[str], table: dict[str, int]) -> np.ndarray:
    """Integer codes shared between both sides; -1 for blank (never equal to anything)."""
    out = np.full(len(values), -1, dtype=np.int64)
    for k, v in enumerate(values):
        if v:
            out[k] = table.setdefault(v, len(table))
    return out


@dataclass(slots=True)
class EncodedMentees:
    index: MentorIndex
    mentees: Sequence[MenteeProfile]
    lin: np.ndarray  # (n, d) float32, already weighted and normalized per mentee
    av: np.ndarray  # (n, 168 + languages) float32
    av_weight: np.ndarray  # (n,) float32: availability weight / sat hours, normalized
    goals: sparse.csr_matrix  # (n, goal_terms), used when the goal part is not dense
    goal_weight: np.ndarray  # (n,) weight of the goal component, normalized
    norm: np.ndarray  # (n,) sum of the weights of the components that apply to each mentee
    applies: np.ndarray  # (n, len(COMPONENTS)) bool
    hours: np.ndarray
    affiliation: np.ndarray
    manager: np.ndarray
    pair_exclusions: list[tuple[int, int]]  # reporting line and self pairs

    @classmethod
    def build(cls, index: MentorIndex, mentees: Sequence[MenteeProfile]) -> EncodedMentees:
        w = index.weights.as_dict()
        opts = index.options
        n = len(mentees)
        min_rank = PROFICIENCY_RANK.get(opts.min_proficiency, 2)
        sl = index.slices
        d = index.lin_mT.shape[0]
        lin = np.zeros((n, d), dtype=np.float32)
        applies = np.zeros((n, len(COMPONENTS)), dtype=bool)
        col_of = {name: k for k, name in enumerate(COMPONENTS)}

        tokens = [tokenize(e.objectives) for e in mentees]
        goals_full = index.tfidf.transform(tokens)
        goals = goals_full[:, index.goal_terms].tocsr()
        applies[:, col_of["goals"]] = goals_full.getnnz(axis=1) > 0

        comp_skills, comp_style, comp_format, comp_sen, comp_pref = (
            col_of[c] for c in ("skills", "style", "format", "seniority", "preferences")
        )
        style_cols = [
            (q, choices, compat.tolist()) for q, (choices, compat) in STYLE_QUESTIONS.items()
        ]
        top_rarity = float(np.max(index.rarity, initial=1.0))
        skill_base, style_base = sl["skills"].start, sl["style"].start
        format_base, sen_base, pref_base = (
            sl["format"].start,
            sl["seniority"].start,
            sl["preferences"].start,
        )
        # Entries are gathered as (row, column, value, component) and scattered at once.
        rr: list[int] = []
        cc: list[int] = []
        vv: list[float] = []
        kk: list[int] = []

        def put(i: int, c: int, v: float, k: int) -> None:
            rr.append(i)
            cc.append(c)
            vv.append(v)
            kk.append(k)

        # Style and seniority are regular: recorded here, laid out with numpy below.
        style_answer = np.full((n, len(style_cols)), -1, dtype=np.int64)
        tracks = list(SENIORITY_FIT)
        sen_level = np.zeros(n, dtype=np.int64)
        sen_track = np.zeros(n, dtype=np.int64)
        for i, e in enumerate(mentees):
            wants = [(s, *_target(s)) for s in e.wants]
            wants = [(s, lv, tg) for s, lv, tg in wants if tg > lv]
            if wants:
                applies[i, comp_skills] = True
                rar = [
                    index.rarity[index.skill_index[s.name]]
                    if s.name in index.skill_index
                    else top_rarity
                    for s, _, _ in wants
                ]
                total = sum(rar)
                for (s, lv, tg), r in zip(wants, rar, strict=True):
                    k = index.skill_index.get(s.name)
                    if k is None:
                        continue
                    # One step per level between where the mentee is and where they aim.
                    for step in range(lv - 1, tg - 1):
                        put(
                            i,
                            skill_base + LEVEL_STEPS * k + step,
                            r / total / (tg - lv),
                            comp_skills,
                        )
            for q, (question, choices, _) in enumerate(style_cols):
                answer = getattr(e, question)
                if answer in choices:
                    style_answer[i, q] = choices.index(answer)
            formats = [f for f in dict.fromkeys(e.formats) if f in FORMATS]
            if formats:
                applies[i, comp_format] = True
                for f in formats:
                    put(i, format_base + FORMATS.index(f), 1.0 / len(formats), comp_format)
            if e.seniority is not None:
                sen_level[i] = min(max(int(e.seniority), 1), 5)
                sen_track[i] = tracks.index(TrackKind(e.track))
            prefs = list(dict.fromkeys(e.preferences))
            if prefs:
                applies[i, comp_pref] = True
                for t in prefs:
                    k = index.tag_index.get(t)
                    if k is not None:
                        put(i, pref_base + k, 1.0 / len(prefs), comp_pref)

        applies[:, comp_style] = (style_answer >= 0).any(axis=1)
        applies[:, comp_sen] = sen_level > 0
        hours = hour_grid(mentees, index.monday)
        applies[:, col_of["availability"]] = hours.sum(axis=1) > 0
        weight_vec = np.array([w[c] for c in COMPONENTS])
        norm = applies.astype(np.float64) @ weight_vec
        norm[norm <= 0] = 1.0
        scale = (applies * weight_vec[None, :]) / norm[:, None]
        if rr:
            rows_, comps_ = np.asarray(rr), np.asarray(kk)
            np.add.at(lin, (rows_, np.asarray(cc)), np.asarray(vv) * scale[rows_, comps_])
        _lay_style(lin, style_answer, style_base, scale[:, comp_style])
        _lay_seniority(lin, sen_level, sen_track, sen_base, scale[:, comp_sen])
        goal_weight = scale[:, col_of["goals"]].astype(np.float32)
        if sl["goals"].stop > sl["goals"].start:
            lin[:, sl["goals"]] = goals.toarray() * goal_weight[:, None]
        av = np.zeros((n, index.av_mT.shape[0]), dtype=np.float32)
        av[:, :HOURS_PER_WEEK] = hours
        for i, e in enumerate(mentees):
            for c in _speaks(e, min_rank):
                k = index.language_index.get(c)
                if k is not None:
                    av[i, HOURS_PER_WEEK + k] = _LANGUAGE_SCALE
        av_weight = (scale[:, col_of["availability"]] / opts.availability_hours).astype(np.float32)

        pair_exclusions = []
        if opts.exclude_reporting_line:
            for i, e in enumerate(mentees):
                if e.manager in index.mentor_pos:
                    pair_exclusions.append((i, index.mentor_pos[e.manager]))
        for i, e in enumerate(mentees):
            if e.id in index.mentor_pos:
                pair_exclusions.append((i, index.mentor_pos[e.id]))
        if opts.exclude_reporting_line:
            for i, e in enumerate(mentees):
                for j in index.managed.get(e.id, ()):
                    pair_exclusions.append((i, j))
        lookup = dict(index.codes)
        return cls(
            index=index,
            mentees=mentees,
            lin=lin,
            av=av,
            av_weight=av_weight,
            goals=goals,
            goal_weight=goal_weight,
            norm=norm,
            applies=applies,
            hours=hours,
            affiliation=np.array(
                [lookup.get(e.affiliation.strip().lower(), -2) for e in mentees], dtype=np.int64
            ),
            manager=np.array([lookup.get(e.manager, -2) if e.manager else -2 for e in mentees]),
            pair_exclusions=pair_exclusions,
        )


def _lay_style(lin: np.ndarray, answer: np.ndarray, base: int, scale: np.ndarray) -> None:
    """Per question answered: its compatibility row and the blank column, / questions answered."""
    answered = (answer >= 0).sum(axis=1)
    col = base
    for q, (choices, compat) in enumerate(STYLE_QUESTIONS.values()):
        rows = np.flatnonzero(answer[:, q] >= 0)
        share = answered[rows, None].astype(np.float64)
        part = np.hstack([compat[answer[rows, q]], np.full((len(rows), 1), _UNKNOWN)]) / share
        lin[rows, col : col + len(choices) + 1] = part * scale[rows, None]
        col += len(choices) + 1


def _lay_seniority(
    lin: np.ndarray, level: np.ndarray, track: np.ndarray, base: int, scale: np.ndarray
) -> None:
    """Mentor level L (1..5) sits at gap L - level, index gap + 4 of the track's fit; the
    sixth column is a mentor who gave no level."""
    rows = np.flatnonzero(level > 0)
    fit = np.vstack(list(SENIORITY_FIT.values()))[track[rows]]
    gap = np.arange(1, 6)[None, :] - level[rows, None] + 4
    part = np.hstack([np.take_along_axis(fit, gap, axis=1), np.full((len(rows), 1), _UNKNOWN)])
    lin[rows, base : base + 6] = part * scale[rows, None]


@dataclass(slots=True)
class Scorer:
    """Scores of mentees against mentors, one block of mentee rows at a time.

    `block(rows)` returns float32 scores with -inf where the pair is not allowed (no shared
    language, excluded). The minimum score is applied by the solver, not here, so a locked
    pair below it can still be kept. `columns(cols)` gives the same scores against a chosen
    list of mentors (the solver's groups), `language_classes()` which mentors each group of
    mentees may meet at all.
    """

    encoded: EncodedMentees
    excluded: dict[int, np.ndarray]
    _classes: tuple[np.ndarray, np.ndarray] | None = None
    _whole: ScoreColumns | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.encoded.mentees), len(self.encoded.index.mentors)

    @property
    def index(self) -> MentorIndex:
        return self.encoded.index

    @property
    def rounding(self) -> float:
        """How far two float32 evaluations of one score can differ: the linear part sums d
        nonnegative products whose exact total is at most 1, so any order is within d u of
        it (u = 2^-24); availability is exact up to one identical rounding; a few more u for
        the additions."""
        d = self.index.lin_mT.shape[0]
        return 2.0 * (d + 8) * 2.0**-24

    def block(self, rows: np.ndarray | slice) -> np.ndarray:
        rows = _as_rows(rows, self.shape[0])
        if len(rows) == 1:
            return self.row(int(rows[0]))[None, :]
        if self._whole is None:
            self._whole = self.columns(np.arange(self.shape[1]))
        return self._whole.block(rows)

    def columns(self, cols: np.ndarray) -> ScoreColumns:
        """The scorer restricted to the mentors `cols` (-1: a padding column, always -inf)."""
        return ScoreColumns.build(self, np.asarray(cols, dtype=np.int64))

    def language_classes(self) -> tuple[np.ndarray, np.ndarray]:
        """(class of each mentee, bool matrix class x mentor: they share a language).

        Mentees with the same languages form a class; a pair outside its class's mentors is
        never allowed, so the solver need not score it.
        """
        if self._classes is None:
            langs = self.encoded.av[:, HOURS_PER_WEEK:] > 0
            patterns, mentee_class = np.unique(langs, axis=0, return_inverse=True)
            mentor_langs = self.index.av_mT[HOURS_PER_WEEK:] > 0
            allows = (patterns.astype(np.int32) @ mentor_langs.astype(np.int32)) > 0
            self._classes = (mentee_class.reshape(-1), allows)
        return self._classes

    def row(self, i: int) -> np.ndarray:
        """The scores of one mentee against every mentor: `block([i])[0]`, but cheaper.

        Only the feature columns the mentee actually uses are read (a mentee touches a few
        dozen of the ~300), and the sums run in numpy's own loops rather than a BLAS gemv: a
        one-row product is memory bound, and a threaded gemv on a busy 2-core machine waits
        for its second thread (15 ms instead of 0.3 ms for 25,000 mentors).
        """
        enc, idx = self.encoded, self.encoded.index
        x = enc.lin[i]
        cols = np.flatnonzero(x)
        scores = np.einsum("k,kn->n", x[cols], idx.lin_mT[cols])
        if idx.slices["goals"].stop == idx.slices["goals"].start and idx.goal_terms.size:
            g = enc.goals
            lo, hi = g.indptr[i], g.indptr[i + 1]
            if hi > lo:
                vec = np.zeros(g.shape[1])
                vec[g.indices[lo:hi]] = g.data[lo:hi]
                scores += (idx.goals_m @ vec).astype(np.float32) * enc.goal_weight[i]
        a = enc.av[i]
        hours = np.flatnonzero(a[:HOURS_PER_WEEK])
        overlap = np.einsum("k,kn->n", a[hours], idx.av_mT[hours])
        overlap *= enc.av_weight[i]
        np.minimum(overlap, enc.av_weight[i] * idx.options.availability_hours, out=overlap)
        scores += overlap
        langs = HOURS_PER_WEEK + np.flatnonzero(a[HOURS_PER_WEEK:])
        allowed = (idx.av_mT[langs] > 0).any(axis=0)[None, :]
        self._restrict(np.array([i]), allowed)
        scores[~allowed[0]] = -np.inf
        return scores

    def _restrict(self, rows: np.ndarray, allowed: np.ndarray) -> None:
        """Clear, in place, the pairs of `rows` that a hard exclusion forbids."""
        self._restrict_codes(rows, allowed, slice(None))
        for k, r in enumerate(rows):
            cols = self.excluded.get(int(r))
            if cols is not None:
                allowed[k, cols] = False

    def _restricts_codes(self) -> bool:
        opts = self.index.options
        reporting = opts.exclude_reporting_line and bool((self.encoded.manager >= 0).any())
        return opts.exclude_same_affiliation or reporting

    def _restrict_codes(self, rows: np.ndarray, allowed: np.ndarray, pick) -> None:
        """Same organization and reporting line, for `rows` x the mentors `pick`."""
        enc, idx = self.encoded, self.encoded.index
        opts = idx.options
        if opts.exclude_same_affiliation:
            aff = enc.affiliation[rows]
            allowed &= (aff[:, None] != idx.affiliation_m[pick][None, :]) | (aff[:, None] < 0)
        if opts.exclude_reporting_line and (enc.manager >= 0).any():
            mgr = enc.manager[rows]
            allowed &= (mgr[:, None] != idx.manager_m[pick][None, :]) | (mgr[:, None] < 0)

    def dense(self) -> np.ndarray:
        return self.block(np.arange(self.shape[0]))

    def components(self, i: int, j: int) -> dict[str, float]:
        """Unweighted component values of one pair, each in [0, 1]."""
        enc, idx = self.encoded, self.encoded.index
        w = idx.weights.as_dict()
        col_of = {name: k for k, name in enumerate(COMPONENTS)}
        out = {}
        for name in COMPONENTS:
            weight = w[name] / enc.norm[i]
            if not enc.applies[i, col_of[name]] or weight <= 0:
                out[name] = float("nan")
                continue
            if name == "availability":
                ov = float(enc.hours[i] @ idx.hours_m[j])
                out[name] = min(ov / idx.options.availability_hours, 1.0)
            elif name == "goals":
                out[name] = sum(w for _, w in goal_overlap(enc.goals, i, idx.goals_m, j))
            else:
                sl = idx.slices[name]
                out[name] = float(enc.lin[i, sl] @ idx.lin_mT[sl, j]) / weight
            out[name] = min(max(out[name], 0.0), 1.0)
        return out


@dataclass(slots=True)
class ScoreColumns:
    """A scorer's mentor side cut to a list of mentor columns, ready for blocks of rows.

    The availability part is the product of the hour grids (exact small integers), capped at
    the saturation hours and weighted per mentee; BLAS then adds the linear part into the
    same array (`sgemm` with beta = 1), so a block costs two products and two passes.
    """

    scorer: Scorer
    cols: np.ndarray  # mentor index per column; -1 pads a group (always -inf)
    lin_T: np.ndarray  # (d, c) float32, C order
    hours_T: np.ndarray  # (168, c) float32, C order
    allows: np.ndarray  # (classes, c) bool: the mentee language class shares a language
    pad: np.ndarray  # columns that are padding
    goals_T: sparse.csc_matrix | None  # mentors' goals, when the goal part is not dense
    position: np.ndarray | None = None  # mentor -> column, for explicit exclusions

    @classmethod
    def build(cls, scorer: Scorer, cols: np.ndarray) -> ScoreColumns:
        idx = scorer.index
        n_m = scorer.shape[1]
        pick = np.maximum(cols, 0)
        pad = np.flatnonzero(cols < 0)
        if len(cols) == n_m and np.array_equal(cols, np.arange(n_m)):
            lin_T, hours_T = idx.lin_mT, idx.av_mT[:HOURS_PER_WEEK]
        else:
            lin_T = np.ascontiguousarray(idx.lin_mT[:, pick])
            hours_T = np.ascontiguousarray(idx.av_mT[:HOURS_PER_WEEK, pick])
        _, allows = scorer.language_classes()
        allows = allows[:, pick]
        allows[:, pad] = True  # padding is cleared on its own
        goals_T = None
        if idx.slices["goals"].stop == idx.slices["goals"].start and idx.goal_terms.size:
            goals_T = idx.goals_m[pick].T.tocsc()
        position = None
        if scorer.excluded:
            position = np.full(n_m, -1, dtype=np.int64)
            real = cols >= 0
            position[cols[real]] = np.flatnonzero(real)
        return cls(scorer, cols, lin_T, hours_T, allows, pad, goals_T, position)

    def block(self, rows: np.ndarray) -> np.ndarray:
        """float32 scores of `rows` x these columns; -inf where the pair is not allowed."""
        scorer = self.scorer
        enc, idx = scorer.encoded, scorer.index
        rows = np.asarray(rows, dtype=np.int64)
        out = enc.hours[rows] @ self.hours_T
        if out.size == 0:
            return out
        np.minimum(out, np.float32(idx.options.availability_hours), out=out)
        out *= enc.av_weight[rows, None]
        # out.T is the Fortran-order view BLAS writes into: out += lin @ lin_T, in place.
        sgemm(1.0, self.lin_T.T, enc.lin[rows].T, beta=1.0, c=out.T, overwrite_c=1)
        if self.goals_T is not None:
            part = (enc.goals[rows] @ self.goals_T).toarray().astype(np.float32)
            out += part * enc.goal_weight[rows, None]
        mentee_class, _ = scorer.language_classes()
        classes = np.unique(mentee_class[rows])
        mask = None
        if not self.allows[classes].all():
            mask = self.allows[mentee_class[rows]]
        if scorer._restricts_codes():
            mask = np.ones(out.shape, dtype=bool) if mask is None else mask
            scorer._restrict_codes(rows, mask, np.maximum(self.cols, 0))
        if mask is not None:
            out[~mask] = -np.inf
        if self.position is not None:
            for k, r in enumerate(rows):
                out_cols = scorer.excluded.get(int(r))
                if out_cols is not None:
                    at = self.position[out_cols]
                    out[k, at[at >= 0]] = -np.inf
        out[:, self.pad] = -np.inf
        return out


def goal_overlap(
    a: sparse.csr_matrix, i: int, b: sparse.csr_matrix, j: int
) -> list[tuple[int, float]]:
    """(term column, product) for the terms two TF-IDF rows share."""
    ai, ad = a.indices[a.indptr[i] : a.indptr[i + 1]], a.data[a.indptr[i] : a.indptr[i + 1]]
    bj, bd = b.indices[b.indptr[j] : b.indptr[j + 1]], b.data[b.indptr[j] : b.indptr[j + 1]]
    common, ia, jb = np.intersect1d(ai, bj, assume_unique=True, return_indices=True)
    return [(int(t), float(x)) for t, x in zip(common, ad[ia] * bd[jb], strict=True)]


def _as_rows(rows: np.ndarray | slice, n: int) -> np.ndarray:
    if isinstance(rows, slice):
        return np.arange(n)[rows]
    return np.asarray(rows, dtype=np.int64)


def score_matrix(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights | None = None,
    options: Options | None = None,
    exclusions: Iterable[tuple[str, str]] = (),
    monday: dt.date | None = None,
) -> Scorer:
    """The scorer of a round: call `.dense()` when small, or hand it to the solver as is."""
    index = MentorIndex.build(mentors, weights, options, mentee_corpus=mentees, monday=monday)
    return scorer_for(index, mentees, exclusions)


def scorer_for(
    index: MentorIndex,
    mentees: Sequence[MenteeProfile],
    exclusions: Iterable[tuple[str, str]] = (),
) -> Scorer:
    encoded = index.encode(mentees)
    mentee_pos = {e.id: i for i, e in enumerate(mentees)}
    pairs: dict[int, list[int]] = {}
    for i, j in encoded.pair_exclusions:
        pairs.setdefault(i, []).append(j)
    for a, b in exclusions:
        if a in mentee_pos and b in index.mentor_pos:
            pairs.setdefault(mentee_pos[a], []).append(index.mentor_pos[b])
    excluded = {i: np.array(sorted(set(js)), dtype=np.int64) for i, js in pairs.items()}
    return Scorer(encoded, excluded)
