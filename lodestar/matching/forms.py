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
