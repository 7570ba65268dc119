"""Weekly availability windows in local time zones, laid on one UTC grid of 168 hours.

An hour of the UTC week counts as available when a window covers at least 30 minutes of it;
overlap between two people is then the number of hours both have, per week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .model import Person

HOURS_PER_WEEK = 168
_MINUTES_PER_WEEK = HOURS_PER_WEEK * 60


def reference_monday(today: dt.date | None = None) -> dt.date:
    """The Monday of the week whose UTC offsets apply (daylight saving time differs by week)."""
    today = today or dt.datetime.now(dt.UTC).date()
    return today - dt.timedelta(days=today.weekday())


@cache
def _offset_minutes(zone: str, monday: dt.date, weekday: int) -> int:
    try:
        tz = ZoneInfo(zone) if zone else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    noon = dt.datetime.combine(monday + dt.timedelta(days=weekday), dt.time(12), tzinfo=tz)
    offset = noon.utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds() // 60)


@cache
def _minutes(value: str | dt.time) -> int:
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    hours, _, minutes = str(value).partition(":")
    return int(hours) * 60 + int(minutes or 0)


def hour_grid(people: Sequence[Person], monday: dt.date | None = None) -> np.ndarray:
    """A (len(people), 168) float32 matrix of 0/1: available in that UTC hour of the week."""
    monday = monday or reference_monday()
    owner, start, length = [], [], []
    for index, person in enumerate(people):
        for window in person.availability:
            begin, end = _minutes(window.start), _minutes(window.end)
            if end <= begin:
                continue
            offset = _offset_minutes(person.time_zone, monday, window.weekday % 7)
            owner.append(index)
            start.append((window.weekday % 7) * 1440 + begin - offset)
            length.append(end - begin)
    grid = np.zeros((len(people), HOURS_PER_WEEK), dtype=np.float32)
    if not owner:
        return grid
    a = np.asarray(start, dtype=np.int64) % _MINUTES_PER_WEEK
    d = np.asarray(length, dtype=np.int64)
    who = np.asarray(owner, dtype=np.int64)
    # A window lasts less than a day, so it touches at most 25 hours of the grid.
    hour = a[:, None] // 60 + np.arange(25)[None, :]
    covered = np.minimum(a[:, None] + d[:, None], hour * 60 + 60) - np.maximum(
        a[:, None], hour * 60
    )
    keep = covered >= 30
    grid[np.broadcast_to(who[:, None], hour.shape)[keep], hour[keep] % HOURS_PER_WEEK] = 1.0
    return grid


def overlap_hours(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))
