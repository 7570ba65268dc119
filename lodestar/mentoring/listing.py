"""The coordinators' relationship list: filters, ordering and the CSV export."""

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Relationship

ORDERINGS = {
    "newest": (_("Newest first"), [F("started_on").desc(), F("id").desc()]),
    "quiet": (
        _("Longest without a touchpoint"),
        [F("last_touchpoint_at").asc(nulls_first=True), F("id")],
    ),
    "most_sessions": (_("Most sessions"), [F("session_count").desc(), F("id")]),
    "fewest_sessions": (_("Fewest sessions"), [F("session_count").asc(), F("id")]),
}


def filter_relationships(relationships: QuerySet[Relationship], data: dict) -> QuerySet:
    """Apply a cleaned RelationshipFilterForm's data."""
    if data.get("status"):
        relationships = relationships.filter(status=data["status"])
    if data.get("cohort"):
        relationships = relationships.filter(cohort=data["cohort"])
    if data.get("track"):
        relationships = relationships.filter(track=data["track"])
    if data.get("attention"):
        relationships = relationships.filter(needs_attention=True)
    if data.get("q"):
        term = data["q"]
        people = Relationship.objects.filter(
            Q(participants__user__profile__display_name__icontains=term)
            | Q(participants__user__email__icontains=term)
        )
        relationships = relationships.filter(pk__in=people.values("pk"))
    _label, order = ORDERINGS.get(data.get("order") or "newest", ORDERINGS["newest"])
    return relationships.order_by(*order)


CSV_HEADER = [
    "id", "program", "cohort", "track", "kind", "status", "mentors", "mentor_emails",
    "mentees", "mentee_emails", "started_on", "ended_on", "sessions", "last_touchpoint",
    "needs_attention", "attention_reason",
]  # fmt: skip


def csv_rows(relationships: QuerySet[Relationship]):
    """One row per relationship; the queryset must prefetch participants (see access.py)."""
    for r in relationships:
        mentors, mentees = r.mentors(), r.mentees()
        yield [
            r.pk,
            r.program.name,
            r.cohort.name,
            r.track.name,
            r.get_kind_display(),
            r.get_status_display(),
            "; ".join(u.name for u in mentors),
            "; ".join(u.email for u in mentors),
            "; ".join(u.name for u in mentees),
            "; ".join(u.email for u in mentees),
            r.started_on.isoformat(),
            r.ended_on.isoformat() if r.ended_on else "",
            r.session_count,
            r.last_touchpoint_at.isoformat() if r.last_touchpoint_at else "",
            "yes" if r.needs_attention else "no",
            r.attention_reason,
        ]
