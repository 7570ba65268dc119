"""Dashboard benchmark: `python -m benchmarks.dashboards` (full) or `--quick` (a tenth).

A generated program (full size: 100,000 members, 40,000 relationships, 1,000,000 session logs,
200,000 survey answers, plus check-ins, ratings, self-assessments, skills and demographic
answers), once on SQLite and once on PostgreSQL, each in a child process on a fresh, migrated
database. For every dashboard section and the equity page it prints the time to compute it,
the number of queries, and the ratio against a plain count query over the section's main
table (the baseline). Pages are rendered through Django as the coordinator's browser fetches
them: each section as the fragment the dashboard frame loads, the frame itself and the equity
page must answer in under one second; the comments browser, the report page and the report
PDF are timed for information.

PostgreSQL: a temporary database through BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/postgres); skipped when it does not answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

FULL = {"members": 100_000, "relationships": 40_000, "sessions": 1_000_000, "answers": 200_000}
QUICK = {k: v // 10 for k, v in FULL.items()}
BATCH = 5000


def seed(sizes: dict) -> None:
    from django.utils import timezone

    from lodestar.accounts.models import (
        DemographicAnswer,
        DemographicQuestion,
        Profile,
        Skill,
        SkillCategory,
        User,
        UserSkill,
    )
    from lodestar.feedback.models import Answer, Question, Response, Round, SessionRating, Survey
    from lodestar.mentoring.figures import rebuild as rebuild_figures
    from lodestar.mentoring.models import (
        CheckIn,
        Participant,
        Relationship,
        SessionLog,
        SkillAssessment,
    )
    from lodestar.programs.models import Cohort, Membership, Program, Role, Track

    rng = random.Random(8)
    now = timezone.now()
    today = now.date()
    program = Program.objects.create(name="Bench", slug="bench", status="running")
    cohorts = [
        Cohort.objects.create(
            program=program,
            name=f"Cohort {c}",
            applications_open=today,
            applications_close=today,
            starts_on=today - dt.timedelta(days=365 - 90 * c),
            ends_on=today + dt.timedelta(days=90 * c + 1),
        )  # fmt: skip
        for c in range(4)
    ]
    track = Track.objects.create(program=program, name="Bench", kind=Track.Kind.INTERMEDIATE)
    category = SkillCategory.objects.create(name="Bench")
    skills = Skill.objects.bulk_create(
        [Skill(name=f"Skill {i}", slug=f"skill-{i}", category=category) for i in range(40)]
    )
    n = sizes["members"]
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example.org") for i in range(n)], batch_size=BATCH
    )
    Profile.objects.bulk_create(
        [
            Profile(user=u, demographics_consent_at=now if i % 3 else None)
            for i, u in enumerate(users)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    statuses = ["active"] * 6 + ["applied", "approved", "completed", "withdrawn"]
    members = Membership.objects.bulk_create(
        [
            Membership(
                user=u, program=program, cohort=cohorts[i % 4], track=track,
                role=Role.MENTOR if i % 2 == 0 else Role.MENTEE, status=rng.choice(statuses),
                capacity=rng.randint(1, 4) if i % 2 == 0 else None,
            )
            for i, u in enumerate(users)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    UserSkill.objects.bulk_create(
        [
            UserSkill(user=u, skill=rng.choice(skills), kind="have" if i % 2 == 0 else "want",
                      level=2, target_level=None if i % 2 == 0 else 4)
            for i, u in enumerate(users)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    question = DemographicQuestion.objects.create(
        key="bench", label="Bench", options=["A", "B", "C", "D", "E"]
    )
    DemographicAnswer.objects.bulk_create(
        [
            DemographicAnswer(user=u, question=question, value=rng.choice("AAABBBCCDE"))
            for u in users[1::2]
        ],
        batch_size=BATCH,
    )
    rels = Relationship.objects.bulk_create(
        [
            Relationship(
                program=program, cohort=cohorts[k % 4], track=track,
                status=rng.choice(["active", "active", "completed", "ended", "paused"]),
                started_on=today - dt.timedelta(days=rng.randint(0, 300)),
                match_score=rng.random(), session_count=rng.randint(0, 40),
                end_reason=rng.choice(["", "Moved", "No time", "Not a good fit"]),
            )
            for k in range(sizes["relationships"])
        ],
        batch_size=BATCH,
    )  # fmt: skip
    pairs = [
        (members[2 * k % n].user_id, members[(2 * k + 1) % n].user_id) for k in range(len(rels))
    ]
    Participant.objects.bulk_create(
        [
            Participant(relationship=r, user_id=uid, role=role)
            for r, (mentor, mentee) in zip(rels, pairs, strict=True)
            for uid, role in ((mentor, "mentor"), (mentee, "mentee"))
        ],
        batch_size=BATCH,
    )
    for start in range(0, sizes["sessions"], 50_000):
        SessionLog.objects.bulk_create(
            [
                SessionLog(
                    relationship=rels[j % len(rels)], occurred_at=now - dt.timedelta(days=j % 300),
                    duration_minutes=60, format="video",
                )
                for j in range(start, min(start + 50_000, sizes["sessions"]))
            ],
            batch_size=BATCH,
        )  # fmt: skip
    sessions = list(SessionLog.objects.values_list("pk", flat=True)[: len(rels)])
    SessionRating.objects.bulk_create(
        [
            SessionRating(session_id=s, user_id=pairs[k][1], rating=rng.randint(1, 5))
            for k, s in enumerate(sessions)
        ],
        batch_size=BATCH,
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(relationship=r, author_id=pairs[k][1], rating=rng.randint(1, 5),
                    meeting_as_agreed="yes", good_fit=rng.random() > 0.1)
            for k, r in enumerate(rels)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    SkillAssessment.objects.bulk_create(
        [
            SkillAssessment(relationship=r, mentee_id=pairs[k][1], assessor_id=pairs[k][1],
                            skill=skills[k % 40], stage=stage, level=level)
            for k, r in enumerate(rels)
            for stage, level in (("start", 2), ("close", rng.randint(2, 5)))
        ],
        batch_size=BATCH,
    )  # fmt: skip
    # What the session and agreement services keep on each relationship as they go.
    rebuild_figures()
    survey = Survey.objects.create(program=program, title="Bench", status="open")
    questions = [
        Question.objects.create(survey=survey, kind="nps", text="NPS"),
        Question.objects.create(survey=survey, kind="scale", text="Scale"),
    ]
    rnd = Round.objects.create(survey=survey, key="bench", closes_at=now)
    responders = users[: sizes["answers"] // 2]
    responses = Response.objects.bulk_create(
        [Response(round=rnd, user=u) for u in responders], batch_size=BATCH
    )
    Answer.objects.bulk_create(
        [
            Answer(response=r, question=q,
                   value=rng.randint(0, 10) if q.kind == "nps" else rng.randint(1, 5))
            for r in responses
            for q in questions
        ],
        batch_size=BATCH,
    )  # fmt: skip


# Pages a coordinator opens, rendered through Django as a browser would fetch them: each
# dashboard section as the fragment the dashboard frame loads, the frame, the equity page
# (each must answer under LIMIT_S), and, for information, the comments browser and the report.
INFO_PAGES = ["comments", "report", "report.pdf"]
LIMIT_S = 1.0


def run_child(quick: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lodestar.accounts.models import User, UserSkill
    from lodestar.feedback.models import Answer
    from lodestar.insights.queries import SECTIONS
    from lodestar.mentoring.models import Participant, Relationship, SessionLog, SkillAssessment
    from lodestar.programs.models import Coordinator, Membership, Program

    sizes = QUICK if quick else FULL
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    seed(sizes)
    seed_s = time.perf_counter() - t
    if connection.vendor == "postgresql":
        # Autovacuum analyzes a table after this many new rows; the planner needs the counts.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    program = Program.objects.get(slug="bench")
    coordinator = User.objects.create_user(email="coordinator@bench.example.org")
    Coordinator.objects.create(program=program, user=coordinator)
    client = Client(SERVER_NAME="127.0.0.1")  # a host the settings allow
    client.force_login(coordinator)
    members = Membership.objects.filter(program=program)
    relationships = Relationship.objects.filter(program=program)
    baselines = {
        "participation": SessionLog.objects.filter(relationship__program=program),
        "funnel": members,
        "retention": relationships,
        "skills": SkillAssessment.objects.filter(relationship__program=program),
        "satisfaction": Answer.objects.filter(question__survey__program=program),
        "load": Participant.objects.filter(relationship__program=program),
        "supply": UserSkill.objects.all(),
        "matching": relationships,
        "frame": members,
        "equity": members,
        "comments": Answer.objects.filter(question__survey__program=program),
        "report": SessionLog.objects.filter(relationship__program=program),
        "report.pdf": SessionLog.objects.filter(relationship__program=program),
    }
    fragment = {"HTTP_HX_REQUEST": "true"}
    pages = {
        key: (reverse("insights:dashboard_section", args=[program.slug, key]), fragment)
        for key in SECTIONS
    }
    pages["frame"] = (reverse("insights:dashboard", args=[program.slug]), {})
    pages["equity"] = (reverse("insights:equity", args=[program.slug]), {})
    pages["comments"] = (reverse("insights:comments", args=[program.slug]), {})
    pages["report"] = (reverse("insights:report", args=[program.slug]), {})
    pages["report.pdf"] = (reverse("insights:report_pdf", args=[program.slug]), {})
    results = {}
    for key, (url, headers) in pages.items():
        assert client.get(url, **headers).status_code == 200  # warm, like a second visit
        baselines[key].count()
        t = time.perf_counter()
        baselines[key].count()
        base_s = time.perf_counter() - t
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url, **headers)
            took = time.perf_counter() - t
        assert response.status_code == 200, (url, response.status_code)
        results[key] = {
            "s": took,
            "baseline_s": base_s,
            "queries": len(ctx.captured_queries),
            "limit_s": None if key in INFO_PAGES else LIMIT_S,
        }
    return {"vendor": connection.vendor, "sizes": sizes, "seed_s": seed_s, "sections": results}


def child(env: dict, quick: bool) -> dict:
    args = [sys.executable, "-m", "benchmarks.dashboards", "--child"] + (
        ["--quick"] if quick else []
    )
    # This module again, as a child, with fixed arguments.
    out = subprocess.run(  # noqa: S603 - see above
        args, env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def base_env(data_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "lodestar.settings", "DATA_DIR": data_dir})
    return env


def postgres_run(admin_url: str, quick: bool) -> dict | str:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    name = f"lodestar_bench_dash_{os.getpid()}"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {admin_url}: {exc}".strip()
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory() as data_dir:
                env = base_env(data_dir)
                env["DATABASE_URL"] = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
                return child(env, quick)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.quick)))
        return 0
    sizes = QUICK if args.quick else FULL
    results: dict[str, dict | str] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        env = base_env(data_dir)
        env["DATABASE_URL"] = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
        results["SQLite"] = child(env, args.quick)
    if args.no_postgres:
        results["PostgreSQL"] = "skipped (--no-postgres)"
    else:
        admin_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        results["PostgreSQL"] = postgres_run(admin_url, args.quick)
    print(
        f"Dashboard benchmark ({'quick' if args.quick else 'full'}): "
        + ", ".join(f"{v:,} {k}" for k, v in sizes.items())
    )
    failed = 0
    for name, r in results.items():
        if isinstance(r, str):
            print(f"SKIP  {name}: {r}")
            continue
        print(f"      {name}: seeded in {r['seed_s']:.0f} s")
        for key, s in r["sections"].items():
            ok = s["limit_s"] is None or s["s"] < s["limit_s"]
            failed += not ok
            ratio = s["s"] / s["baseline_s"] if s["baseline_s"] else float("inf")
            verdict = "INFO" if s["limit_s"] is None else "PASS" if ok else "FAIL"
            print(
                f"{verdict}  {name} {key:<13} {s['s'] * 1000:8.1f} ms "
                f"in {s['queries']:2d} queries; count baseline {s['baseline_s'] * 1000:7.1f} ms; "
                f"ratio {ratio:7.1f}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
