"""Demo scheduling (called by seed_demo once the relationships and their histories exist):
meetings for the open relationships, office hours with bookings, program events with answers
and attendance, a speed mentoring rotation, and one mentor's away dates.

Rows are written straight to the tables, because every service notifies people (with calendar
invitations), but the services' rules hold: meeting times come from the slot search over each
person's weekly windows, away dates and what they already have on, so nobody is double-booked
or asked to meet while away; meetings last 15 to 240 minutes and start within the next year;
everyone but the proposer is an attendee, and the status follows their answers; `slot.booked`
and `event.going` count the active bookings and RSVPs, within capacity; the rotation is the
one `speed.build_rotation` would build. Every choice comes from the seed's generator and every
time is relative to now.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch
from django.utils import timezone

from lodestar.accounts.models import AvailabilityWindow, User
from lodestar.core.models import AuditLog
from lodestar.core.seeding import keep_timestamps
from lodestar.mentoring.models import Agreement, Goal, Participant, Relationship, SessionLog
from lodestar.mentoring.states import Status as RelStatus
from lodestar.programs.models import Cohort, Coordinator, Membership, Program, Role
from lodestar.programs.states import ADMITTED_STATUSES
from lodestar.programs.states import Status as MemberStatus

from . import slots
from .models import (
    Attendee,
    AwayPeriod,
    Booking,
    Event,
    Format,
    Meeting,
    OfficeHours,
    OfficeHourSlot,
    Rsvp,
    SpeedRound,
)
from .office_hours import WeeklyPattern

DEMO_MENTOR = "mentor@demo.lodestar.test"
DEMO_MENTEE = "mentee@demo.lodestar.test"
UTC = dt.UTC
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
UPCOMING_SHARE = 0.7  # of the other active relationships, those with a meeting booked
FIRST_MEETING_SHARE = 0.5  # of the proposed relationships, those with a first meeting proposed
PAST_MEETING_SHARE = 0.6  # of the recent sessions, those booked as a meeting beforehand
Interval = tuple[dt.datetime, dt.datetime]

AGENDAS = [
    "Catch up since last time, then the next milestone.",
    "1. What went well this week\n2. Where I got stuck\n3. Plan for the next two weeks",
    "Review the draft together and agree what to change.",
    "Mock interview, then feedback.",
    "Look at a real example from work and talk it through.",
    "Check-in on the goals; choose one to focus on this month.",
    "",
]
GROUP_AGENDAS = [
    "Round of updates (5 minutes each), then this week's topic.",
    "Practice session: two people present, the others give feedback.",
    "Shared reading: bring one idea you want to try.",
]
DEMO_AGENDA = (
    "1. Walk through the first version of the sales dashboard\n"
    "2. SQL: the window function that double-counts returns\n"
    "3. Plan the slides for the monthly review"
)
DEMO_NEXT_AGENDA = "Dry run of the monthly review presentation, then feedback."
DECLINES = [
    "That week is our team offsite. Could we move it a little?",
    "Sorry, I have a clash then. How about this instead?",
]
CANCELS = [
    "Sorry, I have to travel for work that week. I will propose another time.",
    "I am unwell and would rather rest. Let's find another day.",
    "Something urgent came up at work, apologies. Booking a new time now.",
]
AWAY_NOTES = [
    "At a conference, then a few days off. Back on the date above.",
    "Family visit; no calls while I am away.",
    "Annual leave. Messages will wait until I am back.",
]
BOOKING_TOPICS = {
    "clinic": [
        "A GROUP BY that returns more rows than I expect.",
        "Is a t-test the right thing for my A/B results?",
        "How to read the confidence interval in my report.",
        "Speeding up a slow join on two big tables.",
        "",
    ],
    "team": [
        "Question about the midpoint check-in.",
        "My mentor and I are struggling to find times to meet.",
        "Can I join a workshop from another cohort?",
        "",
    ],
    "portfolio": [
        "Feedback on my CV before I apply for an analyst role.",
        "Which of my projects should go first in my portfolio?",
        "My GitHub profile: what would a hiring manager look for?",
        "",
    ],
    "leadership": [
        "A hard conversation with a team member about missed deadlines.",
        "How to say no to my manager without sounding difficult.",
        "Delegating the work I actually enjoy.",
        "",
    ],
}
DEMO_TOPIC = "My first dashboard for the monthly review: is it clear enough for my portfolio?"


@dataclass
class OfficeHoursSpec:
    program: str
    host: str  # "demo mentor", "coordinator", or a member picked by `pick_host`
    topics: str  # key of BOOKING_TOPICS
    title: str
    description: str
    format: str
    capacity: int
    deadline_hours: int
    slot_minutes: int
    windows: list[tuple[int, dt.time, dt.time]]
    europe: bool = False  # host picked among members living in Europe


OFFICE_HOURS = [
    OfficeHoursSpec(
        "women-in-data",
        "demo mentor",
        "clinic",
        "SQL and statistics clinic",
        "Bring a query that does not do what you expect, or a result you are not sure how to "
        "read. Thirty minutes, one person at a time; share your screen if you can.",
        Format.VIDEO,
        1,
        12,
        30,
        [(2, dt.time(17, 0), dt.time(18, 30))],
    ),
    OfficeHoursSpec(
        "women-in-data",
        "coordinator",
        "team",
        "Ask the program team",
        "Questions about the program, your match or anything that is not working. Drop in: "
        "up to three people per slot.",
        Format.VIDEO,
        3,
        2,
        30,
        [(0, dt.time(12, 0), dt.time(13, 0)), (3, dt.time(12, 0), dt.time(13, 0))],
    ),
    OfficeHoursSpec(
        "women-in-data",
        "mentor",
        "portfolio",
        "Portfolio and CV reviews",
        "Send your CV or portfolio link in the topic when you book, so I can read it first. "
        "Forty-five minutes of honest, friendly feedback.",
        Format.VIDEO,
        1,
        24,
        45,
        [(1, dt.time(17, 30), dt.time(19, 0)), (4, dt.time(12, 0), dt.time(13, 30))],
        europe=True,
    ),
    OfficeHoursSpec(
        "emerging-leaders",
        "mentor",
        "leadership",
        "Leadership office hours",
        "Bring one situation you are unsure how to handle: a hard conversation, a decision, a "
        "team problem. We think it through together.",
        Format.PHONE,
        1,
        12,
        45,
        [(4, dt.time(8, 0), dt.time(9, 30))],
    ),
]


@dataclass
class Plan:
    """A meeting to write, with its attendees' answers."""

    meeting: Meeting
    # user id -> (Attendee.Response, answered at)
    responses: dict[int, tuple[str, dt.datetime | None]] = field(default_factory=dict)
    goals: list[int] = field(default_factory=list)
    replaces: Plan | None = None


