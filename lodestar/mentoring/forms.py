from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm

from .states import Status


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
