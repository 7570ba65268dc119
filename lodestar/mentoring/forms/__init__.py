"""Forms of the relationship workspace: one module per part; the status form lives here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm

from ..listing import ORDERINGS
from ..states import Status


class StatusForm(StyledForm):
    status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    until = forms.DateField(
        label=_("Back on (for a pause)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RelationshipFilterForm(StyledForm):
    """The coordinators' relationship list filters (GET)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=None, required=False, empty_label=_("Any cohort")
    )
    track = forms.ModelChoiceField(
        label=_("Track"), queryset=None, required=False, empty_label=_("Any track")
    )
    attention = forms.BooleanField(label=_("Needs attention only"), required=False)
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    order = forms.ChoiceField(label=_("Order"), required=False)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = program.cohorts.all()
        self.fields["track"].queryset = program.tracks.all()
        self.fields["order"].choices = [(k, label) for k, (label, _o) in ORDERINGS.items()]
