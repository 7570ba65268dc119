"""A relationship's running figures: sessions, minutes, first session, agreement date, and
sessions per month.

Lists and dashboards read these instead of aggregating every session log; the services that
change sessions or agreements call refresh_* here, in their transaction. rebuild() recomputes
them for many relationships at once (the migration, demo data, benchmarks).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Min, Sum

from .models import Agreement, Relationship, SessionLog, SessionTally


def month_of(when: dt.datetime) -> dt.date:
    """The first day of the time's UTC month (stored times are UTC)."""
    utc = when.astimezone(dt.UTC)
    return dt.date(utc.year, utc.month, 1)


def _tallies(rows: Iterable[tuple[int, dt.datetime, int]], model=SessionTally) -> list:
    counts: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for relationship_id, occurred_at, minutes in rows:
        month = counts[(relationship_id, month_of(occurred_at))]
        month[0] += 1
        month[1] += minutes
    return [
        model(relationship_id=rel, month=month, sessions=n, minutes=minutes)
        for (rel, month), (n, minutes) in counts.items()
    ]


@transaction.atomic
def refresh_sessions(relationship_id: int) -> None:
    """Recount one relationship's sessions after a session was logged, edited or deleted."""
    # The row lock orders two sessions logged at once, so their tallies cannot collide.
    # NO KEY: the new session's foreign key already holds a KEY SHARE lock on the row, which
    # a plain FOR UPDATE would wait on (two sessions logged at once would deadlock).
    this = Relationship.objects.select_for_update(no_key=True).filter(pk=relationship_id)
    list(this.values_list("pk"))
    rows = list(
        SessionLog.objects.filter(relationship_id=relationship_id).values_list(
            "relationship_id", "occurred_at", "duration_minutes"
        )
    )
    this.update(
        session_count=len(rows),
        session_minutes=sum(minutes for _r, _at, minutes in rows),
        first_session_at=min((at for _r, at, _m in rows), default=None),
    )
    SessionTally.objects.filter(relationship_id=relationship_id).delete()
    SessionTally.objects.bulk_create(_tallies(rows))


def refresh_agreed(relationship_id: int, when: dt.datetime) -> None:
    """An agreement was accepted: the relationship's first acceptance stays its date."""
    Relationship.objects.filter(pk=relationship_id, agreed_at__isnull=True).update(agreed_at=when)


@transaction.atomic
def rebuild(relationships=None, batch_size: int = 2000, models=None) -> int:
    """Recompute every figure of `relationships` (a queryset; default all) from the records.
    Returns how many relationships were rebuilt. `models` lets the migration pass its
    historical (Relationship, SessionLog, SessionTally, Agreement)."""
    Relationship, SessionLog, SessionTally, Agreement = models or MODELS  # noqa: N806
    relationships = (
        Relationship.objects.all() if relationships is None else relationships
    ).order_by()
    ids = relationships.values("pk")
    sessions = {
        row["relationship_id"]: row
        for row in SessionLog.objects.filter(relationship__in=ids)
        .order_by()
        .values("relationship_id")
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"), first=Min("occurred_at"))
    }
    agreed = dict(
        Agreement.objects.filter(relationship__in=ids, accepted_at__isnull=False)
        .order_by()
        .values("relationship_id")
        .annotate(first=Min("accepted_at"))
        .values_list("relationship_id", "first")
    )
    changed = []
    for relationship in relationships.only("pk"):
        found = sessions.get(relationship.pk, {})
        relationship.session_count = found.get("n", 0)
        relationship.session_minutes = found.get("minutes") or 0
        relationship.first_session_at = found.get("first")
        relationship.agreed_at = agreed.get(relationship.pk)
        changed.append(relationship)
    Relationship.objects.bulk_update(
        changed,
        ["session_count", "session_minutes", "first_session_at", "agreed_at"],
        batch_size=batch_size,
    )
    SessionTally.objects.filter(relationship__in=ids).delete()
    rows = (
        SessionLog.objects.filter(relationship__in=ids)
        .order_by()
        .values_list("relationship_id", "occurred_at", "duration_minutes")
        .iterator(chunk_size=10_000)
    )
    SessionTally.objects.bulk_create(_tallies(rows, SessionTally), batch_size=batch_size)
    return len(changed)


MODELS = (Relationship, SessionLog, SessionTally, Agreement)
