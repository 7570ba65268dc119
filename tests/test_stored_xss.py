"""Stored XSS: hostile text in every free-text field renders inert on every page and e-mail."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse

from lodestar.accounts.models import Skill, SkillCategory, SkillSuggestion
from lodestar.notifications.models import Notification
from lodestar.programs import services
from lodestar.programs.models import IntakeQuestion, Milestone, OnboardingItem, Track
from lodestar.programs.states import Status
from tests.conftest import make_user

MARK = "xss1337"
PAYLOADS = [
    f"<script>alert('{MARK}')</script>",
    f'"><script>alert("{MARK}")</script>',
    f"<img src=x onerror=alert('{MARK}')>",
    f"<svg onload=alert('{MARK}')>",
    f"<svg><script>alert('{MARK}')</script></svg>",
    f"<iframe src=javascript:alert('{MARK}')>",
    f"<a href=\"javascript:alert('{MARK}')\">click</a>",
    f"<body onload=alert('{MARK}')>",
    f"<input autofocus onfocus=alert('{MARK}')>",
    f"<details open ontoggle=alert('{MARK}')>",
    f"<math><mtext><script>alert('{MARK}')</script></mtext></math>",
    f"' onmouseover='alert(\"{MARK}\")' x='",
    f'" onmouseover="alert(\'{MARK}\')" x="',
    f"<object data=javascript:alert('{MARK}')>",
    f"<embed src=javascript:alert('{MARK}')>",
    f"<style>@import 'javascript:alert(\"{MARK}\")';</style>",
    f"<div style=\"background:url(javascript:alert('{MARK}'))\">",
    f"<meta http-equiv=refresh content='0;url=javascript:alert(\"{MARK}\")'>",
    f"<form action=javascript:alert('{MARK}')><button>x</button></form>",
    f"<video><source onerror=alert('{MARK}')></video>",
    f"{{{{ {MARK} }}}}{{% now 'Y' %}}<b>{MARK}</b>",
    f"</textarea><script>alert('{MARK}')</script>",
    f"<scr<script>ipt>alert('{MARK}')</scr</script>ipt>",
]


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "content", "style"}


class _Finder(HTMLParser):
    """Collects every place where the marker would run: tags, event handlers, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hits: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._in_script = True
        for name, value in attrs:
            value = value or ""
            url_attr = name in URL_ATTRIBUTES and "javascript:" in value.lower()
            if MARK in value and (name.startswith("on") or url_attr):
                self.hits.append(f"<{tag} {name}={value!r}>")
            if MARK in name:
                self.hits.append(f"<{tag} attribute {name}>")
        if MARK in tag:
            self.hits.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.hits.append(f"script or style containing {data[:60]!r}")


def executable_markers(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    hits = finder.hits
    # Raw tags the parser may have merged away: the marker must never sit inside a live tag.
    hits += re.findall(rf"<(?:b|script|img|svg)[^>]*>[^<]*{MARK}", html)
    return hits


def _fill_everything(payload, cast, program, skill):
    coordinator, mentee = cast["coordinator"], cast["mentee"]
    for user in cast.values():
        profile = user.profile
        for field in (
            "display_name", "pronouns", "headline", "bio", "affiliation", "location", "objectives"
        ):  # fmt: skip
            # As long as the column allows: PostgreSQL refuses longer values, SQLite would not.
            limit = profile._meta.get_field(field).max_length
            setattr(profile, field, payload[:limit] if limit else payload)
        profile.save()
    for field in ("name", "description", "objectives", "success_measures", "welcome_message"):
        setattr(program, field, payload[:120] if field == "name" else payload)
    program.save()
    category = SkillCategory.objects.create(name=payload[:80])
    Skill.objects.create(
        name=("S" + payload)[:80],
        category=category,
        synonyms=payload[:300],
        description=payload[:300],
    )
    skill.synonyms = payload[:300]
    skill.save()
    SkillSuggestion.objects.create(name=payload[:80], note=payload[:300], suggested_by=mentee)
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    track.description = payload[:500]
    track.save()
    cohort = program.cohorts.get()
    Milestone.objects.create(cohort=cohort, name=payload[:80], due_on=cohort.starts_on)
    question = IntakeQuestion.objects.create(
        program=program, text=payload[:300], help_text=payload[:300], kind="single",
        options=[payload[:100], "plain"],
    )  # fmt: skip
    OnboardingItem.objects.create(program=program, text=payload[:200])
    applicant = make_user("applicant@example.org", payload[:80])
    applicant.skills.create(skill=skill, kind="have", level=3)
    membership = services.apply(
        applicant, program, cohort, track, "mentee", {question.pk: payload[:100]}
    )
    services.transition(membership, Status.APPROVED, coordinator, note=payload)
    services.invite(program, cohort, "newcomer@example.org", "mentee", coordinator, message=payload)
    services.send_application_digests()
    return membership


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_renders_inert_everywhere(
    payload, cast, program, skill, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = _fill_everything(payload, cast, program, skill)
    slug = program.slug
    pages = {
        "coordinator": [
            reverse("home"),
            reverse("programs:list"),
            reverse("programs:detail", args=[slug]),
            reverse("programs:review", args=[slug]) + "?status=",
            reverse("programs:membership", args=[slug, membership.pk]),
            reverse("programs:tracks", args=[slug]),
            reverse("programs:cohorts", args=[slug]),
            reverse("programs:questions", args=[slug]),
            reverse("programs:onboarding", args=[slug]),
            reverse("programs:coordinators", args=[slug]),
            reverse("programs:invitations", args=[slug]),
            reverse("programs:apply", args=[slug]),
            reverse("accounts:taxonomy"),
            reverse("accounts:skills"),
            reverse("accounts:profile"),
            reverse("accounts:profile_edit"),
            reverse("notifications:list"),
        ],
        "applicant": [
            reverse("home"),
            reverse("programs:membership", args=[slug, membership.pk]),
            reverse("notifications:list"),
        ],
    }
    people = {"coordinator": cast["coordinator"], "applicant": membership.user}
    for who, urls in pages.items():
        client = login(people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert MARK in html or url.endswith("apply/"), f"{url} does not show the text at all"
            assert executable_markers(html) == [], f"{who} {url}"
    # E-mails are plain text plus an HTML part in which the text is escaped.
    assert mail.outbox
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        for alternative, _mimetype in getattr(message, "alternatives", []):
            assert executable_markers(alternative) == [], message.subject
    assert Notification.objects.filter(body__contains=MARK).exists()


def test_the_detector_finds_live_markup():
    assert executable_markers(f"<p><script>alert('{MARK}')</script></p>")
    assert executable_markers(f"<img src=x onerror=alert('{MARK}')>")
    assert executable_markers(f"<a href=\"javascript:alert('{MARK}')\">x</a>")
    assert executable_markers(f"<p>&lt;script&gt;alert('{MARK}')&lt;/script&gt;</p>") == []


def test_no_template_marks_user_data_safe():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "lodestar"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.suffix in {".html", ".txt", ".py"}
        and "migrations" not in path.parts
        and re.search(r"\|\s*safe\b|mark_safe\(|{%\s*autoescape off\s*%}", path.read_text())
        and path.parent.name != "notifications"  # plain-text mail templates, escaped when shown
    ]
    assert offenders == []
