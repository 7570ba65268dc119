"""Slot search benchmark: `python -m benchmarks.slot_search` (add `--quick` for fewer runs).

Issue 7 asks for a pair's mutual free slots over the next 4 weeks "well under 50 ms". The
interval search of `lodestar.scheduling.slots` runs side by side with a naive baseline that
checks every minute of the 4 weeks for everyone, on the same inputs; both must find the same
starts. Pass `--db` to also time the database wrapper (`suggest_for`) on a throwaway SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import zoneinfo

from lodestar.scheduling.slots import Person, Window, free_starts, suggest

BUDGET_MS = 50.0
NOW = dt.datetime(2026, 3, 16, 9, 17, tzinfo=dt.UTC)  # four weeks crossing both DST changes


def naive_free_starts(
    people: list[Person], start: dt.datetime, end: dt.datetime, minutes: int = 60, grid: int = 30
) -> list[dt.datetime]:
    """Minute by minute: is each person inside a window, not away, not busy?"""

    def free(person: Person, moment: dt.datetime) -> bool:
        local = moment.astimezone(person.tz)
        day, wall = local.date(), local.time().replace(tzinfo=None, fold=0)
        if any(a <= day <= b for a, b in person.away):
            return False
        if any(s <= moment < e for s, e in person.busy):
            return False
        return any(w.weekday == day.weekday() and w.start <= wall < w.end for w in person.windows)

    step = dt.timedelta(minutes=1)
    total = int((end - start) / step)
    ok = [all(free(p, start + i * step) for p in people) for i in range(total)]
    out = []
    for i in range(total - minutes + 1):
        t = start + i * step
        if t.second == 0 and (t.hour * 60 + t.minute) % grid == 0 and all(ok[i : i + minutes]):
            out.append(t)
    return out


def realistic_pair(seed: int = 1, now: dt.datetime = NOW) -> list[Person]:
    """A mentor in Paris and a mentee in New York with evening and lunch windows, one away
    week, and a dozen meetings each over the four weeks."""
    rng = random.Random(seed)
    people = []
    for tz, slots in (
        ("Europe/Paris", [(dt.time(12), dt.time(14)), (dt.time(17), dt.time(21))]),
        ("America/New_York", [(dt.time(8), dt.time(10)), (dt.time(12), dt.time(15))]),
    ):
        windows = [
            Window(d, s, e) for d in range(7) for s, e in slots if d < 5 or rng.random() < 0.5
        ]
        away_from = now.date() + dt.timedelta(days=rng.randrange(5, 20))
        busy = []
        for _ in range(12):
            s = now + dt.timedelta(minutes=30 * rng.randrange(0, 2 * 24 * 28))
            busy.append((s, s + dt.timedelta(minutes=rng.choice([30, 60, 90]))))
        people.append(
            Person(zoneinfo.ZoneInfo(tz), windows, [(away_from, away_from + dt.timedelta(6))], busy)
        )
    return people


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def db_case(runs: int) -> float:
    """Time `suggest_for` on a relationship in a throwaway SQLite database (migrated first)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lodestar.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        from lodestar.accounts.models import AvailabilityWindow
        from lodestar.mentoring.services import create_relationship
        from lodestar.programs import services
        from lodestar.programs.models import Cohort, Program, Track
        from lodestar.scheduling.slots import suggest_for
        from tests.conftest import make_user

        coordinator = make_user("c@example.org")
        program = services.create_program(
            coordinator, name="Bench", slug="bench", status=Program.ProgramStatus.OPEN
        )
        cohort = Cohort.objects.create(
            program=program,
            name="C",
            applications_open=NOW.date(),
            applications_close=NOW.date(),
            starts_on=NOW.date(),
            ends_on=NOW.date() + dt.timedelta(200),
        )
        mentor, mentee = make_user("m@example.org"), make_user("e@example.org")
        for user, (tz, person) in zip(
            (mentor, mentee),
            zip(("Europe/Paris", "America/New_York"), realistic_pair(), strict=True),
            strict=True,
        ):
            user.time_zone = tz
            user.save(update_fields=["time_zone"])
            AvailabilityWindow.objects.bulk_create(
                AvailabilityWindow(user=user, weekday=w.weekday, start=w.start, end=w.end)
                for w in person.windows
            )
        rel = create_relationship(
            cohort, program.tracks.get(kind=Track.Kind.INTERMEDIATE), [mentor], [mentee], None
        )
        rel = type(rel).objects.prefetch_related("participants__user").get(pk=rel.pk)
        ms, _ = timed(lambda: suggest_for(rel, now=NOW), runs)
        return ms
    finally:
        runner.teardown_databases(old)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", action="store_true", help="also time the database wrapper")
    args = parser.parse_args()
    runs, naive_runs = (20, 1) if args.quick else (200, 3)
    people = realistic_pair()
    start, end = NOW + dt.timedelta(hours=12), NOW + dt.timedelta(weeks=4)
    fast_ms, fast = timed(lambda: free_starts(people, start, end), runs)
    suggest_ms, picked = timed(lambda: suggest(people, NOW), runs)
    naive_ms, slow = timed(lambda: naive_free_starts(people, start, end), naive_runs)
    same = fast == slow
    ok = same and suggest_ms < BUDGET_MS
    print(f"Slot search benchmark ({'quick' if args.quick else 'full'}): a pair over 4 weeks")
    print(f"  interval search (all starts):  {fast_ms:8.3f} ms  ({len(fast)} starts)")
    print(f"  suggest (ranked, first {len(picked)}):  {suggest_ms:8.3f} ms")
    print(f"  naive minute-by-minute scan:  {naive_ms:8.1f} ms  ({len(slow)} starts)")
    print(f"  ratio naive / interval: {naive_ms / fast_ms:,.0f}x   same starts: {same}", flush=True)
    if args.db:
        db_ms = db_case(20 if args.quick else 100)
        ok = ok and db_ms < BUDGET_MS
        print(f"  suggest_for (database, SQLite): {db_ms:8.3f} ms")
    print(f"{'PASS' if ok else 'FAIL'}  under {BUDGET_MS:.0f} ms and identical to the baseline")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
