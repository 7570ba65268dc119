"""At-risk alerts: rules over the program's data, a daily scan, and what coordinators do with them.

Each rule returns the alerts that hold today, each with a stable key naming what it is about
("quiet:42:2026-03-01": relationship 42, quiet since that day). The scan inserts the keys it
has not seen (the unique (program, key) makes a re-run a no-op, and an alert a coordinator
resolved is not raised again for the same occurrence) and resolves the open alerts whose
condition cleared. It never resolves rematch requests: a person asked, a coordinator answers.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.core.models import AuditLog, audit
from lodestar.feedback.models import SessionRating
from lodestar.matching.models import MatchRequest
from lodestar.mentoring.attention import DEFAULT_CADENCE_DAYS, PULSE_WINDOW
from lodestar.mentoring.models import Agreement, CheckIn, Goal, Participant, Relationship
from lodestar.mentoring.services import ensure_open
from lodestar.mentoring.states import Status
from lodestar.notifications.services import notify
from lodestar.programs.models import Program
from lodestar.scheduling import ledger

from .models import Alert, InsightSettings

RATING_WINDOW = dt.timedelta(days=30)
# Rematch requests older than this are not looked for again (their alerts stay).
REMATCH_WINDOW = dt.timedelta(days=30)
OPEN = [Alert.Status.NEW, Alert.Status.ACKNOWLEDGED]
MENTEE_ROLES = {Participant.Role.MENTEE, Participant.Role.PEER}
# What mentors see about their own relationships: nothing of a mentee's pulse or request.
MENTOR_KINDS = {Alert.Kind.QUIET, Alert.Kind.MISSED_CHECKINS, Alert.Kind.STALE_GOAL}


@dataclass(frozen=True)
class Found:
    kind: str
    key: str
    detail: str
    relationship_id: int | None = None


def settings_for(program: Program) -> InsightSettings:
    found, _created = InsightSettings.objects.get_or_create(program=program)
    return found


def _day(moment: dt.datetime) -> str:
    return timezone.localdate(moment).isoformat()


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _active(program: Program) -> QuerySet[Relationship]:
    return Relationship.objects.filter(program=program, status=Status.ACTIVE)


# Rules -------------------------------------------------------------------------------------


def quiet(program: Program, limits: InsightSettings, now: dt.datetime) -> list[Found]:
    """No session or message for longer than the agreed cadence times the quiet factor."""
    cadence = (
        Agreement.objects.filter(relationship=OuterRef("pk"), accepted_at__isnull=False)
        .order_by("-version")
        .values("cadence_days")[:1]
    )
    found = []
    for pk, last, started, days in (
        _active(program)
        .annotate(cadence=Subquery(cadence))
        .values_list("pk", "last_touchpoint_at", "started_on", "cadence")
    ):
        since = last or _midnight(started)
        allowed = dt.timedelta(days=(days or DEFAULT_CADENCE_DAYS) * limits.quiet_factor)
        if now - since > allowed:
            found.append(
                Found(
                    Alert.Kind.QUIET,
                    f"quiet:{pk}:{_day(since)}",
                    _("No session or message since %(d)s.") % {"d": _day(since)},
                    pk,
                )
            )
    return found


def low_pulse(program: Program, limits: InsightSettings, now: dt.datetime) -> list[Found]:
    """A participant's latest check-in, or a session rating of the last 30 days, is low."""
    found = []
    latest: dict[tuple[int, int], tuple[int, int, int]] = {}
    recent = CheckIn.objects.filter(
        relationship__in=_active(program), created_at__gte=now - PULSE_WINDOW
    ).order_by("created_at", "id")
    for pk, rel, author, rating in recent.values_list(
        "pk", "relationship_id", "author_id", "rating"
    ):
        latest[(rel, author)] = (pk, rel, rating)
    for pk, rel, rating in latest.values():
        if rating <= limits.low_rating:
            found.append(
                Found(
                    Alert.Kind.LOW_PULSE,
                    f"low_pulse:checkin:{pk}",
                    _("Low pulse at a check-in: %(r)s/5.") % {"r": rating},
                    rel,
                )
            )
    ratings = SessionRating.objects.filter(
        session__relationship__in=_active(program),
        created_at__gte=now - RATING_WINDOW,
        rating__lte=limits.low_rating,
    )
    for pk, rel, rating in ratings.values_list("pk", "session__relationship_id", "rating"):
        found.append(
            Found(
                Alert.Kind.LOW_PULSE,
                f"low_pulse:rating:{pk}",
                _("Low session rating: %(r)s/5.") % {"r": rating},
                rel,
            )
        )
    return found


