"""Forms of the message thread, the reflection journal and wins."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm


class MessageForm(StyledForm):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReflectionForm(StyledForm):
    prompt = forms.ChoiceField(label=_("Prompt"), required=False)
    body = forms.CharField(
        label=_("Reflection"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    shared = forms.BooleanField(
        label=_("Share this entry with the relationship"),
        required=False,
        help_text=_("Entries are private by default. Coordinators never see them."),
    )

    def __init__(self, *args, prompts: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prompt"].choices = [("", _("No prompt"))] + [(p, p) for p in prompts]


class WinForm(StyledForm):
    title = forms.CharField(label=_("Win"), max_length=200)
    body = forms.CharField(
        label=_("Story"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("I agree to show it on the program's wins wall"),
        required=False,
        help_text=_("It appears on the wall once everyone in the relationship agrees."),
    )
