from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm, StyledModelForm, style_widgets

from .models import Question, Schedule, Section, Survey
from .surveys import TEXT_LIMITS, parse_options


class SurveyForm(StyledModelForm):
    class Meta:
        model = Survey
        fields = ["title", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"intro": _("Shown to members above the questions.")}


class SectionForm(StyledModelForm):
    class Meta:
        model = Section
        fields = ["title"]


class QuestionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(label=_("Help text"), max_length=300, required=False)
    options = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice questions: one choice per line, at least two."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.none(), required=False,
        empty_label=_("(no section)"),
    )  # fmt: skip
    order = forms.IntegerField(
        label=_("Position"), min_value=0, max_value=999, required=False,
        help_text=_("Lower numbers come first. Leave empty to add at the end."),
    )  # fmt: skip

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = survey.sections.all()

    def clean_options(self) -> list[str]:
        return parse_options(self.cleaned_data.get("options", ""))

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        return {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "options": "\n".join(question.options or []),
            "required": question.required,
            "section": question.section_id,
            "order": question.order,
        }


class ScheduleForm(StyledModelForm):
    class Meta:
        model = Schedule
        fields = ["trigger", "every_days", "role", "cohort", "track", "answer_within_days"]
        help_texts = {
            "every_days": _("Only for recurring sends: 7 days or more."),
            "role": _("Leave empty for everyone."),
        }

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = survey.program.cohorts.all()
        self.fields["track"].queryset = survey.program.tracks.all()


class AnswerForm(StyledForm):
    """One field per question, named after its id."""

    def __init__(self, *args, questions: list[Question], disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[self.name_of(q)] = self._field(q, disabled)
        style_widgets(self)

    @staticmethod
    def name_of(question: Question) -> str:
        return f"q{question.pk}"

    @staticmethod
    def _field(q: Question, disabled: bool) -> forms.Field:
        common = {
            "label": q.text,
            "help_text": q.help_text,
            "required": q.required,
            "disabled": disabled,
        }
        if q.kind == Question.Kind.SCALE:
            choices = [(str(n), str(n)) for n in range(1, 6)]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if q.kind == Question.Kind.NPS:
            choices = [(str(n), str(n)) for n in range(0, 11)]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if q.kind == Question.Kind.SINGLE:
            choices = [(o, o) for o in q.options]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if q.kind == Question.Kind.MULTIPLE:
            choices = [(o, o) for o in q.options]
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        widget = forms.Textarea(attrs={"rows": 4}) if q.kind == Question.Kind.LONG else None
        return forms.CharField(max_length=TEXT_LIMITS[q.kind], widget=widget, **common)

    @staticmethod
    def initial_from(questions: list[Question], values: dict[int, object]) -> dict:
        initial = {}
        for q in questions:
            if q.pk in values:
                value = values[q.pk]
                initial[AnswerForm.name_of(q)] = value if isinstance(value, list) else str(value)
        return initial

    def values(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(self.name_of(q)) for q in self.questions}


class TagsForm(StyledForm):
    tags = forms.CharField(
        label=_("Tags"), max_length=200, required=False,
        help_text=_("Separate tags with commas."),
    )  # fmt: skip


class RatingForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("How was this session?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is poor, 5 is excellent."),
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False)
