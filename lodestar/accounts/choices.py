"""Fixed vocabularies of the profile, kept in one place so forms, API and matching agree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Proficiency(models.TextChoices):
    BASIC = "basic", _("Basic")
    CONVERSATIONAL = "conversational", _("Conversational")
    FLUENT = "fluent", _("Fluent")
    NATIVE = "native", _("Native")


class Format(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    ASYNC = "async", _("Async / chat")


class MeetingStructure(models.TextChoices):
    AGENDA = "agenda", _("A prepared agenda for each meeting")
    FLOW = "flow", _("A free-flowing conversation")
    MIX = "mix", _("A short agenda, then see where it goes")


class FeedbackStyle(models.TextChoices):
    DIRECT = "direct", _("Direct and candid: tell me straight")
    GENTLE = "gentle", _("Gentle and encouraging: start with what works")


class ConversationMode(models.TextChoices):
    LIVE = "live", _("Talking it through live")
    WRITTEN = "written", _("Writing it down and replying in my own time")


class LearningStyle(models.TextChoices):
    DOING = "doing", _("By doing: hands-on practice and trying things")
    DISCUSSING = "discussing", _("By discussing: talking ideas through")
    READING = "reading", _("By reading: articles, books and examples")
    OBSERVING = "observing", _("By observing: watching someone do it first")


class SkillKind(models.TextChoices):
    HAVE = "have", _("Have")
    WANT = "want", _("Want to grow")


LEVELS = [
    (1, _("1 - Beginner")),
    (2, _("2 - Some experience")),
    (3, _("3 - Competent")),
    (4, _("4 - Advanced")),
    (5, _("5 - Expert")),
]

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

# ISO 639-1 codes of the languages offered in profiles.
LANGUAGES = [
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("zh", _("Chinese")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fa", _("Persian")),
    ("fr", _("French")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("he", _("Hebrew")),
    ("hi", _("Hindi")),
    ("id", _("Indonesian")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("ms", _("Malay")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("pa", _("Punjabi")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("sw", _("Swahili")),
    ("sv", _("Swedish")),
    ("tl", _("Tagalog")),
    ("ta", _("Tamil")),
    ("th", _("Thai")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("vi", _("Vietnamese")),
    ("yo", _("Yoruba")),
    ("asl", _("American Sign Language")),
    ("bsl", _("British Sign Language")),
]

PREFER_NOT_TO_SAY = "prefer_not_to_say"
