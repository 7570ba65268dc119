import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import TimeStamped

from .choices import (
    LANGUAGES,
    LEVELS,
    PREFER_NOT_TO_SAY,
    WEEKDAYS,
    ConversationMode,
    FeedbackStyle,
    Format,
    LearningStyle,
    MeetingStructure,
    Proficiency,
    SkillKind,
)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith("Etc/")
    )
    return [("UTC", "UTC"), *((n, n.replace("_", " ")) for n in names)]


def validate_time_zone(value: str) -> None:
    if value not in dict(time_zone_choices()):
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A member of this Lodestar instance; signs in with their e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        profile = getattr(self, "profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        return self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Profile(TimeStamped):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    headline = models.CharField(
        _("headline"), max_length=120, blank=True, help_text=_("Your role or occupation.")
    )
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    affiliation = models.CharField(
        _("organization or affiliation"),
        max_length=120,
        blank=True,
        help_text=_("For example the partner company you mentor for."),
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    objectives = models.TextField(
        _("learning objectives"),
        max_length=2000,
        blank=True,
        help_text=_("In your own words: what do you want to learn or help others learn?"),
    )
    meeting_structure = models.CharField(
        _("In a meeting I prefer"), max_length=16, choices=MeetingStructure.choices, blank=True
    )
    feedback_style = models.CharField(
        _("I take feedback best when it is"),
        max_length=16,
        choices=FeedbackStyle.choices,
        blank=True,
    )
    conversation_mode = models.CharField(
        _("I think best when"), max_length=16, choices=ConversationMode.choices, blank=True
    )
    learning_style = models.CharField(
        _("I learn best"), max_length=16, choices=LearningStyle.choices, blank=True
    )
    formats = models.JSONField(_("preferred formats"), default=list, blank=True)
    # When the member agreed to the notice on the equity questions; answers need it.
    demographics_consent_at = models.DateTimeField(null=True, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.user.email

    def clean(self) -> None:
        unknown = set(self.formats) - set(Format.values)
        if unknown:
            raise ValidationError({"formats": _("Unknown format.")})

    def get_format_labels(self) -> list[str]:
        labels = dict(Format.choices)
        return [str(labels[f]) for f in self.formats if f in labels]

    def completeness(self) -> tuple[int, list[str]]:
        """Percentage complete and the names of what is still missing.

        Expects `user.languages`, `user.skills` and `user.availability` to be prefetched or
        cheap to count.
        """
        user = self.user
        checks = [
            (bool(self.display_name), _("display name")),
            (bool(self.headline), _("headline")),
            (bool(self.bio), _("short bio")),
            (bool(user.time_zone), _("time zone")),
            (user.languages.exists(), _("languages")),
            (
                bool(self.meeting_structure and self.feedback_style and self.conversation_mode),
                _("communication style"),
            ),
            (bool(self.learning_style), _("learning style")),
            (bool(self.formats), _("preferred formats")),
            (user.availability.exists(), _("weekly availability")),
            (user.skills.exists(), _("skills")),
            (bool(self.objectives), _("learning objectives")),
        ]
        missing = [str(label) for ok, label in checks if not ok]
        percent = round(100 * (len(checks) - len(missing)) / len(checks))
        return percent, missing


class ProfileLanguage(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    proficiency = models.CharField(
        _("proficiency"), max_length=16, choices=Proficiency.choices, default=Proficiency.FLUENT
    )

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["user", "language"], name="unique_user_language")
        ]

    def __str__(self) -> str:
        return f"{self.get_language_display()} ({self.get_proficiency_display()})"


class AvailabilityWindow(models.Model):
    """A weekly window in the member's own time zone (`user.time_zone`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="window_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The window must end after it starts.")})

    @property
    def hours(self) -> float:
        return (
            (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        ) / 60


class SkillCategory(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = _("skill categories")

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """A skill of the organization's taxonomy, managed by coordinators."""

    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)
    synonyms = models.CharField(
        _("synonyms"), max_length=300, blank=True, help_text=_("Other names, comma separated.")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.name)[:80] or "skill"
            slug, n = base, 1
            while Skill.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                n += 1
                slug = f"{base}-{n}"
            self.slug = slug
        super().save(*args, **kwargs)

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]


class UserSkill(TimeStamped):
    """A skill a member has (level) or wants to grow (current level and target)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    kind = models.CharField(max_length=4, choices=SkillKind.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=LEVELS, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    target_level = models.PositiveSmallIntegerField(
        _("target level"),
        choices=LEVELS,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "skill", "kind"], name="unique_user_skill_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind="have", target_level__isnull=True)
                | Q(kind="want", target_level__gt=models.F("level")),
                name="want_target_above_level",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == SkillKind.WANT:
            return f"{self.skill} {self.level}->{self.target_level}"
        return f"{self.skill} {self.level}"

    def clean(self) -> None:
        if self.kind == SkillKind.WANT:
            if self.target_level is None:
                raise ValidationError({"target_level": _("Choose the level you aim for.")})
            if self.level is not None and self.target_level <= self.level:
                raise ValidationError(
                    {"target_level": _("The target must be above your current level.")}
                )
        elif self.target_level is not None:
            self.target_level = None


class SkillSuggestion(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("skill name"), max_length=80)
    category = models.ForeignKey(
        SkillCategory, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("category")
    )
    note = models.CharField(_("why it is needed"), max_length=300, blank=True)
    suggested_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="skill_suggestions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class DemographicQuestion(models.Model):
    """One optional, self-declared question for equity reporting, set up by the organization."""

    key = models.SlugField(unique=True)
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    options = models.JSONField(default=list, help_text=_("The answers offered, in order."))
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    def choices(self) -> list[tuple[str, str]]:
        return [
            ("", _("(no answer)")),
            *((o, o) for o in self.options),
            (PREFER_NOT_TO_SAY, _("Prefer not to say")),
        ]


class DemographicAnswer(models.Model):
    """Kept apart from the profile; shown only to its member, used only in aggregate."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="demographics")
    question = models.ForeignKey(DemographicQuestion, on_delete=models.CASCADE)
    value = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="unique_demographic_answer")
        ]

    def __str__(self) -> str:
        return f"{self.question.key}"


def ensure_profile(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile
