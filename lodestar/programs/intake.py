"""Checks answers to a program's intake questions, the same way for the form and the API."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import IntakeQuestion

MAX_TEXT = {IntakeQuestion.Kind.SHORT: 300, IntakeQuestion.Kind.LONG: 5000}


def clean_answer(question: IntakeQuestion, raw: Any) -> Any:
    """The stored form of one answer, None when blank; ValidationError when invalid."""
    kind = question.kind
    if kind in MAX_TEXT:
        value = "" if raw is None else str(raw).strip()
        if len(value) > MAX_TEXT[kind]:
            raise ValidationError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT[kind]})
        return value or None
    if kind == IntakeQuestion.Kind.SINGLE:
        if raw in (None, ""):
            return None
        if raw not in question.options:
            raise ValidationError(_("Choose one of the options."))
        return raw
    if kind == IntakeQuestion.Kind.MULTIPLE:
        values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        if any(v not in question.options for v in values):
            raise ValidationError(_("Choose among the options."))
        return list(dict.fromkeys(values)) or None
    # Scale 1-5.
    if raw in (None, ""):
        return None
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose a number from 1 to 5.")) from None
    if not 1 <= number <= 5 or isinstance(raw, bool):
        raise ValidationError(_("Choose a number from 1 to 5."))
    return number


def clean_answers(
    questions: list[IntakeQuestion], role: str, raw: dict[int, Any]
) -> dict[int, Any]:
    """Clean answers keyed by question id; every error is reported at once, keyed the same way."""
    cleaned: dict[int, Any] = {}
    errors: dict[str, list[str]] = {}
    known = {q.pk for q in questions}
    for qid in raw:
        if qid not in known:
            errors[str(qid)] = [_("This question is not part of the application.")]
    for question in questions:
        if not question.applies_to(role):
            continue
        try:
            value = clean_answer(question, raw.get(question.pk))
        except ValidationError as exc:
            errors[str(question.pk)] = exc.messages
            continue
        if value is None:
            if question.required:
                errors[str(question.pk)] = [_("This question needs an answer.")]
            continue
        cleaned[question.pk] = value
    if errors:
        raise ValidationError(errors)
    return cleaned
