from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm

from ..models import CheckIn

RATINGS = [(n, str(n)) for n in range(1, 6)]
FIT = [("yes", _("Yes")), ("no", _("No"))]


class CheckInForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("How is it going? (1 = badly, 5 = very well)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    meeting_as_agreed = forms.ChoiceField(
        label=_("Are you meeting as agreed?"),
        choices=CheckIn.Meeting.choices,
        widget=forms.RadioSelect,
    )
    blockers = forms.CharField(
        label=_("Anything blocking?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.CharField(
        label=_("Anything else?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    good_fit = forms.ChoiceField(
        label=_("Is this a good fit?"),
        choices=FIT,
        widget=forms.RadioSelect,
        help_text=_("Honest answers help: a coordinator can find a better match."),
    )

    def __init__(self, *args, asks_fit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_fit:
            del self.fields["good_fit"]

    def good_fit_answer(self) -> bool | None:
        value = self.cleaned_data.get("good_fit")
        return None if not value else value == "yes"
