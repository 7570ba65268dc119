from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledModelForm

from ..models import Agreement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(StyledModelForm):
    class Meta:
        model = Agreement
        fields = [
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
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "success_measures": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DATE,
            "ends_on": DATE,
            "boundaries": forms.Textarea(attrs={"rows": 3}),
            "confidentiality": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "cadence_days": _("Only for a custom cadence."),
            "channels": _("For example: video call, chat, e-mail."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadence_days"].required = False

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The agreement must end after it starts."))
        cadence = data.get("cadence")
        if cadence == Agreement.Cadence.CUSTOM:
            if not data.get("cadence_days") and "cadence_days" not in self.errors:
                self.add_error(
                    "cadence_days",
                    _("Say every how many days you will meet for a custom cadence."),
                )
        elif cadence:
            data["cadence_days"] = Agreement.CADENCE_DAYS[cadence]
        return data
