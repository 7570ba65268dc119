from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm

from ..models import Concern


class ConcernForm(StyledForm):
    category = forms.ChoiceField(label=_("What is it about?"), choices=Concern.Category.choices)
    body = forms.CharField(
        label=_("What happened?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously"),
        required=False,
        help_text=_(
            "Nothing will link the report to you, not even this relationship: mention anything "
            "the coordinators need to know in the text."
        ),
    )


class ResolveForm(StyledForm):
    resolution = forms.CharField(
        label=_("Resolution"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
