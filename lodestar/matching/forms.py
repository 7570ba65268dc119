from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm, style_widgets


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


SETTINGS_FIELDS = (
    "mode",
    "algorithm",
    "ranked_requests",
    "min_score",
    "suggestions",
    "exclude_same_affiliation",
)


class SettingsForm(StyledForm):
    """The program's matching weights and options."""

    def __init__(self, *args, settings, **kwargs):
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
            fields=list(SETTINGS_FIELDS),
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


class RankingForm(StyledForm):
    """Up to five mentors, best first, each with a reason."""

    def __init__(self, *args, mentors, current, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(nobody)"))] + [(str(m.pk), m.user.name) for m in mentors]
        for k in range(1, 6):
            chosen = current[k - 1] if k <= len(current) else None
            self.fields[f"mentor_{k}"] = forms.ChoiceField(
                label=_("Choice %(k)d") % {"k": k},
                choices=choices,
                required=False,
                initial=str(chosen.mentor_id) if chosen else "",
            )
            self.fields[f"reason_{k}"] = forms.CharField(
                label=_("Why choice %(k)d") % {"k": k},
                max_length=300,
                required=False,
                initial=chosen.reason if chosen else "",
            )
        style_widgets(self)

    def ranked(self) -> list[tuple[str, str]]:
        return [
            (self.cleaned_data[f"mentor_{k}"], self.cleaned_data[f"reason_{k}"])
            for k in range(1, 6)
            if self.cleaned_data.get(f"mentor_{k}")
        ]
