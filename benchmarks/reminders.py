"""Reminder job benchmark: `python -m benchmarks.reminders` (full) or `--quick` (small sizes).

A program with 20,000 members (10,000 pairs) and 50,000 upcoming accepted meetings spread over
the next ten days; the 24-hour reminder job sends what is due (about a tenth), once on SQLite
and once on PostgreSQL, each in a child process on a fresh, migrated database. Side by side in
the same run, the baseline: a plain loop that loads the same meetings and only renders the same
e-mails with render_to_string, without the ledger, the notifications or the queue. Printed:
reminders per second, the ratio job time / baseline time, and the checks that no reminder went
out twice and none was missed (a second run sends nothing).

PostgreSQL: a temporary database is created and dropped through BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/postgres); the run is skipped when it does not answer. The
e-mail jobs go to a Huey SQLite queue in a temporary directory in both runs (never to Redis), so
the figures compare the databases, not the queues.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

FULL = {"members": 20_000, "meetings": 50_000}
QUICK = {"members": 2_000, "meetings": 5_000}
SPREAD_HOURS = 240


def seed(members: int, meetings: int, now: dt.datetime) -> int:
    """Bulk-create the program; return how many 24-hour reminders are due at `now`."""
    from lodestar.accounts.models import Profile, User
    from lodestar.mentoring.models import Participant, Relationship
    from lodestar.programs.models import Cohort, Membership, Program, Role, Track
    from lodestar.scheduling.models import Attendee, Meeting

    program = Program.objects.create(name="Bench", slug="bench", status="running")
    today = now.date()
    cohort = Cohort.objects.create(
        program=program,
        name="Bench",
        applications_open=today,
        applications_close=today,
        starts_on=today,
        ends_on=today + dt.timedelta(days=200),
    )
    track = Track.objects.create(program=program, name="Bench", kind=Track.Kind.INTERMEDIATE)
    size = 2000
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example.org") for i in range(members)],
        batch_size=size,
    )
    Profile.objects.bulk_create(
        [Profile(user=u, display_name=f"Member {i}") for i, u in enumerate(users)], batch_size=size
    )
    pairs = members // 2
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                program=program,
                cohort=cohort,
                track=track,
                role=Role.MENTOR if i % 2 == 0 else Role.MENTEE,
                status="active",
            )
            for i, u in enumerate(users)
        ],
        batch_size=size,
    )
    relationships = Relationship.objects.bulk_create(
        [Relationship(program=program, cohort=cohort, track=track) for _ in range(pairs)],
        batch_size=size,
    )
    Participant.objects.bulk_create(
        [
            Participant(relationship=r, user=users[2 * k + (role == "mentee")], role=role)
            for k, r in enumerate(relationships)
            for role in ("mentor", "mentee")
        ],
        batch_size=size,
    )
    step = SPREAD_HOURS * 3600 / meetings
    rows = [
        Meeting(
            relationship=relationships[j % pairs],
            proposed_by=users[2 * (j % pairs)],
            starts_at=now + dt.timedelta(seconds=60 + j * step),
            duration_minutes=60,
            format="video",
            location="https://meet.example.org/bench",
            status=Meeting.Status.ACCEPTED,
        )
        for j in range(meetings)
    ]
    Meeting.objects.bulk_create(rows, batch_size=size)
    Attendee.objects.bulk_create(
        [
            Attendee(
                meeting=m, user=users[2 * (j % pairs) + 1], response=Attendee.Response.ACCEPTED
            )
            for j, m in enumerate(rows)
        ],
        batch_size=size,
    )
    low, high = now + dt.timedelta(hours=1), now + dt.timedelta(hours=24)
    return 2 * sum(low < m.starts_at <= high for m in rows)


def run_child(quick: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.utils import timezone

    from lodestar.notifications.models import Notification
    from lodestar.scheduling import reminders
    from lodestar.scheduling.models import SentReminder

    sizes = QUICK if quick else FULL
    call_command("migrate", verbosity=0)
    now = timezone.now()
    t = time.perf_counter()
    expected = seed(sizes["members"], sizes["meetings"], now)
    seed_s = time.perf_counter() - t

    # Baseline: the same meetings, the same contexts, rendered and nothing else.
    t = time.perf_counter()
    rendered = 0
    for batch in reminders.due_meeting_reminders(now, "24h"):
        for meeting in batch:
            key = f"meeting:{meeting.pk}:24h:{meeting.sequence}"
            for item in reminders._meeting_items(meeting, key, "reminder_meeting_24h"):
                context = {**item.context, "user": item.user, "url": item.url}
                render_to_string(f"notifications/{item.kind}_subject.txt", context)
                render_to_string(f"notifications/{item.kind}_body.txt", context)
                rendered += 1
    baseline_s = time.perf_counter() - t

    t = time.perf_counter()
    sent = reminders.send_meeting_reminders(now, leads=("24h",))
    job_s = time.perf_counter() - t
    t = time.perf_counter()
    again = reminders.send_meeting_reminders(now, leads=("24h",))
    rerun_s = time.perf_counter() - t

    ledger = SentReminder.objects.count()
    distinct = SentReminder.objects.values("user_id", "key").distinct().count()
    notifications = Notification.objects.filter(kind="reminder_meeting_24h").count()
    return {
        "vendor": connection.vendor,
        "members": sizes["members"],
        "meetings": sizes["meetings"],
        "expected": expected,
        "rendered": rendered,
        "sent": sent,
        "again": again,
        "ledger": ledger,
        "distinct": distinct,
        "notifications": notifications,
        "seed_s": seed_s,
        "baseline_s": baseline_s,
        "job_s": job_s,
        "rerun_s": rerun_s,
    }


def child(env: dict, quick: bool) -> dict:
    args = [sys.executable, "-m", "benchmarks.reminders", "--child"] + (
        ["--quick"] if quick else []
    )
    out = subprocess.run(  # noqa: S603 - this module, fixed arguments
        args, env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def base_env(data_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lodestar.settings",
            "DATA_DIR": data_dir,
            "EMAIL_URL": "locmem://",
        }
    )
    return env


def postgres_run(admin_url: str, quick: bool) -> dict | str:
    import psycopg

    name = f"lodestar_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {admin_url}: {exc}".strip()
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory() as data_dir:
                env = base_env(data_dir)
                parts = urlsplit(admin_url)
                env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
                return child(env, quick)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check(r: dict) -> bool:
    n = r["expected"]
    return (
        n > 0
        and r["sent"] == r["ledger"] == r["distinct"] == r["notifications"] == r["rendered"] == n
        and r["again"] == 0
    )


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
        f"Reminder job benchmark ({'quick' if args.quick else 'full'}): "
        f"{sizes['members']:,} members, {sizes['meetings']:,} upcoming meetings, "
        "24-hour reminders due now"
    )
    failed = 0
    for name, r in results.items():
        if isinstance(r, str):
            print(f"SKIP  {name}: {r}")
            continue
        ok = check(r)
        failed += not ok
        print(
            f"{'PASS' if ok else 'FAIL'}  {name}: {r['sent']:,} reminders in {r['job_s']:.2f} s = "
            f"{r['sent'] / r['job_s']:,.0f}/s; baseline (render only) {r['baseline_s']:.2f} s = "
            f"{r['rendered'] / r['baseline_s']:,.0f}/s; ratio job/baseline "
            f"{r['job_s'] / r['baseline_s']:.2f}; re-run sent {r['again']} in "
            f"{r['rerun_s']:.2f} s; expected {r['expected']:,}, ledger {r['ledger']:,} "
            f"(distinct {r['distinct']:,}), notifications {r['notifications']:,}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
