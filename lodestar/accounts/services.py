"""Changes to a member's own records and to the skill taxonomy."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit

from .choices import PREFER_NOT_TO_SAY, SkillKind
from .models import DemographicAnswer, Skill, SkillCategory, SkillSuggestion, User, UserSkill


def add_user_skill(
    user: User, skill: Skill, kind: str, level: int, target_level: int | None = None
) -> UserSkill:
    item = UserSkill(
        user=user,
        skill=skill,
        kind=kind,
        level=level,
        target_level=target_level if kind == SkillKind.WANT else None,
    )
    item.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ValidationError(_("This skill is already in your list.")) from None
    return item


@transaction.atomic
def save_demographics(user: User, answers: dict[int, str], questions, consent: bool) -> None:
    """Save the member's equity answers; withdrawing consent deletes them all."""
    profile = user.profile
    if not consent:
        if any(answers.values()):
            raise ValidationError(_("Agree to the notice before answering."))
        user.demographics.all().delete()
        profile.demographics_consent_at = None
        profile.save(update_fields=["demographics_consent_at"])
        return
    if profile.demographics_consent_at is None:
        profile.demographics_consent_at = timezone.now()
        profile.save(update_fields=["demographics_consent_at"])
    by_id = {q.pk: q for q in questions}
    for qid, value in answers.items():
        question = by_id[qid]
        if value == "":
            DemographicAnswer.objects.filter(user=user, question=question).delete()
            continue
        if value != PREFER_NOT_TO_SAY and value not in question.options:
            raise ValidationError(_("Choose one of the answers offered."))
        DemographicAnswer.objects.update_or_create(
            user=user, question=question, defaults={"value": value}
        )


@transaction.atomic
def review_suggestion(
    suggestion: SkillSuggestion, actor: User, accept: bool, category: SkillCategory | None = None
) -> Skill | None:
    locked = SkillSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SkillSuggestion.Status.PENDING:
        raise ValidationError(_("This suggestion was already reviewed."))
    locked.reviewed_by = actor
    skill = None
    if accept:
        category = category or locked.category
        if category is None:
            raise ValidationError(_("Choose a category for the new skill."))
        skill = Skill.objects.filter(name__iexact=locked.name).first()
        if skill is None:
            skill = Skill(name=locked.name, category=category)
            # The slug is derived from the name in save().
            skill.full_clean(exclude=["slug"])
            skill.save()
        locked.skill = skill
        locked.status = SkillSuggestion.Status.ACCEPTED
    else:
        locked.status = SkillSuggestion.Status.REJECTED
    locked.save(update_fields=["status", "reviewed_by", "skill", "updated_at"])
    audit(actor, f"skill_suggestion.{locked.status}", locked)
    return skill


def delete_stale_demographics() -> int:
    """Equity answers nobody has confirmed within the retention period are deleted."""
    from datetime import timedelta

    from django.conf import settings

    cutoff = timezone.now() - timedelta(days=settings.DEMOGRAPHICS_RETENTION_DAYS)
    deleted, _by_model = DemographicAnswer.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
