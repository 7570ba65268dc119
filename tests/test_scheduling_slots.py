"""The slot search: pure core (time zones, DST, away days, busy times, ranking) and the
database wrapper. Dates are fixed and `now` is passed explicitly."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.slot_search import naive_free_starts, realistic_pair
from lodestar.accounts.models import AvailabilityWindow
from lodestar.mentoring.models import Agreement, Relationship, SessionLog
from lodestar.scheduling import slots
from lodestar.scheduling.models import AwayPeriod, Meeting
from lodestar.scheduling.slots import Person, Window, available, free_starts, suggest

UTC = dt.UTC
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def every_day(start: int, end: int) -> list[Window]:
    return [Window(d, dt.time(start), dt.time(end)) for d in range(7)]


def day_interval(person: Person, day: dt.date):
    start = dt.datetime.combine(day, dt.time(), tzinfo=UTC)
    return available(person, start, start + dt.timedelta(days=1))


# Time zones and DST ------------------------------------------------------------------------


def test_a_paris_morning_is_8_to_11_utc_in_winter_and_7_to_10_in_summer():
    paris = Person(PARIS, every_day(9, 12))
    assert day_interval(paris, dt.date(2026, 1, 15)) == [
        (utc(2026, 1, 15, 8), utc(2026, 1, 15, 11))
    ]
    assert day_interval(paris, dt.date(2026, 7, 15)) == [
        (utc(2026, 7, 15, 7), utc(2026, 7, 15, 10))
    ]


def test_europe_spring_forward_moves_the_window_one_hour_earlier_in_utc():
    # Europe changes on the last Sunday of March: 29 March 2026.
    paris = Person(PARIS, every_day(9, 12))
    assert day_interval(paris, dt.date(2026, 3, 28))[0][0] == utc(2026, 3, 28, 8)
    assert day_interval(paris, dt.date(2026, 3, 29))[0][0] == utc(2026, 3, 29, 7)


def test_europe_fall_back_and_a_window_inside_the_repeated_hour():
    # Last Sunday of October 2026: the 25th; 2:00-3:00 local happens twice.
    paris = Person(PARIS, [Window(6, dt.time(2), dt.time(3)), Window(6, dt.time(9), dt.time(12))])
    got = day_interval(paris, dt.date(2026, 10, 25))
    # 2:00 CEST is 0:00 UTC, 3:00 CET is 2:00 UTC: the window lasts two hours that night.
    assert got == [
        (utc(2026, 10, 25, 0), utc(2026, 10, 25, 2)),
        (utc(2026, 10, 25, 8), utc(2026, 10, 25, 11)),
    ]
    assert day_interval(paris, dt.date(2026, 10, 18))[-1] == (
        utc(2026, 10, 18, 7),
        utc(2026, 10, 18, 10),
    )


def test_a_window_inside_the_spring_forward_gap_offers_nothing():
    paris = Person(PARIS, [Window(6, dt.time(2, 0), dt.time(3, 0))])
    assert day_interval(paris, dt.date(2026, 3, 29)) == []


def test_america_changes_on_its_own_sundays():
    ny = Person(NEW_YORK, every_day(9, 12))
    # Second Sunday of March 2026 (the 8th) and first Sunday of November (the 1st).
    assert day_interval(ny, dt.date(2026, 3, 7))[0][0] == utc(2026, 3, 7, 14)
    assert day_interval(ny, dt.date(2026, 3, 8))[0][0] == utc(2026, 3, 8, 13)
    assert day_interval(ny, dt.date(2026, 10, 31))[0][0] == utc(2026, 10, 31, 13)
    assert day_interval(ny, dt.date(2026, 11, 1))[0][0] == utc(2026, 11, 1, 14)


def test_paris_and_new_york_overlap_changes_between_the_two_dst_dates():
    """Paris 14:00-18:00 and New York 9:00-12:00 share one hour normally, two hours in the
    weeks when America has changed and Europe not yet."""
    paris = Person(PARIS, every_day(14, 18))
    ny = Person(NEW_YORK, every_day(9, 12))
    now = utc(2026, 3, 1, 0)
    starts = free_starts([paris, ny], now, now + dt.timedelta(days=40), minutes=60)
    per_day: dict[dt.date, list[dt.datetime]] = {}
    for s in starts:
        per_day.setdefault(s.date(), []).append(s)
    # Before 8 March: Paris 13-17 UTC, NY 14-17 UTC -> 14:00..16:00 starts (3 hours shared).
    assert per_day[dt.date(2026, 3, 5)] == [
        utc(2026, 3, 5, 14),
        utc(2026, 3, 5, 14, 30),
        utc(2026, 3, 5, 15),
        utc(2026, 3, 5, 15, 30),
        utc(2026, 3, 5, 16),
    ]
    # 8-28 March: NY 13-16 UTC, Paris 13-17 UTC -> 13:00..15:00 starts.
    assert per_day[dt.date(2026, 3, 15)][0] == utc(2026, 3, 15, 13)
    assert per_day[dt.date(2026, 3, 15)][-1] == utc(2026, 3, 15, 15)
    # From 29 March: Paris 12-16 UTC, NY 13-16 UTC.
    assert per_day[dt.date(2026, 4, 2)][0] == utc(2026, 4, 2, 13)
    assert per_day[dt.date(2026, 4, 2)][-1] == utc(2026, 4, 2, 15)


# Busy, away, grid, notice ------------------------------------------------------------------


def test_busy_times_and_away_days_are_left_out():
    monday = dt.date(2026, 2, 2)
    a = Person(UTC, every_day(9, 12), busy=[(utc(2026, 2, 2, 10), utc(2026, 2, 2, 10, 45))])
    b = Person(UTC, every_day(9, 12), away=[(monday + dt.timedelta(1), monday + dt.timedelta(1))])
    starts = free_starts([a, b], utc(2026, 2, 2), utc(2026, 2, 4, 23), minutes=60)
    on = {d: [s.time() for s in starts if s.date() == d] for d in {s.date() for s in starts}}
    # Monday: 9:00 fits before the busy 10:00; 11:00 after it (10:45 is off the grid).
    assert on[monday] == [dt.time(9), dt.time(11)]
    assert monday + dt.timedelta(1) not in on  # b is away on Tuesday
    assert on[monday + dt.timedelta(2)] == [
        dt.time(9),
        dt.time(9, 30),
        dt.time(10),
        dt.time(10, 30),
        dt.time(11),
    ]


def test_suggest_keeps_the_notice_and_the_agreed_length():
    a, b = Person(UTC, every_day(9, 12)), Person(UTC, every_day(10, 17))
    now = utc(2026, 2, 2, 8)
    got = suggest([a, b], now, minutes=90)
    assert got and all(s >= now + dt.timedelta(hours=12) for s in got)
    assert all(
        dt.time(10) <= s.time() and s + dt.timedelta(minutes=90) <= s.replace(hour=12) for s in got
    )
    assert got == sorted(got) and len(got) == slots.LIMIT


def test_suggest_prefers_days_around_the_cadence_date():
    a = b = Person(UTC, every_day(9, 12))
    now = utc(2026, 2, 2, 8)
    prefer = utc(2026, 2, 16, 9)
    got = suggest([a, b], now, prefer=prefer, limit=6)
    days = {s.date() for s in got}
    assert dt.date(2026, 2, 16) in days
    assert all(abs((d - prefer.date()).days) <= 1 for d in days)
    # Without a preference, the soonest days come first.
    assert min(suggest([a, b], now, limit=3)).date() == dt.date(2026, 2, 3)


def test_nobody_free_gives_no_slots():
    assert (
        suggest([Person(UTC, every_day(9, 10)), Person(UTC, every_day(14, 15))], utc(2026, 2, 2))
        == []
    )
    assert suggest([Person(UTC, []), Person(UTC, every_day(9, 12))], utc(2026, 2, 2)) == []


def test_matches_the_naive_minute_scan_on_a_realistic_pair():
    people = realistic_pair(seed=3)
    start, end = utc(2026, 3, 20, 7, 13), utc(2026, 4, 3)
    assert free_starts(people, start, end) == naive_free_starts(people, start, end)


@settings(max_examples=25, deadline=None)
@given(
    tz=st.sampled_from(["Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"]),
    windows=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 46), st.integers(1, 12)), max_size=6
    ),
    busy=st.lists(st.tuples(st.integers(0, 6 * 48), st.integers(1, 6)), max_size=4),
    minutes=st.sampled_from([30, 60, 90]),
)
def test_interval_search_equals_the_minute_scan(tz, windows, busy, minutes):
    start = utc(2026, 3, 27, 5, 7)  # across the European spring change
    end = start + dt.timedelta(days=4)
    ws = [
        Window(d, dt.time(h // 2, 30 * (h % 2)), dt.time(min(23, h // 2 + n), 30 * (h % 2)))
        for d, h, n in windows
        if min(23, h // 2 + n) > h // 2
    ]
    bs = [
        (start + dt.timedelta(minutes=30 * s), start + dt.timedelta(minutes=30 * (s + n)))
        for s, n in busy
    ]
    people = [Person(zoneinfo.ZoneInfo(tz), ws, busy=bs), Person(PARIS, every_day(6, 22))]
    assert free_starts(people, start, end, minutes) == naive_free_starts(
        people, start, end, minutes
    )


# From the database -------------------------------------------------------------------------


def add_windows(user, tz: str, start: int, end: int) -> None:
    user.time_zone = tz
    user.save(update_fields=["time_zone"])
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(user=user, weekday=d, start=dt.time(start), end=dt.time(end))
        for d in range(7)
    )


@pytest.mark.django_db
def test_suggest_for_reads_windows_away_meetings_and_the_agreement(
    relationship, mentor, mentee, other_mentor
):
    now = utc(2026, 3, 2, 6)
    add_windows(mentor, "Europe/Paris", 9, 12)  # 8-11 UTC in March
    add_windows(mentee, "Europe/London", 8, 11)  # 8-11 UTC
    Agreement.objects.create(
        relationship=relationship,
        version=1,
        objectives="o",
        success_measures="s",
        starts_on=now.date(),
        ends_on=now.date() + dt.timedelta(100),
        cadence="weekly",
        cadence_days=7,
        meeting_minutes=90,
        accepted_at=now,
    )
    SessionLog.objects.create(
        relationship=relationship,
        occurred_at=utc(2026, 2, 28, 9),
        duration_minutes=60,
        format="video",
    )
    # The mentee is away the days around the cadence date (7 March) but the 9th.
    AwayPeriod.objects.create(
        user=mentee, starts_on=dt.date(2026, 3, 6), ends_on=dt.date(2026, 3, 8)
    )
    # The mentor has a meeting in another relationship on 9 March at 8:00 UTC.
    theirs = other_mentor.relationship_roles.get().relationship
    theirs.participants.create(user=mentor, role="mentor")
    Meeting.objects.create(
        relationship=theirs,
        starts_at=utc(2026, 3, 9, 8),
        duration_minutes=60,
        format="video",
        status=Meeting.Status.ACCEPTED,
    )
    got = slots.suggest_for(relationship, now=now)
    assert got
    assert all(
        s.date() not in {dt.date(2026, 3, 6), dt.date(2026, 3, 7), dt.date(2026, 3, 8)} for s in got
    )
    assert all(s + dt.timedelta(minutes=90) <= s.replace(hour=11) for s in got)
    on_9th = [s for s in got if s.date() == dt.date(2026, 3, 9)]
    assert on_9th == [utc(2026, 3, 9, 9), utc(2026, 3, 9, 9, 30)]
    # The closest days to 7 March come first: the 5th and the 9th.
    assert {s.date() for s in got} >= {dt.date(2026, 3, 5), dt.date(2026, 3, 9)}


@pytest.mark.django_db
def test_suggest_for_runs_in_a_few_queries(
    relationship, mentor, mentee, django_assert_max_num_queries
):
    add_windows(mentor, "Europe/Paris", 9, 12)
    add_windows(mentee, "America/New_York", 6, 9)
    # As the views load it: with its participants.
    relationship = Relationship.objects.prefetch_related("participants__user").get(
        pk=relationship.pk
    )
    Meeting.objects.create(
        relationship=relationship, starts_at=utc(2026, 3, 3, 8), duration_minutes=60, format="video"
    )
    with django_assert_max_num_queries(9):
        got = slots.suggest_for(relationship, now=utc(2026, 3, 2, 6))
    assert got
