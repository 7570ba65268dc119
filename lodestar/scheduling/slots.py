"""Mutual free slots of a relationship's participants.

The core (`free_starts`, `suggest`) is pure: it takes each person's weekly windows in their own
time zone, the dates they are away and the intervals they are busy, and returns UTC start times.
Windows become UTC intervals day by day with zoneinfo, so a 9:00-12:00 Europe/Paris window is
8:00-11:00 UTC in winter and 7:00-10:00 UTC in summer. `suggest_for` feeds it from the database.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]

DEFAULT_MINUTES = 60
DEFAULT_WEEKS = 4
GRID_MINUTES = 30
MIN_NOTICE = dt.timedelta(hours=12)
LIMIT = 8
PER_DAY = 3


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday, as AvailabilityWindow and date.weekday()
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Person:
    tz: dt.tzinfo
    windows: Sequence[Window]
    away: Sequence[tuple[dt.date, dt.date]] = ()  # inclusive local dates
    busy: Sequence[Interval] = field(default_factory=tuple)  # UTC, end exclusive


def _is_away(day: dt.date, away: Sequence[tuple[dt.date, dt.date]]) -> bool:
    return any(start <= day <= end for start, end in away)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def available(person: Person, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """The person's windows as merged UTC intervals within [start, end), away days removed."""
    by_day: dict[int, list[Window]] = {}
    for w in person.windows:
        by_day.setdefault(w.weekday, []).append(w)
    # One local day of margin each side: the person's day may start before or after UTC's.
    day = start.astimezone(person.tz).date() - dt.timedelta(days=1)
    last = end.astimezone(person.tz).date() + dt.timedelta(days=1)
    out: list[Interval] = []
    while day <= last:
        windows = by_day.get(day.weekday())
        if windows and not _is_away(day, person.away):
            for w in windows:
                # A wall time that does not exist (spring forward) resolves with fold=0 to the
                # offset before the change, so a window inside the gap comes out empty.
                s = dt.datetime.combine(day, w.start, tzinfo=person.tz).astimezone(UTC)
                e = dt.datetime.combine(day, w.end, tzinfo=person.tz).astimezone(UTC)
                s, e = max(s, start), min(e, end)
                if s < e:
                    out.append((s, e))
        day += dt.timedelta(days=1)
    return _merge(out)


