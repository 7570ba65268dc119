"""A member's own data: the export every app contributes to, and account deletion.

Apps that store personal data register an exporter in their AppConfig.ready(), so accounts
never has to import the apps that depend on it.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from lodestar.core.models import audit

from .models import User

Exporter = Callable[[User], Any]
_exporters: dict[str, Exporter] = {}


def register_exporter(name: str, exporter: Exporter) -> None:
    _exporters[name] = exporter


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
    member suggested and a coordinator accepted) stay, with the author set to nobody.
    """
    audit(None, "account.deleted", user)
    user.delete()
