"""Forms of meetings, away periods and feeds. Times typed by a member are read in their own
time zone (the middleware activates it), and offered slots are sent as UTC ISO strings."""

import datetime as dt

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm
from lodestar.mentoring.models import Goal, Relationship

from .meetings import MAX_MINUTES, MIN_MINUTES
from .models import Format, Meeting

CUSTOM = "custom"
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def slot_label(start: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(start), "l j F Y, H:i")


class TimeForm(StyledForm):
    """One of the offered slots, or a custom time in the viewer's time zone."""

    slot = forms.ChoiceField(
        label=_("When"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("This time is no longer offered. Choose another one."),
            "required": _("Choose one of the times, or your own."),
        },
    )
    custom_start = forms.DateTimeField(
        label=_("Your own time"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("In your time zone. Used when you choose “Another time”."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=MIN_MINUTES, max_value=MAX_MINUTES
    )
    message = forms.CharField(
        label=_("Message"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, slots=(), minutes: int = 60, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.isoformat(), slot_label(s)) for s in slots] + [
            (CUSTOM, _("Another time"))
        ]
        self.fields["duration_minutes"].initial = minutes
        if slots:
            self.fields["slot"].initial = slots[0].isoformat()
        else:
            self.fields["slot"].initial = CUSTOM

    def clean(self):
        data = super().clean()
        slot = data.get("slot")
        if slot == CUSTOM:
            if data.get("custom_start") is None and "custom_start" not in self.errors:
                self.add_error("custom_start", _("Give the date and time you suggest."))
            data["starts_at"] = data.get("custom_start")
        elif slot:
            data["starts_at"] = dt.datetime.fromisoformat(slot)
        return data


class ProposeForm(TimeForm):
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.VIDEO)
    location = forms.CharField(
        label=_("Link, number or place"),
        required=False,
        max_length=300,
        help_text=_("Any video link you use, a phone number or an address."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=3000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("What you would like to talk about. The mentee usually prepares it."),
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals to discuss"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        "slot",
        "custom_start",
        "duration_minutes",
        "format",
        "location",
        "agenda",
        "goals",
        "message",
    ]

    def __init__(self, *args, relationship: Relationship, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = relationship.goals.exclude(status=Goal.Status.DROPPED)
        if not self.fields["goals"].queryset.exists():
            del self.fields["goals"]


class AnswerForm(StyledForm):
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 2}),
    )


class CancelForm(StyledForm):
    message = forms.CharField(
        label=_("Why you cancel"), max_length=1000, widget=forms.Textarea({"rows": 2})
    )


class AgendaForm(StyledForm):
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=3000, widget=forms.Textarea({"rows": 4})
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals to discuss"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, relationship: Relationship, meeting: Meeting | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["goals"].queryset = relationship.goals.exclude(status=Goal.Status.DROPPED)
        if meeting is not None:
            self.initial = {"agenda": meeting.agenda, "goals": [g.pk for g in meeting.goals.all()]}


class AwayForm(StyledForm):
    """A plain form: the service gives the clear messages (the model's check constraint would
    only name itself)."""

    starts_on = forms.DateField(label=_("Away from"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Away until (last day away)"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
