"""A member's own data: the export every app contributes to, and account deletion.

Apps that store personal data register an exporter and, where deleting the user's rows is not
enough, an eraser in their AppConfig.ready(), so accounts never imports the apps above it.
"""

import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from lodestar.core.models import AuditLog, audit

from .models import User

Exporter = Callable[[User], Any]
# An eraser removes or anonymizes what other people's records say about the user.
Eraser = Callable[[User, list[str]], None]
_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}

FORMER_MEMBER = "a former member"


def register_exporter(name: str, exporter: Exporter) -> None:
    _exporters[name] = exporter


def register_eraser(name: str, eraser: Eraser) -> None:
    _erasers[name] = eraser


def identifying_strings(user: User) -> list[str]:
    """The texts that name the user in records that outlive them."""
    names = [user.email]
    display_name = getattr(getattr(user, "profile", None), "display_name", "")
    if display_name and len(display_name) >= 3:
        names.append(display_name)
    return names


def export_user_data(user: User) -> dict[str, Any]:
    profile = user.profile
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "time_zone": user.time_zone,
        },
        "profile": {
            "display_name": profile.display_name,
            "pronouns": profile.pronouns,
            "headline": profile.headline,
            "bio": profile.bio,
            "affiliation": profile.affiliation,
            "location": profile.location,
            "objectives": profile.objectives,
            "meeting_structure": profile.meeting_structure,
            "feedback_style": profile.feedback_style,
            "conversation_mode": profile.conversation_mode,
            "learning_style": profile.learning_style,
            "formats": profile.formats,
            "links": profile.links,
        },
        "languages": [
            {"language": lang.language, "proficiency": lang.proficiency}
            for lang in user.languages.all()
        ],
        "availability": [
            {"weekday": w.weekday, "start": w.start.isoformat(), "end": w.end.isoformat()}
            for w in user.availability.all()
        ],
        "skills": [
            {
                "skill": s.skill.name,
                "kind": s.kind,
                "level": s.level,
                "target_level": s.target_level,
            }
            for s in user.skills.select_related("skill")
        ],
        "skill_suggestions": [
            {"name": s.name, "status": s.status, "created_at": s.created_at.isoformat()}
            for s in user.skill_suggestions.all()
        ],
        "demographics": {
            a.question.key: a.value for a in user.demographics.select_related("question")
        },
    }
    for name, exporter in sorted(_exporters.items()):
        data[name] = exporter(user)
    return data


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the member and everything that is only theirs.

    Records other people rely on (audit entries, status changes a coordinator made, skills the
    member suggested) stay, with the author set to nobody; other people's records that name the
    member (a coordinator's digest, a failed sign-in entry) say "a former member" instead.
    """
    names = identifying_strings(user)
    for _name, eraser in sorted(_erasers.items()):
        eraser(user, names)
    for entry in AuditLog.objects.filter(data__icontains=user.email):
        entry.data = _scrub(entry.data, names)
        entry.save(update_fields=["data"])
    _end_sessions(user)
    audit(None, "account.deleted", user)
    user.delete()


def _scrub(value: Any, names: list[str]) -> Any:
    if isinstance(value, str):
        for name in names:
            value = re.sub(re.escape(name), FORMER_MEMBER, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, names) for v in value]
    return value


def scrub_text(text: str, names: list[str]) -> str:
    return _scrub(text, names)


def _end_sessions(user: User) -> None:
    """Database sessions are not indexed by user: read them to find the member's."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
