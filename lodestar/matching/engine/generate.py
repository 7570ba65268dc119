"""Reproducible synthetic programs of any size, for benchmarks and tests."""

from __future__ import annotations

import numpy as np

from .model import MenteeProfile, MentorProfile, Skill, TrackKind, Window

SKILLS = {
    "Python": "python programming code scripts automation",
    "SQL": "sql databases queries analytics",
    "Data visualization": "charts dashboards visualization storytelling data",
    "Machine learning": "machine learning models prediction statistics",
    "Statistics": "statistics experiments inference analysis",
    "Grant writing": "grant writing proposals funding foundations",
    "Fundraising": "fundraising donors campaigns funding",
    "Public speaking": "public speaking presentations talks confidence",
    "Negotiation": "negotiation salary contracts",
    "People management": "managing team people hiring feedback",
    "Product management": "product roadmap discovery users",
    "UX research": "user research interviews usability",
    "UI design": "design interfaces figma prototypes",
    "Marketing": "marketing brand campaigns audience",
    "Sales": "sales pipeline clients deals",
    "Accounting": "accounting budgets bookkeeping finance",
    "Project management": "project planning deadlines stakeholders",
    "Cloud infrastructure": "cloud infrastructure aws devops deployment",
    "Security": "security privacy threat compliance",
    "Web development": "web frontend javascript react",
    "Mobile development": "mobile apps android ios",
    "Career change": "career change transition switching industry",
    "Leadership": "leadership strategy vision executive",
    "Writing": "writing editing blog articles",
    "Research methods": "research academic papers methods",
    "Community building": "community events volunteers organizing",
    "Policy": "policy advocacy government",
    "Entrepreneurship": "startup founder business plan",
    "Teaching": "teaching curriculum workshops",
    "Operations": "operations processes logistics",
}
LANGUAGES = {"en": 0.55, "es": 0.14, "fr": 0.08, "pt": 0.07, "de": 0.05, "hi": 0.06, "ar": 0.05}
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
]
TAGS = [
    "first-generation",
    "career-changer",
    "parent",
    "lgbtq",
    "veteran",
    "disability",
    "immigrant",
    "women-in-tech",
]
NAMES = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Emeka",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kemi",
    "Luis",
    "Maya",
    "Noor",
    "Omar",
    "Pia",
    "Quinn",
    "Ravi",
    "Sara",
    "Tom",
    "Uma",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
]  # noqa: E501
FORMATS = ["video", "phone", "in_person", "async"]
STYLE = {
    "meeting_structure": ["agenda", "flow", "mix"],
    "feedback_style": ["direct", "gentle"],
    "conversation_mode": ["live", "written"],
    "learning_style": ["doing", "discussing", "reading", "observing"],
}


def _weighted(rng: np.random.Generator, p: np.ndarray, size) -> np.ndarray:
    return np.searchsorted(np.cumsum(p) / p.sum(), rng.random(size), side="right")