def missed_checkins(program: Program, limits: InsightSettings, now: dt.datetime) -> list[Found]:
    """A participant of an active relationship has not checked in for several periods."""
    allowed = dt.timedelta(days=limits.missed_checkins * program.checkin_every_days)
    active = _active(program)
    last = {
        (rel, author): at
        for rel, author, at in CheckIn.objects.filter(relationship__in=active)
        .values("relationship_id", "author_id")
        .annotate(at=Max("created_at"))
        .values_list("relationship_id", "author_id", "at")
    }
    found = []
    people = Participant.objects.filter(relationship__in=active).select_related(
        "relationship", "user__profile"
    )
    for p in people:
        since = last.get((p.relationship_id, p.user_id)) or _midnight(p.relationship.started_on)
        if now - since > allowed:
            found.append(
                Found(
                    Alert.Kind.MISSED_CHECKINS,
                    f"missed:{p.relationship_id}:{p.user_id}:{_day(since)}",
                    _("%(name)s has not checked in since %(d)s.")
                    % {"name": p.user.name, "d": _day(since)},
                    p.relationship_id,
                )
            )
    return found


def unanswered_requests(program: Program, limits: InsightSettings, now: dt.datetime) -> list[Found]:
    """A mentee's request waits for its mentor's answer for too long."""
    waiting = MatchRequest.objects.filter(
        program=program,
        status=MatchRequest.Status.PENDING,
        created_at__lt=now - dt.timedelta(days=limits.request_days),
    ).select_related("mentee__user__profile", "mentor__user__profile")
    return [
        Found(
            Alert.Kind.REQUEST_UNANSWERED,
            f"request:{r.pk}",
            _("%(mentor)s has not answered %(mentee)s's request since %(d)s.")
            % {"mentor": r.mentor.user.name, "mentee": r.mentee.user.name, "d": _day(r.created_at)},
        )
        for r in waiting
    ]


def stale_goals(program: Program, limits: InsightSettings, now: dt.datetime) -> list[Found]:
    """An open goal unchanged for too long, with no milestone done in that time either."""
    cutoff = now - dt.timedelta(days=limits.stale_goal_days)
    goals = (
        Goal.objects.filter(relationship__in=_active(program), updated_at__lt=cutoff)
        .exclude(status__in=[Goal.Status.ACHIEVED, Goal.Status.DROPPED])
        .exclude(milestones__done_at__gte=cutoff)
        .distinct()
    )
    return [
        Found(
            Alert.Kind.STALE_GOAL,
            f"stale_goal:{pk}:{_day(updated)}",
            _("The goal \u201c%(t)s\u201d has not moved since %(d)s.")
            % {"t": title[:120], "d": _day(updated)},
            rel,
        )
        for pk, rel, title, updated in goals.values_list(
            "pk", "relationship_id", "title", "updated_at"
        )
    ]


def rematch_requests(program: Program, limits: InsightSettings, now: dt.datetime) -> list[Found]:
    """A mentee asked to be matched again (the request is in the audit trail, whatever the
    language of the timeline's note, and also when a group relationship stays open)."""
    asked = AuditLog.objects.filter(
        program_id=program.pk,
        action="relationship.rematch_requested",
        target_type=Relationship._meta.label_lower,
        created_at__gte=now - REMATCH_WINDOW,
    ).values_list("pk", "target_id")
    ids = {int(target) for _pk, target in asked}
    existing = set(
        Relationship.objects.filter(program=program, pk__in=ids).values_list("pk", flat=True)
    )
    return [
        Found(
            Alert.Kind.REMATCH,
            f"rematch:{target}:{pk}",
            _("A mentee asked to be matched with someone new."),
            int(target),
        )
        for pk, target in asked
        if int(target) in existing
    ]


