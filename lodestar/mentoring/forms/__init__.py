"""Forms of the relationship workspace: one module per part; the status form lives here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import User
from lodestar.core.forms import StyledForm
from lodestar.programs.models import Role
from lodestar.programs.states import ADMITTED_STATUSES

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


class NewRelationshipForm(StyledForm):
    """A coordinator sets up a relationship by hand: one-to-one, a group, or peers."""

    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None)
    track = forms.ModelChoiceField(label=_("Track"), queryset=None)
    mentors = forms.ModelMultipleChoiceField(
        label=_("Mentors"),
        queryset=None,
        required=False,
        help_text=_("One or two; none on a peer track. Hold Ctrl (Cmd on a Mac) to choose two."),
    )
    mentees = forms.ModelMultipleChoiceField(
        label=_("Mentees or peers"),
        queryset=None,
        help_text=_("One for one-to-one mentoring, several for a group, two or three peers."),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        admitted = program.memberships.filter(status__in=ADMITTED_STATUSES)
        people = User.objects.select_related("profile").order_by("profile__display_name", "email")
        self.fields["cohort"].queryset = program.cohorts.all()
        self.fields["track"].queryset = program.tracks.all()
        self.fields["mentors"].queryset = people.filter(
            pk__in=admitted.filter(role__in=[Role.MENTOR, Role.BOTH]).values("user")
        )
        self.fields["mentees"].queryset = people.filter(
            pk__in=admitted.filter(role__in=[Role.MENTEE, Role.BOTH, Role.PEER]).values("user")
        )
        for name in ("mentors", "mentees"):
            self.fields[name].label_from_instance = lambda u: f"{u.name} ({u.email})"

    def clean(self):
        data = super().clean()
        track, mentors, mentees = data.get("track"), data.get("mentors"), data.get("mentees")
        if track is None or mentees is None:
            return data
        mentors = list(mentors or [])
        if track.is_peer:
            if mentors:
                self.add_error("mentors", _("Peers learn together: leave mentors empty."))
            if not 2 <= len(mentees) <= 3:
                self.add_error("mentees", _("Choose two or three peers."))
        elif not 1 <= len(mentors) <= 2:
            self.add_error("mentors", _("Choose one or two mentors."))
        if set(mentors) & set(mentees):
            self.add_error("mentees", _("Someone cannot mentor themselves."))
        cohort = data.get("cohort")
        if cohort is not None:
            # Everyone must be admitted to the chosen cohort, so its surveys, alerts and
            # figures include them.
            admitted = set(
                cohort.memberships.filter(status__in=ADMITTED_STATUSES).values_list(
                    "user_id", flat=True
                )
            )
            outside = [u.name for u in [*mentors, *mentees] if u.pk not in admitted]
            if outside:
                self.add_error(
                    None,
                    _("Not admitted to this cohort: %(names)s.") % {"names": ", ".join(outside)},
                )
        return data