def _code(rng: random.Random) -> str:
    letters = string.ascii_lowercase
    return "-".join("".join(rng.choices(letters, k=k)) for k in (3, 4, 3))


class Scheduling:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = timezone.localdate()
        self.busy: dict[int, list[Interval]] = defaultdict(list)  # UTC, what people have on
        self.away: dict[int, list[tuple[dt.date, dt.date]]] = {}
        self.zones: dict[int, zoneinfo.ZoneInfo] = {}
        for pk, name in User.objects.values_list("pk", "time_zone"):
            self.zones[pk] = slots.zone(name)
        self.windows: dict[int, list[slots.Window]] = defaultdict(list)
        for pk, weekday, start, end in AvailabilityWindow.objects.values_list(
            "user_id", "weekday", "start", "end"
        ):
            self.windows[pk].append(slots.Window(weekday, start, end))
        ids = dict(
            User.objects.filter(email__in=[DEMO_MENTOR, DEMO_MENTEE]).values_list("email", "pk")
        )
        self.mentor, self.mentee = ids.get(DEMO_MENTOR), ids.get(DEMO_MENTEE)
        self.programs = {p.slug: p for p in Program.objects.order_by("pk")}
        self.coordinators: dict[int, int] = {}
        for program_id, user_id in Coordinator.objects.order_by("pk").values_list(
            "program_id", "user_id"
        ):
            self.coordinators.setdefault(program_id, user_id)
        self.cohorts: dict[int, Cohort] = {}
        for cohort in Cohort.objects.filter(ends_on__gte=self.today).order_by("starts_on"):
            self.cohorts.setdefault(cohort.program_id, cohort)
        # (user id, role, status) of each program's current cohort, admitted members only.
        self.members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for program_id, user_id, role, status in (
            Membership.objects.filter(
                cohort__in=list(self.cohorts.values()), status__in=ADMITTED_STATUSES
            )
            .order_by("pk")
            .values_list("program_id", "user_id", "role", "status")
        ):
            self.members[program_id].append((user_id, role, status))
        self.audits: list[AuditLog] = []
        self.counts: dict[str, int] = defaultdict(int)

    # -- helpers -----------------------------------------------------------------------------

    def moment(self, day: dt.date, low: int = 8, high: int = 18) -> dt.datetime:
        """A plausible moment on `day`, in the site's time zone, never in the future."""
        hour, minute = self.rng.randint(low, high), self.rng.choice([0, 10, 25, 30, 45])
        when = dt.datetime.combine(
            day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone()
        )
        return min(when, self.now - dt.timedelta(minutes=self.rng.randint(15, 240)))

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        end = min(end, self.now - dt.timedelta(minutes=5))
        if end <= start:
            return end
        return start + (end - start) * self.rng.random()

    def is_away(self, user_id: int, start: dt.datetime, minutes: int) -> bool:
        tz = self.zones.get(user_id, UTC)
        first = start.astimezone(tz).date()
        last = (start + dt.timedelta(minutes=minutes)).astimezone(tz).date()
        return any(a <= last and first <= b for a, b in self.away.get(user_id, ()))

    def free(self, user_id: int, start: dt.datetime, minutes: int) -> bool:
        end = start + dt.timedelta(minutes=minutes)
        if self.is_away(user_id, start, minutes):
            return False
        return all(e <= start or end <= s for s, e in self.busy[user_id])

    def take(self, user_ids, start: dt.datetime, minutes: int) -> None:
        for user_id in user_ids:
            self.busy[user_id].append((start, start + dt.timedelta(minutes=minutes)))

    def admitted(self, slug: str, roles=None, statuses=None, exclude=()) -> list[int]:
        program = self.programs[slug]
        return [
            user_id
            for user_id, role, status in self.members[program.pk]
            if (roles is None or role in roles)
            and (statuses is None or status in statuses)
            and user_id not in exclude
        ]

    def audit(self, actor: int | None, action: str, target, program_id: int, when, **data):
        self.audits.append(
            AuditLog(
                actor_id=actor,
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                program_id=program_id,
                data=data,
                created_at=when,
            )
        )

    # -- away dates --------------------------------------------------------------------------

    def away_period(self) -> None:
        """A mentor of Women in Data (not the demo mentor) away for a week or so, soon."""
        program = self.programs.get("women-in-data")
        if program is None:
            return
        mentors = sorted(
            set(
                Participant.objects.filter(
                    role=Participant.Role.MENTOR,
                    relationship__program=program,
                    relationship__status=RelStatus.ACTIVE,
                )
                .exclude(user_id=self.mentor)
                .values_list("user_id", flat=True)
            )
        )
        if not mentors:
            return
        user_id = self.rng.choice(mentors)
        starts = self.today + dt.timedelta(days=self.rng.randint(3, 6))
        ends = starts + dt.timedelta(days=self.rng.randint(7, 11))
        AwayPeriod.objects.create(
            user_id=user_id, starts_on=starts, ends_on=ends, note=self.rng.choice(AWAY_NOTES)
        )
        self.away[user_id] = [(starts, ends)]
        self.counts["away periods"] += 1

    # -- office hours ------------------------------------------------------------------------

    def pick_host(self, spec: OfficeHoursSpec, taken: set[int]) -> int | None:
        program = self.programs[spec.program]
        if spec.host == "demo mentor":
            return self.mentor
        if spec.host == "coordinator":
            return self.coordinators.get(program.pk)
        mentors = self.admitted(
            spec.program,
            roles={Role.MENTOR, Role.BOTH},
            statuses={MemberStatus.ACTIVE},
            exclude=taken | self.away.keys() | {self.mentor},
        )
        if spec.europe:
            mentors = [m for m in mentors if str(self.zones[m]).startswith("Europe/")] or mentors
        return self.rng.choice(mentors) if mentors else None

    def office_hours(self) -> None:
        rng = self.rng
        taken: set[int] = set()
        hours, slot_rows, bookings = [], [], []
        demo_booked = False
        for spec in OFFICE_HOURS:
            program = self.programs.get(spec.program)
            cohort = self.cohorts.get(getattr(program, "pk", None))
            host = self.pick_host(spec, taken) if program and cohort else None
            if host is None:
                continue
            taken.add(host)
            created = self.moment(max(cohort.starts_on - 2 * DAY, self.today - 20 * DAY))
            oh = OfficeHours(
                program=program,
                host_id=host,
                title=spec.title,
                description=spec.description,
                format=spec.format,
                location=f"https://meet.example.org/{_code(rng)}"
                if spec.format == Format.VIDEO
                else "",
                capacity=spec.capacity,
                booking_deadline_hours=spec.deadline_hours,
                created_at=created,
                updated_at=created,
            )
            hours.append(oh)
            starts = sorted(
                start
                for weekday, begin, end in spec.windows
                for start in WeeklyPattern(
                    weekday,
                    begin,
                    end,
                    spec.slot_minutes,
                    str(self.zones[host]),
                    created.date() + DAY,
                    self.today + 14 * DAY,
                ).starts()
            )
            starts = [s for s in starts if self.free(host, s, spec.slot_minutes)]
            pool = self.admitted(
                spec.program, roles={Role.MENTEE, Role.PEER}, exclude={host, self.mentee}
            )
            for start in starts:
                slot = OfficeHourSlot(
                    office_hours=oh, starts_at=start, duration_minutes=spec.slot_minutes
                )
                slot_rows.append(slot)
                closes = start - dt.timedelta(hours=spec.deadline_hours)
                people: list[int] = []
                if (
                    spec.topics == "portfolio"
                    and not demo_booked
                    and self.mentee is not None
                    and self.mentee in self.admitted(spec.program)
                    and start > self.now + 3 * DAY
                    and self.free(self.mentee, start, spec.slot_minutes)
                ):
                    people.append(self.mentee)
                    demo_booked = True
                share = 0.75 if start < self.now else 0.4
                while len(people) < spec.capacity and rng.random() < share:
                    free = [
                        u
                        for u in pool
                        if u not in people and self.free(u, start, spec.slot_minutes)
                    ]
                    if not free:
                        break
                    people.append(rng.choice(free))
                    if spec.capacity > 1:
                        share *= 0.6
                if not people and rng.random() < 0.3:
                    # Booked, then cancelled: the place is free again.
                    who = rng.choice(pool) if pool else None
                    if who is not None:
                        bookings.append(
                            Booking(
                                slot=slot,
                                user_id=who,
                                topic=rng.choice(BOOKING_TOPICS[spec.topics]),
                                status=Booking.Status.CANCELLED,
                                sequence=1,
                                created_at=self.between(created, closes),
                            )
                        )
                for user_id in people:
                    topic = (
                        DEMO_TOPIC
                        if user_id == self.mentee
                        else rng.choice(BOOKING_TOPICS[spec.topics])
                    )
                    bookings.append(
                        Booking(
                            slot=slot,
                            user_id=user_id,
                            topic=topic,
                            created_at=self.between(created, closes),
                        )
                    )
                    self.take([user_id], start, spec.slot_minutes)
                slot.booked = len(people)
            for start in starts:
                self.take([host], start, spec.slot_minutes)
        with keep_timestamps(OfficeHours):
            OfficeHours.objects.bulk_create(hours)
        OfficeHourSlot.objects.bulk_create(slot_rows, batch_size=500)
        Booking.objects.bulk_create(bookings, batch_size=500)
        for oh in hours:
            self.audit(oh.host_id, "office_hours.published", oh, oh.program_id, oh.created_at)
        self.counts["office hours"] = len(hours)
        self.counts["office hour slots"] = len(slot_rows)
        self.counts["bookings"] = sum(b.status == Booking.Status.BOOKED for b in bookings)

    # -- events ------------------------------------------------------------------------------

    def at(self, days: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.today + days * DAY, dt.time(hour, minute), tzinfo=UTC)

    def on(self, weekday: int, days: int, hour: int, minute: int = 0) -> dt.datetime:
        """The first `weekday` (0 = Monday) at least `days` from today, at hour:minute UTC."""
        day = self.today + days * DAY
        return self.at(days + (weekday - day.weekday()) % 7, hour, minute)

    def events(self) -> None:
        rng = self.rng
        wid, el, plc = (
            self.programs.get(s)
            for s in ("women-in-data", "emerging-leaders", "peer-learning-circles")
        )
        specs = []
        if wid is not None and wid.pk in self.cohorts:
            others = self.admitted(
                "women-in-data",
                roles={Role.MENTOR},
                statuses={MemberStatus.ACTIVE},
                exclude={self.mentor, *self.away.keys()},
            )
            speaker = rng.choice(others) if others else self.coordinators.get(wid.pk)
            specs += [
                {
                    "program": wid,
                    "kind": Event.Kind.WORKSHOP,
                    "title": "Storytelling with data: from query to slide",
                    "description": (
                        "How to turn an analysis into three slides a busy manager will read. "
                        "We take one messy dataset from question to chart to headline, then you "
                        "try it on your own work in small groups."
                    ),
                    "host_id": speaker,
                    "starts_at": self.at(-9, 17),
                    "duration_minutes": 90,
                    "format": Format.VIDEO,
                    "capacity": 40,
                    "resources": (
                        "Slides: https://example.org/wid/storytelling-slides\n"
                        "Recording: https://example.org/wid/storytelling-recording\n"
                        "Exercise dataset (CSV): https://example.org/wid/retail-sample.csv"
                    ),
                    "share": 0.6,
                },
                {
                    "program": wid,
                    "kind": Event.Kind.WORKSHOP,
                    "title": "Hands-on SQL: window functions",
                    "description": (
                        "Running totals, rankings and period-over-period changes without "
                        "self-joins. Bring a laptop: we work in a shared notebook with a "
                        "sample retail database. Some SQL experience helps, but no more "
                        "than SELECT, WHERE and GROUP BY."
                    ),
                    "host_id": self.mentor,
                    "starts_at": self.on(3, 4, 17, 30),
                    "duration_minutes": 90,
                    "format": Format.VIDEO,
                    "capacity": 24,
                    "resources": "Setup guide: https://example.org/wid/sql-notebook-setup",
                    "share": 0.6,
                    "demo_going": True,
                },
                {
                    "program": wid,
                    "kind": Event.Kind.SPEED,
                    "title": "Speed mentoring: meet the mentors",
                    "description": (
                        "Fifteen-minute conversations with mentors from the cohort, one after "
                        "the other. For mentees still looking for a mentor, and anyone who "
                        "wants a second opinion on their goals. Afterwards you can ask the "
                        "mentors you clicked with to continue."
                    ),
                    "host_id": self.coordinators.get(wid.pk),
                    "starts_at": self.on(0, 7, 17),
                    "duration_minutes": 90,
                    "format": Format.VIDEO,
                    "round_minutes": 15,
                    "speed": True,
                },
            ]
        if el is not None and el.pk in self.cohorts:
            specs += [
                {
                    "program": el,
                    "kind": Event.Kind.WORKSHOP,
                    "title": "Workshop 1: Delegating without disappearing",
                    "description": (
                        "The first of our monthly workshops. What to delegate, to whom, and "
                        "how to stay close enough to help without taking the work back."
                    ),
                    "host_id": self.coordinators.get(el.pk),
                    "starts_at": self.at(-5, 16),
                    "duration_minutes": 120,
                    "format": Format.VIDEO,
                    "resources": "Delegation canvas: https://example.org/el/delegation-canvas",
                    "share": 0.8,
                },
                {
                    "program": el,
                    "kind": Event.Kind.WORKSHOP,
                    "title": "Workshop 2: Feedback that lands",
                    "description": (
                        "Giving feedback that is specific, kind and hard to misread, and "
                        "asking for it from the people you lead. Role play in pairs."
                    ),
                    "host_id": self.coordinators.get(el.pk),
                    "starts_at": self.on(2, 21, 16),
                    "duration_minutes": 120,
                    "format": Format.VIDEO,
                    "share": 0.5,
                },
            ]
        if plc is not None and plc.pk in self.cohorts:
            specs.append(
                {
                    "program": plc,
                    "kind": Event.Kind.GROUP_SESSION,
                    "title": "Facilitation tips for circle hosts",
                    "description": (
                        "Whose turn is it to facilitate your circle next? An hour of simple "
                        "techniques: opening rounds, keeping time, and making space for the "
                        "quiet voices."
                    ),
                    "host_id": self.coordinators.get(plc.pk),
                    "starts_at": self.on(1, 3, 18),
                    "duration_minutes": 60,
                    "format": Format.VIDEO,
                    "capacity": 20,
                    "share": 0.35,
                }
            )
        events, rsvps, speed = [], [], []
        for spec in specs:
            program = spec["program"]
            cohort = self.cohorts[program.pk]
            start = spec["starts_at"]
            created = self.moment(
                max(cohort.starts_on - 3 * DAY, (start - 21 * DAY).date(), self.today - 25 * DAY)
            )
            event = Event(
                program=program,
                cohort=cohort,
                kind=spec["kind"],
                title=spec["title"],
                description=spec["description"],
                host_id=spec["host_id"],
                starts_at=start,
                duration_minutes=spec["duration_minutes"],
                format=spec["format"],
                location=f"https://meet.example.org/{_code(rng)}",
                capacity=spec.get("capacity"),
                resources=spec.get("resources", ""),
                round_minutes=spec.get("round_minutes", 15),
                created_at=created,
                updated_at=created,
            )
            events.append(event)
            if event.host_id:
                self.take([event.host_id], start, event.duration_minutes)
            if spec.get("speed"):
                speed.append(event)
                rsvps += self.speed_rsvps(event, created)
            else:
                rsvps += self.rsvps(event, created, spec["share"], spec.get("demo_going", False))
        with keep_timestamps(Event):
            Event.objects.bulk_create(events)
        with keep_timestamps(Rsvp):
            Rsvp.objects.bulk_create(rsvps, batch_size=500)
        for event in events:
            actor = self.coordinators.get(event.program_id)
            self.audit(actor, "event.created", event, event.program_id, event.created_at)
            if event.starts_at < self.now:
                marked = sum(r.event is event and r.attended is not None for r in rsvps)
                when = min(event.ends_at + dt.timedelta(hours=rng.randint(1, 20)), self.now)
                self.audit(actor, "event.attendance", event, event.program_id, when, marked=marked)
        for event in speed:
            self.rotation(event)
        self.counts["events"] = len(events)
        self.counts["RSVPs"] = len(rsvps)

    def rsvps(self, event: Event, created: dt.datetime, share: float, demo: bool) -> list[Rsvp]:
        """Answers from the cohort; places go first come, first served; past events have their
        attendance marked."""
        rng = self.rng
        past = event.starts_at < self.now
        minutes = event.duration_minutes
        people = [
            u
            for u in self.admitted(event.program.slug, exclude={event.host_id})
            if past or self.free(u, event.starts_at, minutes)
        ]
        answered = [u for u in people if rng.random() < share]
        if self.mentee in people and event.program.slug == "women-in-data":
            if self.mentee in answered:
                answered.remove(self.mentee)
            if past or demo:
                answered.insert(0, self.mentee)
        closes = min(event.starts_at - HOUR, self.now)
        rows = []
        for user_id in answered:
            when = self.between(created, closes)
            if user_id == self.mentee:
                when = self.between(created, created + 2 * DAY)
            rows.append(Rsvp(event=event, user_id=user_id, created_at=when, updated_at=when))
        rows.sort(key=lambda r: (r.created_at, r.user_id))
        going = 0
        for row in rows:
            if row.user_id != self.mentee and rng.random() < 0.08:
                row.status = Rsvp.Status.CANCELLED
                row.updated_at = self.between(row.created_at, closes)
                continue
            if event.capacity is not None and going >= event.capacity:
                row.status = Rsvp.Status.WAITLISTED
                continue
            row.status = Rsvp.Status.GOING
            going += 1
            if past:
                row.attended = row.user_id == self.mentee or rng.random() < 0.82
                row.updated_at = min(
                    event.ends_at + dt.timedelta(hours=rng.randint(1, 20)), self.now
                )
            else:
                self.take([row.user_id], event.starts_at, minutes)
        event.going = going
        return rows

    def speed_rsvps(self, event: Event, created: dt.datetime) -> list[Rsvp]:
        """Mentees still without a mentor and a few others; the demo mentor among the mentors."""
        rng = self.rng
        slug, minutes = event.program.slug, event.duration_minutes

        def free(ids: list[int]) -> list[int]:
            return [u for u in ids if u != event.host_id and self.free(u, event.starts_at, minutes)]

        waiting = free(self.admitted(slug, roles={Role.MENTEE}, statuses={MemberStatus.APPROVED}))
        active = free(
            self.admitted(
                slug, roles={Role.MENTEE}, statuses={MemberStatus.ACTIVE}, exclude={self.mentee}
            )
        )
        mentees = waiting + rng.sample(active, min(3, len(active)))
        fresh = free(self.admitted(slug, roles={Role.MENTOR}, statuses={MemberStatus.APPROVED}))
        seasoned = free(
            self.admitted(
                slug, roles={Role.MENTOR}, statuses={MemberStatus.ACTIVE}, exclude={self.mentor}
            )
        )
        mentors = ([self.mentor] if free([self.mentor]) else []) + fresh
        mentors += rng.sample(seasoned, min(5 - len(mentors), len(seasoned)))
        rows = []
        for user_id in mentees + mentors:
            when = self.between(created, created + 5 * DAY)
            rows.append(
                Rsvp(
                    event=event,
                    user_id=user_id,
                    status=Rsvp.Status.GOING,
                    created_at=when,
                    updated_at=when,
                )
            )
            self.take([user_id], event.starts_at, minutes)
        event.going = len(rows)
        return rows

    def rotation(self, event: Event) -> None:
        """The rotation `speed.build_rotation` builds, without telling everyone."""
        from .speed import max_rounds, participants, rotation_rows  # numpy, scipy

        mentees, mentors = participants(event)
        if not mentees or not mentors:
            return
        rounds = min(max_rounds(event), len(mentors))
        rows = SpeedRound.objects.bulk_create(rotation_rows(event, mentees, mentors, rounds))
        built = self.between(event.created_at + 5 * DAY, self.now)
        self.audit(
            event.host_id, "speed.rotation_built", event, event.program_id, built, pairs=len(rows)
        )
        self.counts["speed mentoring rounds"] = len(rows)

    # -- meetings ----------------------------------------------------------------------------

    def when(
        self, people: list[int], minutes: int, prefer: dt.datetime | None, after=None, soonest=False
    ) -> dt.datetime | None:
        """A time everyone is free: the slot search first (one of the best few, or the soonest),
        then a plausible hour for the lead (some people have no weekly windows, or none in
        common)."""
        rng = self.rng
        persons = [
            slots.Person(self.zones[u], self.windows[u], self.away.get(u, ()), self.busy[u])
            for u in people
        ]
        found = slots.suggest(persons, self.now, minutes=minutes, weeks=3, prefer=prefer, limit=3)
        found = [t for t in found if after is None or t >= after]
        if found:
            return found[0] if soonest else rng.choice(found)
        tz = self.zones[people[0]]
        first = rng.randint(1, 4)
        if after is not None:
            first = max(first, (after.astimezone(tz).date() - self.today).days)
        for offset in range(first, first + 21):
            day = self.today + offset * DAY
            for hour, minute in rng.sample([(18, 0), (18, 30), (12, 30), (8, 0), (19, 0)], 5):
                start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz).astimezone(UTC)
                if start < self.now + slots.MIN_NOTICE or (after is not None and start < after):
                    continue
                if all(self.free(u, start, minutes) for u in people):
                    return start
        return None

    def meetings(self) -> None:
        rng = self.rng
        relationships = list(
            Relationship.objects.filter(status__in=[RelStatus.PROPOSED, RelStatus.ACTIVE])
            .annotate(last_session=Max("sessions__occurred_at"))
            .prefetch_related(
                "participants",
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.filter(accepted_at__isnull=False).order_by(
                        "-version"
                    ),
                ),
            )
            .order_by("pk")
        )
        demo = next(
            (
                r
                for r in relationships
                if r.status == RelStatus.ACTIVE
                and {p.user_id for p in r.participants.all()} == {self.mentor, self.mentee}
            ),
            None,
        )
        if demo is not None:
            relationships.remove(demo)
            relationships.insert(0, demo)
        goals: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for rel_id, pk, owner in (
            Goal.objects.filter(relationship__in=relationships)
            .order_by("pk")
            .values_list("relationship_id", "pk", "owner_id")
        ):
            goals[rel_id].append((pk, owner))
        since = self.now - 30 * DAY
        recent: dict[int, list[SessionLog]] = defaultdict(list)
        for session in (
            SessionLog.objects.filter(relationship__in=relationships, occurred_at__gte=since)
            .exclude(format=SessionLog.Format.ASYNC)
            .order_by("-occurred_at", "-pk")
        ):
            recent[session.relationship_id].append(session)

        plans: list[Plan] = []
        cancels, counters = 2, 2
        for r in relationships:
            people = [p.user_id for p in r.participants.all()]
            if len(people) < 2:
                continue
            mentors = [p.user_id for p in r.participants.all() if p.role == Participant.Role.MENTOR]
            people = mentors + [u for u in people if u not in mentors]  # the lead first
            agreement = next(iter(r.agreements.all()), None)
            minutes = min(max(agreement.meeting_minutes if agreement else 60, 15), 240)
            cadence = agreement.cadence_days if agreement else 14
            prefer = r.last_session + cadence * DAY if r.last_session else None
            is_demo = r is demo
            group = r.kind != Relationship.Kind.ONE_TO_ONE
            location = f"https://meet.example.org/{_code(rng)}"

            # What already happened: meetings booked before the recent sessions.
            past = recent[r.pk] if is_demo else recent[r.pk][:1]
            for session in past:
                if not is_demo and rng.random() > PAST_MEETING_SHARE:
                    continue
                plan = self.past_meeting(r, people, session, location)
                if plan is not None:
                    plans.append(plan)

            # What is coming.
            if is_demo:
                first = self.when(people, minutes, None, soonest=True)
                if first is None:
                    continue
                plans.append(
                    self.upcoming(
                        r,
                        people,
                        self.mentee,
                        first,
                        minutes,
                        location,
                        Meeting.Status.ACCEPTED,
                        agenda=DEMO_AGENDA,
                        goals=[pk for pk, owner in goals[r.pk] if owner == self.mentee][:2],
                    )
                )
                second = self.when(people, minutes, first + cadence * DAY, after=first + 4 * DAY)
                if second is not None:
                    plans.append(
                        self.upcoming(
                            r,
                            people,
                            self.mentor,
                            second,
                            minutes,
                            location,
                            Meeting.Status.PROPOSED,
                            agenda=DEMO_NEXT_AGENDA,
                        )
                    )
                continue
            share = UPCOMING_SHARE if r.status == RelStatus.ACTIVE else FIRST_MEETING_SHARE
            if rng.random() > share:
                continue
            start = self.when(people, minutes, prefer)
            if start is None:
                continue
            if r.status == RelStatus.PROPOSED:
                status = Meeting.Status.PROPOSED
            else:
                status = rng.choices([Meeting.Status.ACCEPTED, Meeting.Status.PROPOSED], [7, 3])[0]
            proposer = rng.choice(people)
            agenda = rng.choice(GROUP_AGENDAS if group else AGENDAS)
            linked = [pk for pk, _owner in goals[r.pk]]
            linked = rng.sample(linked, 1) if linked and rng.random() < 0.4 else []
            if not group and status == Meeting.Status.PROPOSED and counters:
                # Declined with another time proposed instead (`propose_another_time`).
                later = self.when(people, minutes, start + 2 * DAY, after=start + DAY)
                if later is not None:
                    counters -= 1
                    answerer = next(u for u in people if u != proposer)
                    old = self.upcoming(
                        r,
                        people,
                        proposer,
                        start,
                        minutes,
                        location,
                        Meeting.Status.DECLINED,
                        agenda=agenda,
                        goals=linked,
                    )
                    new = self.upcoming(
                        r,
                        people,
                        answerer,
                        later,
                        minutes,
                        location,
                        Meeting.Status.PROPOSED,
                        agenda=agenda,
                        goals=linked,
                    )
                    new.replaces = old
                    new.meeting.message = old.meeting.message
                    new.meeting.created_at = new.meeting.updated_at = old.meeting.updated_at
                    plans += [old, new]
                    continue
            plans.append(
                self.upcoming(
                    r,
                    people,
                    proposer,
                    start,
                    minutes,
                    location,
                    status,
                    agenda=agenda,
                    goals=linked,
                )
            )
            if status == Meeting.Status.ACCEPTED and cancels and not group:
                # An earlier meeting that one of them had to cancel.
                other = self.when(people, minutes, start - 3 * DAY)
                if other is not None:
                    cancels -= 1
                    plans.append(
                        self.upcoming(
                            r,
                            people,
                            proposer,
                            other,
                            minutes,
                            location,
                            Meeting.Status.CANCELLED,
                            agenda=agenda,
                        )
                    )
        self.write_meetings(plans)

    def past_meeting(self, r, people, session: SessionLog, location: str) -> Plan | None:
        """The accepted meeting a logged session came from."""
        rng = self.rng
        start = session.occurred_at
        earliest = r.created_at + HOUR
        if start - earliest < 3 * HOUR:
            return None
        created = max(start - dt.timedelta(days=rng.uniform(2, 7)), earliest)
        accepted = created + (start - created) * rng.uniform(0.05, 0.5)
        proposer = rng.choice(people)
        fmt = session.format if session.format in Format.values else Format.VIDEO
        meeting = Meeting(
            relationship=r,
            proposed_by_id=proposer,
            starts_at=start,
            duration_minutes=min(max(session.duration_minutes, 15), 240),
            format=fmt,
            location=location if fmt == Format.VIDEO else "",
            agenda=rng.choice(AGENDAS),
            status=Meeting.Status.ACCEPTED,
            session=session,
            created_at=created,
            updated_at=accepted,
        )
        return Plan(
            meeting, {u: (Attendee.Response.ACCEPTED, accepted) for u in people if u != proposer}
        )

    def upcoming(
        self,
        r,
        people: list[int],
        proposer: int,
        start: dt.datetime,
        minutes: int,
        location: str,
        status: str,
        agenda: str = "",
        goals: list[int] | None = None,
    ) -> Plan:
        """A meeting ahead, proposed a few days ago; answered as `status` says."""
        rng = self.rng
        created = max(self.now - dt.timedelta(hours=rng.uniform(3, 96)), r.created_at + HOUR)
        created = min(created, self.now - dt.timedelta(minutes=30))
        answered = self.between(created, self.now)
        others = [u for u in people if u != proposer]
        responses: dict[int, tuple[str, dt.datetime | None]] = {}
        message, sequence = "", 0
        if status == Meeting.Status.ACCEPTED or status == Meeting.Status.CANCELLED:
            responses = dict.fromkeys(others, (Attendee.Response.ACCEPTED, answered))
            if len(others) > 2 and rng.random() < 0.5:
                # In a group, someone who cannot make it declines; the others still meet.
                responses[rng.choice(others)] = (Attendee.Response.DECLINED, answered)
        elif status == Meeting.Status.PROPOSED:
            for u in others:
                said = len(others) > 1 and rng.random() < 0.5
                responses[u] = (
                    (Attendee.Response.ACCEPTED, answered)
                    if said
                    else (Attendee.Response.PENDING, None)
                )
            if all(resp == Attendee.Response.ACCEPTED for resp, _at in responses.values()):
                responses[others[-1]] = (Attendee.Response.PENDING, None)
        elif status == Meeting.Status.DECLINED:
            responses = dict.fromkeys(others, (Attendee.Response.DECLINED, answered))
            message, sequence = rng.choice(DECLINES), 1
        if status == Meeting.Status.CANCELLED:
            message, sequence = rng.choice(CANCELS), 1
            answered = self.between(answered, self.now)
        meeting = Meeting(
            relationship=r,
            proposed_by_id=proposer,
            starts_at=start,
            duration_minutes=minutes,
            format=Format.VIDEO,
            location=location,
            agenda=agenda,
            status=status,
            message=message,
            sequence=sequence,
            created_at=created,
            updated_at=answered if status != Meeting.Status.PROPOSED else created,
        )
        if status in (Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED):
            attending = [proposer] + [
                u for u, (resp, _at) in responses.items() if resp != Attendee.Response.DECLINED
            ]
            self.take(attending, start, minutes)
        return Plan(meeting, responses, goals or [])

    def write_meetings(self, plans: list[Plan]) -> None:
        with keep_timestamps(Meeting):
            Meeting.objects.bulk_create([p.meeting for p in plans if p.replaces is None])
            for plan in plans:
                if plan.replaces is not None:
                    plan.meeting.replaces = plan.replaces.meeting
            Meeting.objects.bulk_create([p.meeting for p in plans if p.replaces is not None])
        Attendee.objects.bulk_create(
            (
                Attendee(meeting=p.meeting, user_id=u, response=resp, responded_at=at)
                for p in plans
                for u, (resp, at) in p.responses.items()
            ),
            batch_size=500,
        )
        through = Meeting.goals.through
        through.objects.bulk_create(
            through(meeting_id=p.meeting.pk, goal_id=goal) for p in plans for goal in p.goals
        )
        live = [Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED]
        self.counts["upcoming meetings"] = sum(
            p.meeting.status in live and p.meeting.starts_at > self.now for p in plans
        )
        self.counts["past meetings"] = sum(p.meeting.starts_at <= self.now for p in plans)

    # -- all ---------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        # Events first (their dates are fixed), then meetings around them, then the office-hour
        # slots and bookings around both.
        self.away_period()
        self.events()
        self.meetings()
        self.office_hours()
        with keep_timestamps(AuditLog):
            AuditLog.objects.bulk_create(self.audits)
        return dict(self.counts)


def seed(rng: random.Random) -> dict[str, int]:
    """Write the scheduling room's demo data; returns what was written, for the summary."""
    return Scheduling(rng).run()
