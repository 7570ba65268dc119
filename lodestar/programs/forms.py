from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm, StyledModelForm, style_widgets

from .models import (
    Cohort,
    IntakeQuestion,
    Invitation,
    Milestone,
    OnboardingItem,
    Program,
    Role,
    Track,
)
from .states import Status


class ProgramForm(StyledModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "description",
            "objectives",
            "success_measures",
            "status",
            "admission",
            "matching_mode",
            "default_mentor_capacity",
            "welcome_message",
            "requires_agreement",
            "goal_progress",
            "checkin_every_days",
            "reflection_prompts",
        ]
        widgets = {
            "reflection_prompts": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "success_measures": forms.Textarea(attrs={"rows": 3}),
            "welcome_message": forms.Textarea(attrs={"rows": 4}),
        }


class TrackForm(StyledModelForm):
    class Meta:
        model = Track
        fields = ["name", "kind", "description", "order"]


class CohortForm(StyledModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "applications_open", "applications_close", "starts_on", "ends_on"]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in ["applications_open", "applications_close", "starts_on", "ends_on"]
        }


class MilestoneForm(StyledModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class QuestionForm(StyledModelForm):
    options_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For choice questions: one option per line."),
    )

    class Meta:
        model = IntakeQuestion
        fields = ["text", "help_text", "kind", "audience", "required", "order"]

    def clean(self):
        cleaned = super().clean()
        options = [
            line.strip()[:100]
            for line in cleaned.get("options_text", "").splitlines()
            if line.strip()
        ]
        options = list(dict.fromkeys(options))
        if cleaned.get("kind") in {IntakeQuestion.Kind.SINGLE, IntakeQuestion.Kind.MULTIPLE}:
            if len(options) < 2:
                self.add_error("options_text", _("A choice question needs at least two options."))
            if len(options) > 20:
                self.add_error("options_text", _("Offer at most 20 options."))
        else:
            options = []
        self.instance.options = options
        return cleaned

    def _post_clean(self):
        # The model checks the options too; they are already reported against their field.
        if not self.has_error("options_text"):
            super()._post_clean()


class OnboardingItemForm(StyledModelForm):
    class Meta:
        model = OnboardingItem
        fields = ["text", "audience", "order"]


class CoordinatorForm(StyledForm):
    email = forms.EmailField(label=_("E-mail address of the member"))


class InvitationForm(StyledModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "cohort", "role", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = program.cohorts.all()


class ApplicationForm(StyledForm):
    """Cohort, track and role, plus one field per intake question of the program."""

    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none())
    track = forms.ModelChoiceField(label=_("Track"), queryset=Track.objects.none())
    role = forms.ChoiceField(
        label=_("I want to join as"), choices=Role.choices, widget=forms.RadioSelect
    )
    capacity = forms.IntegerField(
        label=_("Mentors: how many mentees can you take on?"),
        min_value=1,
        max_value=20,
        required=False,
    )

    def __init__(self, *args, program: Program, cohorts, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.questions = questions
        self.fields["cohort"].queryset = cohorts
        self.fields["track"].queryset = program.tracks.all()
        self.fields["capacity"].initial = program.default_mentor_capacity
        if len(cohorts) == 1:
            self.fields["cohort"].initial = cohorts[0].pk
        for q in questions:
            self.fields[f"q{q.pk}"] = self._question_field(q)
        style_widgets(self)

    @staticmethod
    def _question_field(q: IntakeQuestion) -> forms.Field:
        # A question for one audience only is required for that role alone: the service checks it.
        required = q.required and q.audience == IntakeQuestion.Audience.ALL
        common = {"label": q.text, "help_text": q.help_text, "required": required}
        kind = q.kind
        if kind == IntakeQuestion.Kind.LONG:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
        if kind == IntakeQuestion.Kind.SINGLE:
            return forms.ChoiceField(
                choices=[(o, o) for o in q.options], widget=forms.RadioSelect, **common
            )
        if kind == IntakeQuestion.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(o, o) for o in q.options], widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == IntakeQuestion.Kind.SCALE:
            return forms.ChoiceField(
                choices=[(str(i), str(i)) for i in range(1, 6)], widget=forms.RadioSelect, **common
            )
        return forms.CharField(**common)

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in {Role.MENTOR, Role.BOTH} and not cleaned.get("capacity"):
            self.add_error("capacity", _("Tell us how many mentees you can take on."))
        return cleaned

    def add_service_errors(self, exc: ValidationError) -> None:
        """Attach a service error to the field it concerns (question ids map to q<id>)."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.error_dict.items():
                field = key if key in self.fields else f"q{key}"
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class ReviewFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=80)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices]
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        required=False,
        queryset=Cohort.objects.none(),
        empty_label=_("Any cohort"),
    )
    track = forms.ModelChoiceField(
        label=_("Track"), required=False, queryset=Track.objects.none(), empty_label=_("Any track")
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = program.cohorts.all()
        self.fields["track"].queryset = program.tracks.all()


BULK_TARGETS = [
    (Status.APPROVED, _("Approve")),
    (Status.WAITLISTED, _("Waitlist")),
    (Status.DECLINED, _("Decline")),
]


class BulkActionForm(StyledForm):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("Applications"))
    action = forms.ChoiceField(label=_("Action"), choices=BULK_TARGETS)
    message = forms.CharField(
        label=_("Message to the applicants (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, valid_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(i, i) for i in valid_ids]
        self.fields["ids"].error_messages["required"] = _("Select at least one application.")
        self.fields["ids"].error_messages["invalid_choice"] = _(
            "Some of the selected applications are not in this program."
        )


class TransitionForm(StyledForm):
    status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(
        label=_("Note or message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GraduationForm(StyledForm):
    cohort = forms.ModelChoiceField(label=_("Next cohort"), queryset=Cohort.objects.none())
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, program: Program, exclude_cohort: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = program.cohorts.exclude(pk=exclude_cohort)


class AcceptGraduationForm(StyledForm):
    track = forms.ModelChoiceField(label=_("Track"), queryset=Track.objects.none())
    capacity = forms.IntegerField(
        label=_("How many mentees can you take on?"), min_value=1, max_value=20, initial=2
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = program.tracks.exclude(kind=Track.Kind.PEER)
