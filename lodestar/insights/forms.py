from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm, StyledModelForm

from .models import Alert, InsightSettings


class AlertFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Open (new or acknowledged)")),
            *Alert.Status.choices,
            ("all", _("All")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Alert.Kind.choices]
    )


class ResolveForm(StyledForm):
    notes = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessageForm(StyledForm):
    text = forms.CharField(
        label=_("Message to both"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AlertSettingsForm(StyledModelForm):
    class Meta:
        model = InsightSettings
        fields = [
            "quiet_factor",
            "low_rating",
            "missed_checkins",
            "request_days",
            "stale_goal_days",
        ]
        help_texts = {
            "quiet_factor": _("1.5 means: a pair meeting every 14 days is flagged after 21 days."),
            "missed_checkins": _("How many check-in periods may pass without a check-in."),
        }