RULES = [quiet, low_pulse, missed_checkins, unanswered_requests, stale_goals, rematch_requests]

CLEARED = {
    Alert.Kind.QUIET: gettext_lazy(
        "a session or message happened, or the relationship is not active"
    ),
    Alert.Kind.LOW_PULSE: gettext_lazy(
        "a newer pulse, or the rating is old, or the relationship ended"
    ),
    Alert.Kind.MISSED_CHECKINS: gettext_lazy("they checked in, or the relationship is not active"),
    Alert.Kind.REQUEST_UNANSWERED: gettext_lazy("the request was answered or closed"),
    Alert.Kind.STALE_GOAL: gettext_lazy("the goal moved, or it is achieved or dropped"),
}


def evaluate(program: Program, now: dt.datetime | None = None) -> list[Found]:
    now = now or timezone.now()
    limits = settings_for(program)
    return [found for rule in RULES for found in rule(program, limits, now)]


# The scan ----------------------------------------------------------------------------------


@dataclass
class ScanResult:
    created: int = 0
    resolved: int = 0


@transaction.atomic
def scan_program(program: Program, now: dt.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    found = evaluate(program, now)
    keys = {f.key for f in found}
    known = set(Alert.objects.filter(program=program, key__in=keys).values_list("key", flat=True))
    fresh = [
        Alert(
            program=program,
            relationship_id=f.relationship_id,
            kind=f.kind,
            key=f.key,
            detail=f.detail[:300],
        )
        for f in found
        if f.key not in known
    ]
    # ignore_conflicts: a scan running at the same time may have inserted the same keys.
    Alert.objects.bulk_create(fresh, ignore_conflicts=True)
    result.created = len(fresh)
    gone = Alert.objects.filter(program=program, status__in=OPEN, kind__in=list(CLEARED)).exclude(
        key__in=keys
    )
    for alert in gone.only("pk", "kind", "notes"):
        note = _("Cleared: %(why)s (daily scan, %(d)s).") % {
            "why": CLEARED[alert.kind],
            "d": _day(now),
        }
        notes = f"{alert.notes}\n{note}".strip()[:3000]
        result.resolved += Alert.objects.filter(pk=alert.pk, status__in=OPEN).update(
            status=Alert.Status.RESOLVED, notes=notes, updated_at=now
        )
    return result


def scan(now: dt.datetime | None = None) -> ScanResult:
    """Every program (the daily job). Safe to run twice: the second run changes nothing."""
    now = now or timezone.now()
    total = ScanResult()
    for program in Program.objects.exclude(status=Program.ProgramStatus.DRAFT).iterator():
        result = scan_program(program, now)
        total.created += result.created
        total.resolved += result.resolved
    return total


def send_digests(now: dt.datetime | None = None) -> int:
    """Tell each program's coordinators about the alerts raised in the last day, once a day
    (the scheduling ledger keys each digest by coordinator, program and day)."""
    now = now or timezone.now()
    items = []
    since = now - dt.timedelta(days=1)
    for program in Program.objects.prefetch_related("coordinators__profile"):
        fresh = list(
            Alert.objects.filter(program=program, status=Alert.Status.NEW, created_at__gte=since)
            .order_by("kind", "id")
            .values_list("kind", "detail")
        )
        if not fresh:
            continue
        url = reverse("insights:alerts", args=[program.slug])
        context = {
            "program": program,
            "count": len(fresh),
            "details": [(Alert.Kind(k).label, d) for k, d in fresh[:20]],
            "more": max(0, len(fresh) - 20),
        }
        items += [
            ledger.Due(c, f"alert_digest:{program.pk}:{_day(now)}", "alert_digest", context, url)
            for c in program.coordinators.all()
        ]
    return ledger.send_all(items, now)


# What coordinators do ----------------------------------------------------------------------


def alerts_of(program: Program) -> QuerySet[Alert]:
    return program.alerts.select_related("handled_by__profile", "relationship").prefetch_related(
        "relationship__participants__user__profile"
    )


def get_alert_for(program: Program, pk: int) -> Alert:
    alert = alerts_of(program).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


@transaction.atomic
def acknowledge(alert: Alert, actor) -> None:
    if alert.status != Alert.Status.NEW:
        raise ValidationError(_("Only new alerts can be acknowledged."))
    alert.status, alert.handled_by = Alert.Status.ACKNOWLEDGED, actor
    alert.save(update_fields=["status", "handled_by", "updated_at"])
    audit(actor, "alert.acknowledged", alert, alert.program_id)


@transaction.atomic
def resolve(alert: Alert, actor, notes: str) -> None:
    if alert.status == Alert.Status.RESOLVED:
        raise ValidationError(_("This alert is already resolved."))
    notes = notes.strip()
    if not notes:
        raise ValidationError(_("Write what was done, for the other coordinators."))
    alert.status, alert.handled_by = Alert.Status.RESOLVED, actor
    alert.notes = f"{alert.notes}\n{notes}".strip()[:3000]
    alert.save(update_fields=["status", "handled_by", "notes", "updated_at"])
    audit(actor, "alert.resolved", alert, alert.program_id)


def _relationship_of(alert: Alert) -> Relationship:
    if alert.relationship is None:
        raise ValidationError(_("This alert is not about a relationship."))
    ensure_open(alert.relationship)
    return alert.relationship


@transaction.atomic
def message_both(alert: Alert, actor, text: str) -> int:
    """Write to everyone in the relationship (a notification: coordinators do not write in the
    pair's own thread)."""
    relationship = _relationship_of(alert)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your message."))
    people = [p.user for p in relationship.participants.all()]
    for user in people:
        notify(
            user,
            "alert_message",
            {"program": relationship.program, "coordinator": actor, "text": text},
            relationship.get_absolute_url(),
        )
    _note(alert, actor, _("Message sent to the participants."))
    audit(actor, "alert.messaged", alert, alert.program_id)
    return len(people)


@transaction.atomic
def suggest_rematch(alert: Alert, actor) -> int:
    relationship = _relationship_of(alert)
    mentees = [p.user for p in relationship.participants.all() if p.role in MENTEE_ROLES]
    url = reverse("mentoring:rematch", args=[relationship.pk])
    for user in mentees:
        notify(
            user,
            "alert_rematch_suggested",
            {"program": relationship.program, "coordinator": actor},
            url,
        )
    _note(alert, actor, _("Rematch suggested to the mentee."))
    audit(actor, "alert.rematch_suggested", alert, alert.program_id)
    return len(mentees)


def _note(alert: Alert, actor, line: str) -> None:
    stamp = f"{_day(timezone.now())} {actor.name}: {line}"
    alert.notes = f"{alert.notes}\n{stamp}".strip()[:3000]
    if alert.status == Alert.Status.NEW:
        alert.status = Alert.Status.ACKNOWLEDGED
    alert.handled_by = actor
    alert.save(update_fields=["notes", "status", "handled_by", "updated_at"])


def open_for_mentor(relationship: Relationship) -> list[Alert]:
    return list(
        relationship.alerts.filter(status__in=OPEN, kind__in=list(MENTOR_KINDS)).order_by("kind")
    )


def filtered(alerts: QuerySet[Alert], status: str = "", kind: str = "") -> QuerySet[Alert]:
    if status == "open":
        alerts = alerts.filter(status__in=OPEN)
    elif status in Alert.Status.values:
        alerts = alerts.filter(status=status)
    if kind in Alert.Kind.values:
        alerts = alerts.filter(kind=kind)
    return alerts
