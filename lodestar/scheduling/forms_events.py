"""Forms of office hours, events and speed mentoring."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import time_zone_choices
from lodestar.core.forms import StyledForm, StyledModelForm
from lodestar.programs.models import Program
from lodestar.programs.states import ADMITTED_STATUSES

from .models import Booking, Event, OfficeHours
from .office_hours import WeeklyPattern

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip


class PatternForm(StyledForm):
    """A weekly pattern of slots, in the host's time zone."""

    weekday = forms.TypedChoiceField(label=_("Every"), choices=WEEKDAYS, coerce=int)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("Until"), widget=TIME)
    slot_minutes = forms.IntegerField(
        label=_("Slot length (minutes)"), min_value=10, max_value=240, initial=30
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    starts_on = forms.DateField(label=_("First date"), widget=DATE)
    ends_on = forms.DateField(label=_("Last date"), widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["time_zone"].initial = getattr(user, "time_zone", "") or "UTC"
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + dt.timedelta(weeks=8)

    def clean(self):
        data = super().clean()
        start, end, minutes = data.get("start"), data.get("end"), data.get("slot_minutes")
        if start and end and end <= start:
            self.add_error("end", _("The end time must be after the start time."))
        elif start and end and minutes:
            span = dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
            if span < dt.timedelta(minutes=minutes):
                self.add_error("slot_minutes", _("One slot does not fit between these times."))
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The last date must not be before the first."))
        return data

    def pattern(self) -> WeeklyPattern:
        d = self.cleaned_data
        return WeeklyPattern(
            d["weekday"], d["start"], d["end"], d["slot_minutes"], d["time_zone"],
            d["starts_on"], d["ends_on"],
        )  # fmt: skip


class OfficeHoursForm(StyledModelForm):
    class Meta:
        model = OfficeHours
        fields = [
            "title", "description", "format", "location", "capacity", "booking_deadline_hours",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class BookingForm(StyledModelForm):
    class Meta:
        model = Booking
        fields = ["topic"]


class MessageForm(StyledForm):
    message = forms.CharField(
        label=_("Message to the people concerned"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EventForm(StyledModelForm):
    class Meta:
        model = Event
        fields = [
            "kind", "title", "description", "cohort", "host", "starts_at", "duration_minutes",
            "format", "location", "capacity", "resources", "round_minutes",
        ]  # fmt: skip
        widgets = {
            "starts_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 4}),
            "resources": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "starts_at": _("In your time zone."),
            "round_minutes": _("Speed mentoring only."),
        }

    def __init__(self, *args, program: Program, can_change_host: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = program.cohorts.all()
        self.fields["cohort"].required = False
        self.fields["cohort"].empty_label = _("Whole program")
        people = get_user_model().objects.filter(
            Q(coordinator__program=program)
            | Q(memberships__program=program, memberships__status__in=ADMITTED_STATUSES)
        )
        self.fields["host"].queryset = people.select_related("profile").distinct()
        self.fields["host"].label_from_instance = lambda u: u.name
        if not can_change_host:
            self.fields["host"].disabled = True
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("Leave the places empty for no limit."))
        return capacity

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        changed = self.instance.pk is None or starts_at != self.instance.starts_at
        if changed and starts_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return starts_at


class RotationForm(StyledForm):
    rounds = forms.IntegerField(label=_("Rounds"), min_value=1, max_value=40, required=False)

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rounds"].max_value = limit
        self.fields["rounds"].widget.attrs["max"] = limit
        self.fields["rounds"].help_text = _(
            "Empty: one round per mentor, at most %(n)d (what fits in the event)."
        ) % {"n": limit}


class FollowUpForm(StyledForm):
    mentors = forms.TypedMultipleChoiceField(
        label=_("I would like to continue with"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, met: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].choices = [(u.pk, u.name) for u in met]
