"""Forms of the session log and action items."""

from types import SimpleNamespace

from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import Skill, User
from lodestar.core.forms import StyledForm, StyledModelForm, style_widgets

from ..models import PrivateNote, Relationship, SessionLog
from ..sessions import MAX_ACTION_ITEMS, NewAction

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_ATTRS = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


def _style(fields: dict) -> None:
    """Style fields added after the form's own were styled."""
    style_widgets(SimpleNamespace(fields=fields))


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def _participant_field(relationship: Relationship, required: bool) -> ParticipantChoiceField:
    people = [p.user_id for p in relationship.participants.all()]
    return ParticipantChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.filter(pk__in=people).select_related("profile"),
        required=required,
        empty_label=_("Choose someone"),
    )


class SessionForm(StyledModelForm):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        help_text=_("Skills you worked on. Hold Ctrl (Cmd on a Mac) to choose several."),
    )

    class Meta:
        model = SessionLog
        fields = [
            "occurred_at",
            "duration_minutes",
            "format",
            "topics",
            "shared_notes",
            "next_steps",
        ]
        widgets = {
            "occurred_at": DATETIME_INPUT,
            "shared_notes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"shared_notes": _("Everyone in the relationship sees these.")}


class NewSessionForm(SessionForm):
    """A new session, with the logger's private note and up to three action items."""

    private_note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you will ever see this, not the others nor the coordinators."),
    )

    def __init__(self, *args, relationship: Relationship, **kwargs):
        super().__init__(*args, **kwargs)
        self.relationship = relationship
        added = {}
        for n in range(1, MAX_ACTION_ITEMS + 1):
            added[f"action{n}_title"] = forms.CharField(
                label=_("Action item %(n)s") % {"n": n}, required=False, max_length=300
            )
            added[f"action{n}_assignee"] = _participant_field(relationship, required=False)
            added[f"action{n}_due"] = forms.DateField(
                label=_("Due"), required=False, widget=forms.DateInput(**DATE_ATTRS)
            )
        _style(added)
        self.fields.update(added)

    def action_rows(self):
        return [
            (self[f"action{n}_title"], self[f"action{n}_assignee"], self[f"action{n}_due"])
            for n in range(1, MAX_ACTION_ITEMS + 1)
        ]

    def clean(self):
        data = super().clean()
        actions = []
        for n in range(1, MAX_ACTION_ITEMS + 1):
            title = (data.get(f"action{n}_title") or "").strip()
            assignee = data.get(f"action{n}_assignee")
            due = data.get(f"action{n}_due")
            if not title:
                if assignee or due:
                    self.add_error(f"action{n}_title", _("Give the action item a title."))
                continue
            if assignee is None:
                self.add_error(f"action{n}_assignee", _("Choose who will do it."))
                continue
            actions.append(NewAction(title=title, assignee=assignee, due_on=due))
        data["actions"] = actions
        return data


class PrivateNoteForm(StyledModelForm):
    class Meta:
        model = PrivateNote
        fields = ["body"]
        labels = {"body": _("My private note")}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"body": _("Only you see it. Leave it empty to delete it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False


class ActionItemForm(StyledForm):
    title = forms.CharField(label=_("Action"), max_length=300)
    due_on = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(**DATE_ATTRS))

    def __init__(self, *args, relationship: Relationship, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _participant_field(relationship, required=True)
        _style({"assignee": self.fields["assignee"]})
        self.order_fields(["title", "assignee", "due_on"])
