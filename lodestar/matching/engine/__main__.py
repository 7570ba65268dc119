"""python -m lodestar.matching.engine {solve,match,suggest,generate} -- see docs/matching.md."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from . import MentorIndex, match, solve_edges, suggest
from .generate import generate
from .jsonio import dump_profiles, load_profiles
from .model import Mode, Options


def _read(path: str) -> dict:
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _options(base: Options, args: argparse.Namespace) -> Options:
    if getattr(args, "mode", None):
        base = replace(base, mode=Mode(args.mode))
    if getattr(args, "min_score", None) is not None:
        base = replace(base, min_score=args.min_score)
    return base


def cmd_solve(args: argparse.Namespace) -> dict:
    data = _read(args.input)
    mentees = [str(e["id"]) for e in data["mentees"]]
    mentors = {str(m["id"]): int(m.get("capacity", 1)) for m in data["mentors"]}
    edges = [(str(x["mentee"]), str(x["mentor"]), float(x["score"])) for x in data["edges"]]
    locked = [(str(a), str(b)) for a, b in data.get("locked", [])]
    result = solve_edges(mentees, mentors, edges, locked, _options(Options(), args))
    return result.to_json()


def cmd_match(args: argparse.Namespace) -> dict:
    p = load_profiles(_read(args.profiles))
    result = match(
        p["mentees"],
        p["mentors"],
        p["weights"],
        _options(p["options"], args),
        p["exclusions"],
        p["locked"],
        stable=args.stable,
    )
    out = result.to_json()
    by_pair = {(x.mentee, x.mentor): x for x in result.explanations}
    for pair in out["pairs"]:
        ex = by_pair[(pair["mentee"], pair["mentor"])]
        pair["components"] = ex.components
        pair["explanation"] = ex.text
    out["unmatched"] = [
        {"mentee": e, "reason": result.reasons.get(e, "")} for e in result.unmatched
    ]
    cert = result.certificate
    if cert is not None and not args.stable:
        out["certificate"] = {
            "optimal": cert.optimal,
            "matched_is_max": cert.matched_is_max,
            "upper_bound": round(cert.upper_bound, 6),
            "gap": round(cert.gap, 9),
        }
    return out


def cmd_suggest(args: argparse.Namespace) -> dict:
    p = load_profiles(_read(args.profiles))
    mentee = next((e for e in p["mentees"] if e.id == args.mentee), None)
    if mentee is None:
        raise SystemExit(f"unknown mentee {args.mentee}")
    index = MentorIndex.build(p["mentors"], p["weights"], p["options"], p["mentees"])
    excluded = tuple(b for a, b in p["exclusions"] if a == mentee.id)
    found = suggest(mentee, index, args.k, exclusions=excluded)
    return {
        "mentee": mentee.id,
        "suggestions": [
            {
                "mentor": mentor,
                "score": round(score, 6),
                "components": ex.components if ex else {},
                "explanation": ex.text if ex else "",
            }
            for mentor, score, ex in found
        ],
    }


def cmd_generate(args: argparse.Namespace) -> dict:
    mentees, mentors = generate(args.mentees, args.mentors, args.capacity, args.seed)
    return dump_profiles(mentees, mentors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lodestar.matching.engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="optimal assignment from explicit scored pairs")
    p.add_argument("input")
    p.add_argument("--mode", choices=[m.value for m in Mode])
    p.add_argument("--min-score", type=float)
    p.set_defaults(run=cmd_solve)
    p = sub.add_parser("match", help="the whole pipeline on profiles, with explanations")
    p.add_argument("profiles")
    p.add_argument("--mode", choices=[m.value for m in Mode])
    p.add_argument("--min-score", type=float)
    p.add_argument("--stable", action="store_true", help="mentee-proposing stable matching")
    p.set_defaults(run=cmd_match)
    p = sub.add_parser("suggest", help="top-k mentors for one mentee")
    p.add_argument("profiles")
    p.add_argument("--mentee", required=True)
    p.add_argument("-k", type=int, default=5)
    p.set_defaults(run=cmd_suggest)
    p = sub.add_parser("generate", help="a reproducible synthetic program")
    p.add_argument("--mentees", type=int, default=20)
    p.add_argument("--mentors", type=int, default=8)
    p.add_argument("--capacity", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", default="-")
    p.set_defaults(run=cmd_generate)
    args = parser.parse_args(argv)
    try:
        out = args.run(args)
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(out, indent=None if args.command == "solve" else 2, ensure_ascii=False)
    if getattr(args, "output", "-") != "-":
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
