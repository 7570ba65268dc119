"""Plain-language reasons: why a pair fits, and why a mentee was left unmatched."""

from __future__ import annotations

import numpy as np

from .model import COMPONENTS, PROFICIENCY_RANK, Explanation, Mode, TrackKind
from .scoring import HOURS_PER_WEEK, Scorer, _speaks, _target, goal_overlap

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "pt": "Portuguese",
    "de": "German",
    "hi": "Hindi",
    "ar": "Arabic",
    "zh": "Chinese",
    "it": "Italian",
    "nl": "Dutch",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "uk": "Ukrainian",
    "sw": "Swahili",
    "asl": "American Sign Language",
    "bsl": "British Sign Language",
}
FORMAT_WORDS = {"video": "video calls", "phone": "phone calls", "in_person": "meeting in person"}
FORMAT_WORDS["async"] = "writing back and forth"


def _hours(n: float) -> str:
    n = round(n)
    return "1 hour" if n == 1 else f"{n} hours"


def explain_pair(scorer: Scorer, i: int, j: int, score: float | None = None) -> Explanation:
    enc, idx = scorer.encoded, scorer.index
    e, m = enc.mentees[i], idx.mentors[j]
    comps = scorer.components(i, j)
    weights = idx.weights.as_dict()
    contributions = {
        c: (weights[c] / enc.norm[i]) * comps[c] for c in COMPONENTS if not np.isnan(comps[c])
    }
    if score is None:
        score = float(sum(contributions.values()))
    sentences = []

    min_rank = PROFICIENCY_RANK.get(idx.options.min_proficiency, 2)
    shared = [c for c in _speaks(e, min_rank) if c in set(_speaks(m, min_rank))]
    first = ""
    if shared:
        first = f"Both speak {LANGUAGE_NAMES.get(shared[0], shared[0])}"
    skill_bits = []
    have = {s.name: s.level for s in m.skills}
    for s in e.wants:
        level, target = _target(s)
        if s.name in have and have[s.name] > level:
            skill_bits.append((min(have[s.name], target) - level, s, level, target))
    if skill_bits:
        _, s, level, target = max(skill_bits, key=lambda b: b[0])
        part = (
            f"{e.label} wants to grow in {s.name} (from {level} to {target}) "
            f"and {m.label} is at level {have[s.name]}"
        )
        first = f"{first}; {part}" if first else part
    elif e.wants:
        names = ", ".join(s.name for s in e.wants[:3])
        part = f"{m.label} does not list {names} at a higher level than {e.label}"
        first = f"{first}; {part}" if first else part
    if first:
        sentences.append(first + ".")

    second = []
    if not np.isnan(comps["availability"]):
        overlap = float(enc.hours[i] @ idx.hours_m[j])
        if overlap > 0:
            second.append(f"they share {_hours(overlap)} of availability per week")
        else:
            second.append(
                f"their weekly availability does not overlap ({e.time_zone} and {m.time_zone})"
            )
    common = [f for f in e.formats if f in m.formats]
    if common:
        second.append(f"both are happy with {FORMAT_WORDS.get(common[0], common[0])}")
    if second:
        text = " and ".join(second)
        sentences.append(text[0].upper() + text[1:] + ".")

    extra = []
    if comps.get("goals", 0) and comps["goals"] >= 0.2:
        view = idx.tfidf_goal_view()
        overlap = sorted(goal_overlap(enc.goals, i, idx.goals_m, j), key=lambda x: -x[1])
        terms = [view.terms[t] for t, _ in overlap[:3]]
        if terms:
            extra.append((comps["goals"], f"Their goals have in common: {', '.join(terms)}."))
    if comps.get("preferences", 0) and comps["preferences"] > 0:
        tags = [t for t in e.preferences if t in m.tags]
        extra.append((1.0, f"{m.label} shares what {e.label} asked for: {', '.join(tags)}."))
    if not np.isnan(comps["seniority"]) and comps["seniority"] >= 0.75 and m.seniority:
        gap = m.seniority - (e.seniority or 0)
        if TrackKind(e.track) == TrackKind.PEER:
            extra.append((0.7, "They are at a similar career stage, as a peer track asks."))
        elif gap > 0:
            stages = "stage" if gap == 1 else "stages"
            extra.append((0.7, f"{m.label} is {gap} career {stages} ahead."))
    if not np.isnan(comps["style"]) and comps["style"] >= 0.75:
        extra.append((comps["style"] * 0.8, "Their meeting and feedback styles fit well."))
    if extra:
        sentences.append(max(extra, key=lambda x: x[0])[1])
    return Explanation(
        mentee=e.id,
        mentor=m.id,
        score=float(score),
        components={c: (None if np.isnan(v) else round(v, 4)) for c, v in comps.items()},
        contributions={c: round(v, 4) for c, v in contributions.items()},
        sentences=sentences[:3],
    )


def unmatched_reason(
    scorer: Scorer,
    i: int,
    load: np.ndarray,
    capacity: np.ndarray,
    min_score: float,
    mode: Mode,
) -> str:
    enc, idx = scorer.encoded, scorer.index
    e = enc.mentees[i]
    row = scorer.block(np.array([i]))[0].astype(np.float64)
    speaks = enc.av[i, HOURS_PER_WEEK:] > 0
    same_language = (idx.av_mT[HOURS_PER_WEEK:, :][speaks].sum(axis=0) > 0) & (capacity > 0)
    if not same_language.any():
        listed = ", ".join(LANGUAGE_NAMES.get(c, c) for c in e.languages) or "no language"
        return f"No mentor shares a language with {e.label} ({listed})."
    allowed = np.isfinite(row) & (capacity > 0)
    if not allowed.any():
        return (
            f"Every mentor who shares a language with {e.label} is excluded "
            "(same organization, reporting line or a previous pair)."
        )
    fit = allowed & (row >= min_score)
    if not fit.any():
        best = int(np.argmax(np.where(allowed, row, -np.inf)))
        return (
            f"No mentor reaches the minimum score of {min_score:.2f} "
            f"(best: {row[best]:.2f} with {idx.mentors[best].label})."
        )
    if mode == Mode.BEST_SCORE and (fit & (load < capacity)).any():
        return "Leaving them unmatched gave a higher total score (best-score mode)."
    return (
        f"All {int(fit.sum())} mentors who fit {e.label} are full with mentees "
        "for whom they are a better fit."
    )