class _Draw:
    """Draws every random choice for n people at once; building the dataclasses is the rest."""

    def __init__(self, rng: np.random.Generator, n: int, prefix: str):
        self.rng, self.prefix = rng, prefix
        langs = list(LANGUAGES)
        lang_p = np.array(list(LANGUAGES.values()))
        self.primary = [langs[k] for k in _weighted(rng, lang_p, n)]
        self.second = rng.random(n)
        self.en_level = rng.integers(0, 2, n)
        self.zone = rng.integers(len(ZONES), size=n)
        self.n_windows = rng.integers(1, 5, n)
        self.win = rng.integers(0, 10_000, (n, 4, 3))
        self.formats = rng.random((n, len(FORMATS))) < 0.5
        self.style = rng.integers(0, 12, (n, len(STYLE)))
        self.blank = rng.random((n, len(STYLE))) < 0.15
        pop = 1.0 / np.arange(1, len(SKILLS) + 1) ** 0.7
        # Distinct skills by weighted sampling without replacement (Gumbel top-k).
        keys = np.log(pop)[None, :] - np.log(-np.log(rng.random((n, len(SKILLS)))))
        self.skill_order = np.argsort(-keys, axis=1)[:, :5]
        self.words = rng.random((n, 5, 6))

    def common(self, k: int) -> dict:
        primary = self.primary[k]
        languages = {primary: "native"}
        if primary != "en" and self.second[k] < 0.6:
            languages["en"] = ("conversational", "fluent")[self.en_level[k]]
        elif primary != "es" and self.second[k] > 0.85:
            languages["es"] = "conversational"
        windows = []
        for w in range(self.n_windows[k]):
            day, start, length = self.win[k, w] % (7, 14, 3)
            start += 7
            end = min(start + length + 1, 23)
            windows.append(Window(int(day), f"{start:02d}:00", f"{end:02d}:30"))
        formats = [f for f, on in zip(FORMATS, self.formats[k], strict=True) if on] or ["video"]
        style = {
            q: ("" if self.blank[k, c] else opts[self.style[k, c] % len(opts)])
            for c, (q, opts) in enumerate(STYLE.items())
        }
        return {
            "id": f"{self.prefix}{k}",
            "name": f"{NAMES[k % len(NAMES)]} {self.prefix.upper()}{k}",
            "languages": languages,
            "time_zone": ZONES[self.zone[k]],
            "availability": windows,
            "formats": formats,
            **style,
        }

    def skills(self, k: int, count: int) -> list[str]:
        names = list(SKILLS)
        return [names[s] for s in self.skill_order[k, :count]]

    def text(self, k: int, names: list[str], opener: str) -> str:
        words = []
        for a, name in enumerate(names):
            vocab = SKILLS[name].split()
            order = np.argsort(self.words[k, a, : len(vocab)])[:3]
            words.extend(vocab[t] for t in order)
        return f"{opener} {', '.join(words)}."


def generate(
    n_mentees: int,
    n_mentors: int,
    capacity: int = 4,
    seed: int = 0,
) -> tuple[list[MenteeProfile], list[MentorProfile]]:
    """A program of `n_mentees` and `n_mentors`, the same for the same seed."""
    rng = np.random.default_rng(seed)
    draw = _Draw(rng, n_mentors, "m")
    n_skills = rng.integers(2, 6, n_mentors)
    levels = rng.integers(3, 6, (n_mentors, 5))
    affiliation = rng.integers(60, size=n_mentors)
    seniority = rng.integers(2, 6, n_mentors)
    n_tags = rng.integers(0, 3, n_mentors)
    tag_order = np.argsort(rng.random((n_mentors, len(TAGS))), axis=1)
    mentors = []
    for k in range(n_mentors):
        names = draw.skills(k, int(n_skills[k]))
        mentors.append(
            MentorProfile(
                **draw.common(k),
                skills=[Skill(n, int(levels[k, a])) for a, n in enumerate(names)],
                capacity=capacity,
                objectives=draw.text(k, names, "I can help with"),
                affiliation=f"org{affiliation[k]}",
                seniority=int(seniority[k]),
                tags=[TAGS[t] for t in tag_order[k, : n_tags[k]]],
            )
        )
    draw = _Draw(rng, n_mentees, "e")
    n_wants = rng.integers(1, 4, n_mentees)
    levels = rng.integers(1, 4, (n_mentees, 3))
    gains = rng.random((n_mentees, 3))
    affiliation = rng.integers(60, size=n_mentees)
    seniority = rng.integers(1, 5, n_mentees)
    tracks = [TrackKind.INTERMEDIATE, TrackKind.PEER, TrackKind.LEADERSHIP]
    track = _weighted(rng, np.array([0.7, 0.15, 0.15]), n_mentees)
    prefers = rng.random(n_mentees) < 0.3
    pref_tag = rng.integers(len(TAGS), size=n_mentees)
    mentees = []
    for k in range(n_mentees):
        names = draw.skills(k, int(n_wants[k]))
        wants = []
        for a, n in enumerate(names):
            level = int(levels[k, a])
            wants.append(Skill(n, level, level + 1 + int(gains[k, a] * (5 - level))))
        mentees.append(
            MenteeProfile(
                **draw.common(k),
                wants=wants,
                objectives=draw.text(k, names, "I want to grow in"),
                affiliation=f"org{affiliation[k]}",
                seniority=int(seniority[k]),
                track=tracks[track[k]],
                preferences=[TAGS[pref_tag[k]]] if prefers[k] else [],
            )
        )
    return mentees, mentors
