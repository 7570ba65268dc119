"""Away periods: dates a member is away, which the slot search leaves out."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AwayPeriod

MAX_DAYS = 366


def current_and_future(user) -> QuerySet[AwayPeriod]:
    return user.away_periods.filter(ends_on__gte=timezone.localdate())


def add_away_period(user, starts_on: dt.date, ends_on: dt.date, note: str = "") -> AwayPeriod:
    errors = []
    if starts_on is None or ends_on is None:
        errors.append(_("Give the first and the last day you are away."))
    elif ends_on < starts_on:
        errors.append(_("The day you are back must not be before the day you leave."))
    elif ends_on < timezone.localdate():
        errors.append(_("This period is already over: add dates from today on."))
    elif (ends_on - starts_on).days >= MAX_DAYS:
        errors.append(_("An away period lasts at most a year."))
    if len(note) > 200:
        errors.append(_("Keep the note under 200 characters."))
    if errors:
        raise ValidationError(errors)
    return AwayPeriod.objects.create(
        user=user, starts_on=starts_on, ends_on=ends_on, note=note.strip()
    )


def delete_away_period(user, pk: int) -> bool:
    deleted, _rows = user.away_periods.filter(pk=pk).delete()
    return bool(deleted)
