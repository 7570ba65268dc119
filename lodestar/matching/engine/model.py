"""The engine's plain data: profiles in, pairs and explanations out. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Mode(StrEnum):
    # Most mentees matched first, then the highest total score among those matchings.
    MAX_MATCHED = "max_matched"
    # Highest total score, even if it leaves someone unmatched who could have been paired.
    BEST_SCORE = "best_score"


class TrackKind(StrEnum):
    PEER = "peer"
    INTERMEDIATE = "intermediate"
    LEADERSHIP = "leadership"


PROFICIENCY_RANK = {"basic": 1, "conversational": 2, "fluent": 3, "native": 4}


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill with a level 1-5; for a wanted skill, `target` is the level aimed for."""

    name: str
    level: int
    target: int | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """A weekly window in the person's own time zone; times as "HH:MM", weekday 0 = Monday."""

    weekday: int
    start: str
    end: str


@dataclass(slots=True)
class Person:
    id: str
    name: str = ""
    languages: dict[str, str] = field(default_factory=dict)  # ISO code -> proficiency
    time_zone: str = "UTC"
    availability: list[Window] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)  # video, phone, in_person, async
    meeting_structure: str = ""
    feedback_style: str = ""
    conversation_mode: str = ""
    learning_style: str = ""
    objectives: str = ""
    affiliation: str = ""
    manager: str = ""  # id of the person's manager, for reporting-line exclusions
    seniority: int | None = None  # career stage 1-5
    tags: list[str] = field(default_factory=list)  # attributes the person chose to share

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(slots=True)
class MenteeProfile(Person):
    wants: list[Skill] = field(default_factory=list)
    preferences: list[str] = field(default_factory=list)  # opt-in: tags sought in a mentor
    track: TrackKind = TrackKind.INTERMEDIATE


@dataclass(slots=True)
class MentorProfile(Person):
    skills: list[Skill] = field(default_factory=list)
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weight of each score component; a program's coordinators edit these."""

    skills: float = 0.30
    goals: float = 0.15
    style: float = 0.10
    availability: float = 0.15
    format: float = 0.10
    seniority: float = 0.10
    preferences: float = 0.10

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


COMPONENTS = ("skills", "goals", "style", "availability", "format", "seniority", "preferences")


@dataclass(frozen=True, slots=True)
class Options:
    mode: Mode = Mode.MAX_MATCHED
    min_score: float = 0.0
    min_proficiency: str = "conversational"  # both sides need at least this in a shared language
    exclude_same_affiliation: bool = False
    exclude_reporting_line: bool = True
    availability_hours: float = 3.0  # weekly overlap that counts as fully compatible
    # Flow candidates per mentee (large rounds): the top pairs of this many best groups of
    # mentors at first, then this many best pairs at the current prices; None = automatic.
    top_k: int | None = None
    # First-round extra candidates: the best pair of this many groups of less demanded
    # mentors, so popular mentors filling up leaves everyone an option; None = automatic.
    reserve: int | None = None
    max_rounds: int = 8  # certificate rounds that add pruned pairs back
    # Stop once the proven relative gap is at most this (0 = exact optimum).
    gap_tolerance: float = 0.0
    # Fairness: at most this many mentees get the same mentor as first suggestion.
    rotation_cap: int | None = None


@dataclass(frozen=True, slots=True)
class Pair:
    mentee: str
    mentor: str
    score: float
    locked: bool = False


@dataclass(slots=True)
class Certificate:
    """What the solver can prove about its answer.

    `upper_bound` bounds the total score of any matching with the same number of mentees
    matched (in best-score mode: of any matching). `gap` = upper_bound - total_score.
    """

    optimal: bool
    matched_is_max: bool
    upper_bound: float
    gap: float
    rounds: int
    pairs_added: int
    pruned_checked: int

    @property
    def relative_gap(self) -> float:
        return self.gap / self.upper_bound if self.upper_bound > 0 else 0.0


@dataclass(slots=True)
class Result:
    pairs: list[Pair]
    unmatched: list[str]
    certificate: Certificate | None = None
    stats: dict[str, float] = field(default_factory=dict)
    explanations: list[Explanation] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # why each unmatched mentee is

    @property
    def matched(self) -> int:
        return len(self.pairs)

    @property
    def total_score(self) -> float:
        return float(sum(p.score for p in self.pairs))

    def to_json(self, digits: int = 6) -> dict:
        return {
            "pairs": [
                {"mentee": p.mentee, "mentor": p.mentor, "score": round(p.score, digits)}
                for p in self.pairs
            ],
            "matched": self.matched,
            "total_score": round(self.total_score, digits),
            "unmatched": list(self.unmatched),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    mentee: str
    mentor: str
    score: float
    components: dict[str, float]  # unweighted component values in [0, 1]
    contributions: dict[str, float]  # weighted share of the score
    sentences: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)
