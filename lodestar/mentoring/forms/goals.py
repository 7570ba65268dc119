from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import Skill
from lodestar.core.forms import StyledForm, StyledModelForm

from ..models import Goal, GoalComment, GoalMilestone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GoalForm(StyledModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "success_criteria", "target_date", "status", "skills"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "target_date": DATE,
            "skills": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {"skills": _("Optional: the skills this goal grows.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Q(is_active=True)
        if self.instance.pk:
            # Keep a skill linked before it was retired from the taxonomy.
            active |= Q(pk__in=self.instance.skills.values("pk"))
        self.fields["skills"].queryset = Skill.objects.filter(active).order_by("name")


class ProgressForm(StyledForm):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class StatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)


class MilestoneForm(StyledModelForm):
    class Meta:
        model = GoalMilestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}


class CommentForm(StyledModelForm):
    class Meta:
        model = GoalComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class AssessmentForm(StyledForm):
    """One level field per (mentee, skill), blank to skip."""

    LEVELS = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]

    def __init__(
        self, *args, sections: list[tuple[object, list[Skill]]], initial_levels=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        initial_levels = initial_levels or {}
        self.sections = []
        for mentee, skills in sections:
            names = []
            for skill in skills:
                name = f"level_{mentee.pk}_{skill.pk}"
                self.fields[name] = forms.TypedChoiceField(
                    label=skill.name,
                    choices=self.LEVELS,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=initial_levels.get((mentee.pk, skill.pk)),
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
                names.append(name)
            self.sections.append((mentee, [self[n] for n in names]))

    def levels_for(self, mentee) -> dict[int, int | None]:
        prefix = f"level_{mentee.pk}_"
        return {
            int(name[len(prefix) :]): value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix)
        }
