from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm


class RequestForm(StyledForm):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Why this mentor? (a sentence or two)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason (shared with the mentee)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pause = forms.BooleanField(label=_("Also pause new requests for now"), required=False)


class MentorFilterForm(StyledForm):
    q = forms.CharField(label=_("Skill, name or headline"), required=False, max_length=80)
    language = forms.CharField(label=_("Language code"), required=False, max_length=8)


class StartRoundForm(StyledForm):
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = program.cohorts.all()


class SettingsForm(StyledForm):
    """The program's matching weights and options."""

    def __init__(self, *args, settings, **kwargs):
        from lodestar.core.forms import style_widgets

        from .engine.model import COMPONENTS
        from .models import MatchingSettings

        super().__init__(*args, **kwargs)
        labels = {
            "skills": _("Skills the mentee wants that the mentor has"),
            "goals": _("Similar goals (the mentee's objectives and the mentor's offer)"),
            "style": _("Communication and learning style fit"),
            "availability": _("Shared weekly availability"),
            "format": _("Preferred meeting formats"),
            "seniority": _("Track and seniority gap"),
            "preferences": _("Preferences the mentee opted into"),
        }
        for name in COMPONENTS:
            self.fields[f"w_{name}"] = forms.FloatField(
                label=labels[name],
                min_value=0,
                max_value=10,
                initial=settings.weights.get(name, 0.0),
            )
        model_fields = forms.models.fields_for_model(
            MatchingSettings,
            fields=["mode", "min_score", "suggestions", "exclude_same_affiliation"],
        )
        for name, field in model_fields.items():
            field.initial = getattr(settings, name)
            self.fields[name] = field
        self.fields["min_score"].min_value = 0
        self.fields["min_score"].max_value = 1
        self.fields["suggestions"].max_value = 20
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        weights = [v for k, v in cleaned.items() if k.startswith("w_") and v is not None]
        if weights and sum(weights) <= 0:
            raise forms.ValidationError(_("At least one weight must be above zero."))
        ms = cleaned.get("min_score")
        if ms is not None and not 0 <= ms <= 1:
            self.add_error("min_score", _("Use a number from 0 to 1."))
        return cleaned