def _subtract(free: list[Interval], busy: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = 0
    for start, end in free:
        while i < len(busy) and busy[i][1] <= start:
            i += 1
        j, cursor = i, start
        while j < len(busy) and busy[j][0] < end:
            if busy[j][0] > cursor:
                out.append((cursor, busy[j][0]))
            cursor = max(cursor, busy[j][1])
            j += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def free_intervals(people: Sequence[Person], start: dt.datetime, end: dt.datetime):
    """The UTC intervals within [start, end) when everyone is available and not busy."""
    common: list[Interval] | None = None
    for person in people:
        mine = _subtract(available(person, start, end), _merge(person.busy))
        common = mine if common is None else _intersect(common, mine)
        if not common:
            return []
    return common or []


def _ceil_to_grid(moment: dt.datetime, grid: int) -> dt.datetime:
    moment = moment.replace(second=0, microsecond=0) + (
        dt.timedelta(minutes=1) if moment.second or moment.microsecond else dt.timedelta()
    )
    extra = (moment.hour * 60 + moment.minute) % grid
    return moment + dt.timedelta(minutes=(grid - extra) % grid)


def free_starts(
    people: Sequence[Person],
    start: dt.datetime,
    end: dt.datetime,
    minutes: int = DEFAULT_MINUTES,
    grid: int = GRID_MINUTES,
) -> list[dt.datetime]:
    """Every start on the UTC grid from `start` where a meeting of `minutes` fits before `end`
    for everyone. `grid` divides a day (15, 30, 60)."""
    length, step = dt.timedelta(minutes=minutes), dt.timedelta(minutes=grid)
    out: list[dt.datetime] = []
    for s, e in free_intervals(people, start, end):
        t = _ceil_to_grid(s, grid)
        while t + length <= e:
            out.append(t)
            t += step
    return out


def suggest(
    people: Sequence[Person],
    now: dt.datetime,
    minutes: int = DEFAULT_MINUTES,
    weeks: int = DEFAULT_WEEKS,
    prefer: dt.datetime | None = None,
    limit: int = LIMIT,
    per_day: int = PER_DAY,
    notice: dt.timedelta = MIN_NOTICE,
) -> list[dt.datetime]:
    """The best `limit` starts, in time order.

    Days closest to `prefer` (the next cadence date) come first, the sooner of two equally close
    days first; at most `per_day` starts a day so the choice spreads over several days.
    """
    now = now.astimezone(UTC)
    starts = free_starts(people, now + notice, now + dt.timedelta(weeks=weeks), minutes)
    if not starts:
        return []
    target = max(prefer.astimezone(UTC), now) if prefer is not None else now
    by_day: dict[dt.date, list[dt.datetime]] = {}
    for t in starts:
        by_day.setdefault(t.date(), []).append(t)
    days = sorted(by_day, key=lambda d: (abs((d - target.date()).days), d))
    chosen: list[dt.datetime] = []
    for d in days:
        chosen.extend(by_day[d][:per_day])
        if len(chosen) >= limit:
            break
    return sorted(chosen[:limit])


def zone(name: str) -> zoneinfo.ZoneInfo:
    """A member's zone; a blank or unknown name falls back to the site's."""
    from django.conf import settings

    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# From the database -------------------------------------------------------------------------


def meeting_minutes(relationship, agreement=None) -> int:
    agreement = agreement if agreement is not None else agreement_in_force(relationship)
    return agreement.meeting_minutes if agreement is not None else DEFAULT_MINUTES


def agreement_in_force(relationship):
    return (
        relationship.agreements.filter(accepted_at__isnull=False)
        .order_by("-version")
        .only("cadence_days", "meeting_minutes", "accepted_at")
        .first()
    )


def next_cadence_date(relationship, agreement) -> dt.datetime | None:
    """The last session or accepted meeting plus the agreed cadence, or None."""
    from django.db.models import Max

    from .models import Meeting

    if agreement is None:
        return None
    last_session = relationship.sessions.aggregate(m=Max("occurred_at"))["m"]
    last_meeting = Meeting.objects.filter(
        relationship=relationship, status=Meeting.Status.ACCEPTED
    ).aggregate(m=Max("starts_at"))["m"]
    last = max((d for d in (last_session, last_meeting) if d is not None), default=None)
    return None if last is None else last + dt.timedelta(days=agreement.cadence_days)


def busy_intervals(
    user_ids: Sequence[int], start: dt.datetime, end: dt.datetime, exclude_meeting=None
) -> dict[int, list[Interval]]:
    """Each person's proposed or accepted meetings (any relationship), office-hour bookings and
    events they go to, overlapping [start, end)."""
    from .models import Attendee, Booking, Meeting, Rsvp

    # The longest meeting is 10 hours (events): anything starting earlier cannot overlap.
    since = start - dt.timedelta(hours=10)
    busy: dict[int, list[Interval]] = {uid: [] for uid in user_ids}
    meetings = Meeting.objects.filter(
        relationship__participants__user__in=user_ids,
        status__in=[Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED],
        starts_at__gte=since,
        starts_at__lt=end,
    )
    if exclude_meeting is not None:
        meetings = meetings.exclude(pk=exclude_meeting.pk)
    rows = list(
        meetings.values_list(
            "pk", "starts_at", "duration_minutes", "relationship__participants__user"
        )
    )
    # Someone who declined a group meeting is free then.
    declined = set()
    if rows:
        declined = set(
            Attendee.objects.filter(
                meeting__in={r[0] for r in rows}, response=Attendee.Response.DECLINED
            ).values_list("meeting_id", "user_id")
        )
    for pk, starts_at, minutes, uid in rows:
        if (pk, uid) not in declined:
            busy[uid].append((starts_at, starts_at + dt.timedelta(minutes=minutes)))
    for uid, starts_at, minutes in Booking.objects.filter(
        user__in=user_ids,
        status=Booking.Status.BOOKED,
        slot__starts_at__gte=since,
        slot__starts_at__lt=end,
    ).values_list("user", "slot__starts_at", "slot__duration_minutes"):
        busy[uid].append((starts_at, starts_at + dt.timedelta(minutes=minutes)))
    for uid, starts_at, minutes in Rsvp.objects.filter(
        user__in=user_ids,
        status=Rsvp.Status.GOING,
        event__status="scheduled",
        event__starts_at__gte=since,
        event__starts_at__lt=end,
    ).values_list("user", "event__starts_at", "event__duration_minutes"):
        busy[uid].append((starts_at, starts_at + dt.timedelta(minutes=minutes)))
    return busy


def people_of(
    users: Sequence, start: dt.datetime, end: dt.datetime, exclude_meeting=None
) -> list[Person]:
    from lodestar.accounts.models import AvailabilityWindow

    from .models import AwayPeriod

    ids = [u.pk for u in users]
    windows: dict[int, list[Window]] = {uid: [] for uid in ids}
    for uid, weekday, s, e in AvailabilityWindow.objects.filter(user__in=ids).values_list(
        "user", "weekday", "start", "end"
    ):
        windows[uid].append(Window(weekday, s, e))
    away: dict[int, list[tuple[dt.date, dt.date]]] = {uid: [] for uid in ids}
    for uid, s, e in AwayPeriod.objects.filter(
        user__in=ids,
        ends_on__gte=start.date() - dt.timedelta(days=1),
        starts_on__lte=end.date() + dt.timedelta(days=1),
    ).values_list("user", "starts_on", "ends_on"):
        away[uid].append((s, e))
    busy = busy_intervals(ids, start, end, exclude_meeting)
    return [Person(zone(u.time_zone), windows[u.pk], away[u.pk], busy[u.pk]) for u in users]


def suggest_for(
    relationship,
    now: dt.datetime | None = None,
    weeks: int = DEFAULT_WEEKS,
    limit: int = LIMIT,
    minutes: int | None = None,
    exclude_meeting=None,
) -> list[dt.datetime]:
    """The next mutual free slots of a relationship's participants (UTC starts)."""
    from django.utils import timezone

    now = now or timezone.now()
    agreement = agreement_in_force(relationship)
    minutes = minutes or meeting_minutes(relationship, agreement)
    users = [p.user for p in relationship.participants.all()]
    people = people_of(users, now, now + dt.timedelta(weeks=weeks), exclude_meeting)
    prefer = next_cadence_date(relationship, agreement)
    return suggest(people, now, minutes=minutes, weeks=weeks, prefer=prefer, limit=limit)
