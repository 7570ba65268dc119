"""The pair's agreement: versions drafted by either side, in force once everyone accepted one.

A draft is a new version; its drafter accepts it by drafting it. The latest accepted version
stays in force until every participant has accepted a newer one.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify

from . import services
from .figures import refresh_agreed
from .models import Agreement, AgreementAcceptance, Relationship
from .states import Status

FIELDS = [
    "objectives",
    "success_measures",
    "starts_on",
    "ends_on",
    "cadence",
    "cadence_days",
    "meeting_minutes",
    "channels",
    "boundaries",
    "confidentiality",
]


def versions(relationship: Relationship) -> list[Agreement]:
    """Every version, newest first, with who accepted it."""
    return list(
        relationship.agreements.select_related("drafted_by__profile").prefetch_related(
            Prefetch(
                "acceptances",
                queryset=AgreementAcceptance.objects.select_related("user__profile").order_by(
                    "accepted_at", "id"
                ),
            )
        )
    )


def in_force(agreements: list[Agreement]) -> Agreement | None:
    """The latest version everyone accepted (from `versions`, newest first)."""
    return next((a for a in agreements if a.accepted_at is not None), None)


def pending(agreements: list[Agreement]) -> Agreement | None:
    """The latest version when it still waits for someone's acceptance."""
    if agreements and agreements[0].accepted_at is None:
        return agreements[0]
    return None


def waiting_for(relationship: Relationship, agreement: Agreement) -> list:
    """Participants who have not accepted this version yet (acceptances prefetched)."""
    accepted = {a.user_id for a in agreement.acceptances.all()}
    return [p.user for p in relationship.participants.all() if p.user_id not in accepted]


def initial_for(relationship: Relationship) -> dict:
    """A new draft starts from the latest version, or from the program and cohort."""
    latest = relationship.agreements.order_by("-version").first()
    if latest is not None:
        return {name: getattr(latest, name) for name in FIELDS}
    return {
        "objectives": relationship.program.objectives,
        "success_measures": relationship.program.success_measures,
        "starts_on": max(relationship.cohort.starts_on, relationship.started_on),
        "ends_on": relationship.cohort.ends_on,
        "cadence": Agreement.Cadence.BIWEEKLY,
        "cadence_days": Agreement.CADENCE_DAYS[Agreement.Cadence.BIWEEKLY],
        "meeting_minutes": 60,
    }


def _clean(data: dict) -> dict:
    data = {name: data.get(name) for name in FIELDS if name in data}
    for name in ["objectives", "success_measures", "channels", "boundaries", "confidentiality"]:
        data[name] = (data.get(name) or "").strip()
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends <= starts:
        raise ValidationError({"ends_on": _("The agreement must end after it starts.")})
    cadence = data.get("cadence") or Agreement.Cadence.BIWEEKLY
    if cadence not in Agreement.Cadence.values:
        raise ValidationError({"cadence": _("Choose how often you will meet.")})
    if cadence == Agreement.Cadence.CUSTOM:
        if not data.get("cadence_days"):
            raise ValidationError(
                {"cadence_days": _("Say every how many days you will meet for a custom cadence.")}
            )
    else:
        data["cadence_days"] = Agreement.CADENCE_DAYS[cadence]
    data["cadence"] = cadence
    if data.get("meeting_minutes") is None:
        data["meeting_minutes"] = 60
    return data


@transaction.atomic
def draft_agreement(relationship: Relationship, user, data: dict) -> Agreement:
    """Draft version N+1; it counts as the drafter's acceptance."""
    services.ensure_open(relationship)
    services.ensure_participant(relationship, user)
    fields = _clean(data)
    # Lock the relationship so two drafts at once cannot take the same version number.
    Relationship.objects.select_for_update().filter(pk=relationship.pk).first()
    last = relationship.agreements.order_by("-version").values_list("version", flat=True).first()
    agreement = Agreement(
        relationship=relationship, version=(last or 0) + 1, drafted_by=user, **fields
    )
    agreement.full_clean()
    agreement.save()
    AgreementAcceptance.objects.create(agreement=agreement, user=user)
    if not _finish_if_everyone_accepted(relationship, agreement, user):
        for participant in relationship.participants.all():
            if participant.user_id != user.pk:
                notify(
                    participant.user,
                    "agreement_drafted",
                    {"relationship": relationship, "agreement": agreement, "actor": user},
                    agreement_url(relationship),
                )
    return agreement


@transaction.atomic
def accept_agreement(relationship: Relationship, user, version: int | None = None) -> Agreement:
    """Accept the latest version; `version` guards against accepting a text one has not read."""
    services.ensure_open(relationship)
    services.ensure_participant(relationship, user)
    Relationship.objects.select_for_update().filter(pk=relationship.pk).first()
    latest = relationship.agreements.order_by("-version").first()
    if latest is None:
        raise ValidationError(_("There is no agreement to accept yet."))
    if version is not None and version != latest.version:
        raise ValidationError(
            _("A newer version of the agreement was drafted: read it before accepting.")
        )
    if latest.accepted_at is not None or latest.acceptances.filter(user=user).exists():
        raise ValidationError(_("You have already accepted this version."))
    AgreementAcceptance.objects.create(agreement=latest, user=user)
    _finish_if_everyone_accepted(relationship, latest, user)
    return latest


def _finish_if_everyone_accepted(relationship: Relationship, agreement: Agreement, user) -> bool:
    accepted = set(agreement.acceptances.values_list("user_id", flat=True))
    participants = list(relationship.participants.all())
    if any(p.user_id not in accepted for p in participants):
        return False
    agreement.accepted_at = timezone.now()
    agreement.save(update_fields=["accepted_at"])
    refresh_agreed(relationship.pk, agreement.accepted_at)
    audit(
        user,
        "agreement.accepted",
        agreement,
        relationship.program_id,
        relationship=relationship.pk,
        version=agreement.version,
    )
    for participant in participants:
        notify(
            participant.user,
            "agreement_accepted",
            {"relationship": relationship, "agreement": agreement},
            agreement_url(relationship),
        )
    if relationship.status == Status.PROPOSED:
        services.change_status(
            relationship,
            Status.ACTIVE,
            user,
            note=_("Everyone accepted the agreement (version %(v)s).") % {"v": agreement.version},
        )
    return True


def agreement_url(relationship: Relationship) -> str:
    return reverse("mentoring:agreement", args=[relationship.pk])
