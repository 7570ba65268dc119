"""The JSON shapes of the CLI: profiles in, results out."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from .model import MenteeProfile, MentorProfile, Mode, Options, Skill, Weights, Window


def _person(cls, data: dict[str, Any]):
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    values["id"] = str(data["id"])
    if "availability" in values:
        values["availability"] = [Window(**w) for w in values["availability"]]
    for key in ("wants", "skills"):
        if key in values:
            values[key] = [Skill(s["name"], int(s["level"]), s.get("target")) for s in values[key]]
    if isinstance(values.get("languages"), list):
        values["languages"] = dict.fromkeys(values["languages"], "fluent")
    return cls(**values)


def load_profiles(data: dict[str, Any]) -> dict[str, Any]:
    options = dict(data.get("options", {}))
    if "mode" in options:
        options["mode"] = Mode(options["mode"])
    return {
        "mentees": [_person(MenteeProfile, d) for d in data.get("mentees", [])],
        "mentors": [_person(MentorProfile, d) for d in data.get("mentors", [])],
        "weights": Weights(**data.get("weights", {})),
        "options": Options(**options),
        "exclusions": [tuple(p) for p in data.get("exclusions", [])],
        "locked": [tuple(p) for p in data.get("locked", [])],
    }


def dump_profiles(mentees, mentors) -> dict[str, Any]:
    def person(p) -> dict[str, Any]:
        out = asdict(p)
        return {k: v for k, v in out.items() if v not in ("", [], {}, None)}

    return {
        "mentees": [person(e) for e in mentees],
        "mentors": [person(m) for m in mentors],
    }
