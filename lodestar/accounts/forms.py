from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm, StyledModelForm, style_widgets

from .choices import LEVELS, Format, SkillKind
from .models import (
    AvailabilityWindow,
    Profile,
    ProfileLanguage,
    Skill,
    SkillCategory,
    SkillSuggestion,
    User,
    time_zone_choices,
)


class ProfileForm(StyledModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    formats = forms.MultipleChoiceField(
        label=_("Preferred formats"),
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line, for example your portfolio or LinkedIn page."),
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "pronouns",
            "headline",
            "affiliation",
            "location",
            "time_zone",
            "bio",
            "objectives",
            "formats",
            "links",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.initial["time_zone"] = self.instance.user.time_zone or "UTC"
        self.initial["links"] = "\n".join(self.instance.links)

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > 5:
            raise ValidationError(_("Add at most five links."))
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("%(link)s is not a web address (it should start with https://).")
                    % {"link": line[:80]}
                ) from None
        return lines

    def save(self, commit: bool = True) -> Profile:
        profile = super().save(commit=False)
        profile.links = self.cleaned_data["links"]
        profile.formats = self.cleaned_data["formats"]
        user = profile.user
        user.time_zone = self.cleaned_data["time_zone"]
        if commit:
            profile.save()
            user.save(update_fields=["time_zone"])
        return profile


class StyleForm(StyledModelForm):
    """The short communication and learning style questionnaire."""

    class Meta:
        model = Profile
        fields = ["meeting_structure", "feedback_style", "conversation_mode", "learning_style"]
        widgets = dict.fromkeys(fields, forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
            # RadioSelect on a model field adds an empty "---------" choice; drop it.
            field.choices = [c for c in field.choices if c[0] != ""]


class LanguageForm(StyledModelForm):
    class Meta:
        model = ProfileLanguage
        fields = ["language", "proficiency"]

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_language(self) -> str:
        language = self.cleaned_data["language"]
        if self.user.languages.filter(language=language).exists():
            raise ValidationError(_("This language is already on your profile."))
        return language

    def save(self, commit: bool = True) -> ProfileLanguage:
        self.instance.user = self.user
        return super().save(commit)


class AvailabilityForm(StyledModelForm):
    class Meta:
        model = AvailabilityWindow
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        weekday, start, end = cleaned.get("weekday"), cleaned.get("start"), cleaned.get("end")
        if weekday is not None and start and end and end > start:
            overlapping = self.user.availability.filter(
                weekday=weekday, start__lt=end, end__gt=start
            )
            if overlapping.exists():
                raise ValidationError(_("This window overlaps one you already have that day."))
        if self.user.availability.count() >= 28:
            raise ValidationError(_("You can keep at most 28 windows."))
        return cleaned

    def save(self, commit: bool = True) -> AvailabilityWindow:
        self.instance.user = self.user
        return super().save(commit)


class UserSkillForm(StyledForm):
    kind = forms.ChoiceField(choices=SkillKind.choices, widget=forms.HiddenInput)
    skill = forms.ModelChoiceField(
        label=_("Skill"), queryset=Skill.objects.filter(is_active=True).select_related("category")
    )
    level = forms.TypedChoiceField(label=_("Your level"), choices=LEVELS, coerce=int)
    target_level = forms.TypedChoiceField(
        label=_("Target level"),
        choices=[("", "---"), *LEVELS],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Grouped by category, with synonyms, so a member finds "py" under Python.
        groups: dict[str, list[tuple[int, str]]] = {}
        for skill in self.fields["skill"].queryset.order_by(
            "category__order", "category__name", "name"
        ):
            label = skill.name
            if skill.synonym_list:
                label = f"{skill.name} ({', '.join(skill.synonym_list)})"
            groups.setdefault(skill.category.name, []).append((skill.pk, label))
        self.fields["skill"].choices = [("", "---------"), *groups.items()]

    def clean(self):
        cleaned = super().clean()
        kind, skill = cleaned.get("kind"), cleaned.get("skill")
        level, target = cleaned.get("level"), cleaned.get("target_level")
        if kind == SkillKind.WANT:
            if target is None:
                self.add_error("target_level", _("Choose the level you aim for."))
            elif level is not None and target <= level:
                self.add_error("target_level", _("The target must be above your current level."))
        else:
            cleaned["target_level"] = None
        if kind and skill and self.user.skills.filter(skill=skill, kind=kind).exists():
            self.add_error("skill", _("This skill is already in your list."))
        return cleaned


class SkillSuggestionForm(StyledModelForm):
    class Meta:
        model = SkillSuggestion
        fields = ["name", "category", "note"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Skill.objects.filter(name__iexact=name).exists():
            raise ValidationError(_("%(name)s is already in the skill list.") % {"name": name})
        return name


class SkillForm(StyledModelForm):
    class Meta:
        model = Skill
        fields = ["name", "category", "synonyms", "description", "is_active"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        clash = Skill.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("A skill with this name already exists."))
        return name


class SkillCategoryForm(StyledModelForm):
    class Meta:
        model = SkillCategory
        fields = ["name"]


class DemographicsForm(StyledForm):
    """One optional question per active DemographicQuestion, each with "prefer not to say"."""

    def __init__(self, *args, questions, answers: dict[int, str], consented: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.ChoiceField(
                label=q.label,
                help_text=q.help_text,
                choices=q.choices(),
                required=False,
                initial=answers.get(q.pk, ""),
            )
        self.fields["consent"] = forms.BooleanField(
            label=_(
                "I have read the notice above and agree that my answers are kept for equity "
                "reporting in aggregate."
            ),
            required=False,
            initial=consented,
        )
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        if any(v for v in self.answers().values()) and not cleaned.get("consent"):
            self.add_error(
                "consent", _("Tick the box to agree before answering, or leave all blank.")
            )
        return cleaned

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}


class DeleteAccountForm(StyledForm):
    confirm_email = forms.EmailField(
        label=_("Type your e-mail address to confirm"),
    )
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm_email(self) -> str:
        email = self.cleaned_data["confirm_email"]
        if email.lower() != self.user.email.lower():
            raise ValidationError(_("This is not the e-mail address of your account."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."))
        return password
