from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm

from ..models import Closure


class ClosureForm(StyledForm):
    objectives_met = forms.ChoiceField(
        label=_("Did we meet our objectives?"),
        choices=Closure.Met.choices,
        widget=forms.RadioSelect,
    )
    reflection = forms.CharField(
        label=_("Final reflection"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What changed for you? The others and the coordinators can read it."),
    )
    mentor_next_time = forms.BooleanField(
        label=_("I would like to mentor in a future cohort"), required=False
    )

    def __init__(self, *args, is_mentee: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_mentee:
            del self.fields["mentor_next_time"]


class RematchForm(StyledForm):
    reason = forms.CharField(
        label=_("Why would you like a new match?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the coordinators read this."),
    )


class ReassignForm(StyledForm):
    old_mentor = forms.ModelChoiceField(label=_("Mentor to replace"), queryset=None)
    new_mentor = forms.ModelChoiceField(label=_("New mentor"), queryset=None)
    message = forms.CharField(
        label=_("Message to everyone"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, current, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_mentor"].queryset = current
        self.fields["new_mentor"].queryset = candidates
        for name in ("old_mentor", "new_mentor"):
            self.fields[name].label_from_instance = lambda u: f"{u.name} ({u.email})"
