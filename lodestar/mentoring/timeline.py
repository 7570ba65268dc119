"""Everything that happened in a relationship, newest first, as its participants and
coordinators may see it: status changes, the agreement, goals and milestones, sessions and wins.
Private notes, journals and check-in answers never appear here."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Agreement, Goal, GoalMilestone, Relationship, SessionLog, Win

# Enough to tell the story on the page; older entries stay on their own pages.
LIMIT = 40


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    what: str
    who: str = ""
    detail: str = ""
    url: str = ""


def timeline_for(relationship: Relationship) -> list[Entry]:
    pk = relationship.pk
    entries = [
        Entry(e.created_at, e.get_to_status_display(), e.actor.name if e.actor else "", e.note)
        for e in relationship.events.select_related("actor__profile").order_by("-created_at")[
            :LIMIT
        ]
    ]
    for a in Agreement.objects.filter(relationship=relationship, accepted_at__isnull=False):
        entries.append(
            Entry(
                a.accepted_at,
                _("Agreement version %(v)s accepted by everyone") % {"v": a.version},
                url=reverse("mentoring:agreement", args=[pk]),
            )
        )
    for g in Goal.objects.filter(relationship=relationship).select_related("owner__profile"):
        url = reverse("mentoring:goal", args=[pk, g.pk])
        entries.append(Entry(g.created_at, _("Goal set"), g.owner.name, g.title, url))
        if g.status == Goal.Status.ACHIEVED:
            entries.append(Entry(g.updated_at, _("Goal achieved"), g.owner.name, g.title, url))
    for m in GoalMilestone.objects.filter(
        goal__relationship=relationship, done_at__isnull=False
    ).select_related("goal"):
        url = reverse("mentoring:goal", args=[pk, m.goal_id])
        entries.append(Entry(m.done_at, _("Milestone done"), detail=m.title, url=url))
    for s in SessionLog.objects.filter(relationship=relationship).select_related(
        "logged_by__profile"
    )[:LIMIT]:
        entries.append(
            Entry(
                s.occurred_at,
                _("Session: %(m)s minutes, %(f)s")
                % {"m": s.duration_minutes, "f": s.get_format_display().lower()},
                s.logged_by.name if s.logged_by else "",
                url=reverse("mentoring:session", args=[pk, s.pk]),
            )
        )
    for w in Win.objects.filter(relationship=relationship).select_related("author__profile"):
        url = reverse("mentoring:wins", args=[pk])
        entries.append(
            Entry(w.created_at, _("Win"), w.author.name if w.author else "", w.title, url)
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:LIMIT]
