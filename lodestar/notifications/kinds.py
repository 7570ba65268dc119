"""The catalogue of notification kinds: what each is called, its group and its default delivery.

A kind is the name of its templates (`notifications/<kind>_subject.txt`). Kinds that are not
listed here still get a sensible group and default from their prefix (`meeting_...` is about
meetings), so a room can add a kind without touching this file; list it to give it a label.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Delivery


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    default: str


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    group: Group
    default: str


# Order is the order of the preferences page.
GROUPS: dict[str, Group] = {
    g.key: g
    for g in [
        Group("programs", _("Programs, applications and announcements"), Delivery.INSTANT),
        Group("matching", _("Matching and mentor requests"), Delivery.INSTANT),
        Group("relationship", _("Your mentoring relationships"), Delivery.INSTANT),
        Group("progress", _("Goals, sessions and check-ins"), Delivery.DIGEST),
        Group("messages", _("Messages"), Delivery.INSTANT),
        Group("meetings", _("Meetings, office hours and events"), Delivery.INSTANT),
        Group("reminders", _("Reminders and nudges"), Delivery.INSTANT),
        Group("concerns", _("Concerns"), Delivery.INSTANT),
        Group("feedback", _("Surveys, feedback and alerts"), Delivery.INSTANT),
        Group("other", _("Other"), Delivery.INSTANT),
    ]
}

# prefix -> (group, default delivery or None for the group's). Longest prefix wins.
PREFIXES: dict[str, tuple[str, str | None]] = {
    "membership_": ("programs", None),
    "application_": ("programs", None),
    "announcement": ("programs", None),
    "match_": ("matching", None),
    "request_": ("matching", None),
    "rematch_": ("matching", None),
    "relationship_": ("relationship", None),
    "agreement_": ("relationship", None),
    "closure_": ("relationship", None),
    "reassign_": ("relationship", None),
    "goal_": ("progress", None),
    "action_": ("progress", None),
    "session_": ("progress", None),
    "checkin_": ("progress", None),
    "win_": ("progress", None),
    "message_": ("messages", None),
    "meeting_": ("meetings", None),
    "booking_": ("meetings", None),
    "office_": ("meetings", None),
    "event_": ("meetings", None),
    "rsvp_": ("meetings", None),
    "speed_": ("meetings", None),
    "reminder_": ("reminders", None),
    "nudge_": ("reminders", Delivery.DIGEST),
    "concern_": ("concerns", None),
    "anonymous_": ("concerns", None),
    "survey_": ("feedback", None),
    "rating_": ("feedback", None),
    "alert_": ("feedback", None),
}

# Known kinds with their label (and a default when it differs from their prefix's).
_KNOWN: dict[str, tuple[str | Promise, str | None]] = {
    "announcement": (_("Program announcements"), None),
    "application_digest": (_("New applications (coordinators)"), None),
    "membership_approved": (_("Application approved"), None),
    "membership_declined": (_("Application declined"), None),
    "membership_waitlisted": (_("Application waitlisted"), None),
    "membership_completed": (_("Program completed"), None),
    "match_proposed": (_("Match proposed"), None),
    "match_request": (_("Mentor requests"), None),
    "match_request_declined": (_("Mentor request declined"), None),
    "rematch_requested": (_("Rematch requested"), None),
    "relationship_started": (_("Relationship started"), None),
    "relationship_status": (_("Relationship status changed"), None),
    "agreement_drafted": (_("Agreement drafted"), None),
    "agreement_accepted": (_("Agreement accepted"), None),
    "closure_your_turn": (_("Closing a relationship: your turn"), None),
    "closure_would_mentor": (_("A mentee would like to mentor"), None),
    "reassign_added": (_("Added to a relationship"), None),
    "reassign_removed": (_("Removed from a relationship"), None),
    "reassign_mentees": (_("Mentees reassigned"), None),
    "goal_comment": (_("Comments on goals"), None),
    "goal_status": (_("Goal status changes"), None),
    "action_assigned": (_("Action items assigned"), None),
    "session_logged": (_("Sessions logged"), None),
    # A coordinator must hear about a pair that is not working at once.
    "checkin_not_a_good_fit": (_("Check-in: not a good fit"), Delivery.INSTANT),
    "win_posted": (_("Wins posted"), None),
    "message_posted": (_("New messages"), None),
    "concern_reported": (_("Concern reported"), None),
    "concern_resolved": (_("Concern resolved"), None),
    "booking_received": (_("Office-hour bookings received"), None),
    "booking_confirmed": (_("Office-hour booking confirmed"), None),
    "booking_cancelled": (_("Office-hour booking cancelled"), None),
    "booking_withdrawn": (_("Office-hour booking withdrawn"), None),
    "booking_slot_cancelled": (_("Office-hour slot cancelled"), None),
}


def _prefix_of(kind: str) -> tuple[Group, str | None]:
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if kind.startswith(prefix):
            group_key, default = PREFIXES[prefix]
            return GROUPS[group_key], default
    return GROUPS["other"], None


def kind_info(kind: str) -> Kind:
    """Everything about a kind, listed or not."""
    group, prefix_default = _prefix_of(kind)
    label, default = _KNOWN.get(kind, (kind.replace("_", " ").capitalize(), None))
    return Kind(kind, label, group, default or prefix_default or group.default)


def known_kinds() -> list[Kind]:
    return [kind_info(k) for k in _KNOWN]


def group_preference_key(group: Group | str) -> str:
    """The Preference.kind that stores a member's choice for a whole group."""
    return f"group:{group if isinstance(group, str) else group.key}"


def resolve(kind: str, prefs: dict[str, str]) -> str:
    """The delivery of `kind` for a member whose Preference rows are `prefs` (kind -> delivery):
    their choice for the kind, else for its group, else the kind's default."""
    info = kind_info(kind)
    return prefs.get(kind) or prefs.get(group_preference_key(info.group)) or info.default
