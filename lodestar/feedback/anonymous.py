"""The anonymous channel: feedback or a concern to a program's coordinators, without identity.

What is stored for a thread is its program, its kind, the day it was opened and the hash of a
secret token; its messages carry a body and a day. Nothing names the sender: no user, no IP,
no time finer than the day, no audit entry, a notification that names nobody. The sender keeps
the token (shown once, never stored in clear, nor in their session) and reads the replies with
it, signed in or not.

Abuse is limited by counters in the cache, never in the database: per sender, under a keyed
hash of the program, the person and the day (it rotates daily and cannot be reversed without
the secret key); on a thread, per token hash and day.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify
from lodestar.programs.models import Membership, Program
from lodestar.programs.states import ADMITTED_STATUSES

from .models import AnonymousMessage, AnonymousThread, hash_token

THREADS_PER_DAY = 3
REPLIES_PER_DAY = 20
MAX_BODY = 5000
# secrets.token_urlsafe(32) gives 43 characters; anything else cannot be a token of ours.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_DAY = 60 * 60 * 25


def _limit_key(scope: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), scope.encode(), hashlib.sha256).hexdigest()
    return f"anon-limit:{digest}"


def _take_slot(scope: str, limit: int, message: str) -> None:
    key = _limit_key(scope)
    # The counter outlives its day a little, never more: the scope rotates with the date anyway.
    cache.add(key, 0, timeout=_DAY)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_DAY)
        count = 1
    if count > limit:
        raise ValidationError(message)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def redact(token: str) -> str:
    """What may be written to a log instead of a token."""
    return f"{token[:4]}…" if token else ""


def is_sender(user, program: Program) -> bool:
    """Admitted members of the program may write to its coordinators anonymously."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, program=program, status__in=ADMITTED_STATUSES
    ).exists()


def get_program_for_sender(user, slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None or not is_sender(user, program):
        raise Http404
    return program


def inbox_url(program: Program) -> str:
    return reverse("feedback:anonymous_inbox", args=[program.slug])


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write your message."))
    if len(body) > MAX_BODY:
        raise ValidationError(_("Keep your message under %(n)s characters.") % {"n": MAX_BODY})
    return body


def _tell_coordinators(program: Program, kind: str, is_reply: bool) -> None:
    # A neutral text without the message: the coordinators read it in the inbox.
    for coordinator in program.coordinators.all():
        notify(
            coordinator,
            "anonymous_received",
            {"program": program, "kind": kind, "is_reply": is_reply},
            inbox_url(program),
        )


@transaction.atomic
def open_thread(program: Program, user, kind: str, body: str) -> tuple[AnonymousThread, str]:
    """Start a thread; returns it and the secret token, which exists nowhere else afterwards."""
    if not is_sender(user, program):
        raise ValidationError(_("Only members of this program can write to its coordinators."))
    if kind not in AnonymousThread.Kind.values:
        raise ValidationError(_("Choose feedback or a concern."))
    body = _clean_body(body)
    today = timezone.localdate()
    _take_slot(
        f"anon:{program.pk}:{user.pk}:{today.isoformat()}",
        THREADS_PER_DAY,
        _("You have sent %(n)s anonymous messages to this program today. Try again tomorrow.")
        % {"n": THREADS_PER_DAY},
    )
    token = new_token()
    thread = AnonymousThread.objects.create(
        program=program, kind=kind, token_hash=hash_token(token), opened_on=today
    )
    AnonymousMessage.objects.create(thread=thread, from_sender=True, body=body, sent_on=today)
    _tell_coordinators(program, kind, is_reply=False)
    return thread, token


def thread_for_token(token: str) -> AnonymousThread | None:
    if not TOKEN_RE.match(token or ""):
        return None
    return (
        AnonymousThread.objects.select_related("program")
        .prefetch_related(_messages())
        .filter(token_hash=hash_token(token))
        .first()
    )


def _messages() -> Prefetch:
    return Prefetch(
        "messages", queryset=AnonymousMessage.objects.select_related("coordinator__profile")
    )


@transaction.atomic
def sender_reply(thread: AnonymousThread, body: str) -> AnonymousMessage:
    """The sender answers on their secret page (the token was checked by the caller)."""
    if thread.is_closed:
        raise ValidationError(_("The coordinators closed this conversation."))
    body = _clean_body(body)
    today = timezone.localdate()
    _take_slot(
        f"anon-reply:{thread.token_hash}:{today.isoformat()}",
        REPLIES_PER_DAY,
        _("You have sent %(n)s messages in this conversation today. Try again tomorrow.")
        % {"n": REPLIES_PER_DAY},
    )
    message = AnonymousMessage.objects.create(
        thread=thread, from_sender=True, body=body, sent_on=today
    )
    _tell_coordinators(thread.program, thread.kind, is_reply=True)
    return message


@transaction.atomic
def coordinator_reply(thread: AnonymousThread, coordinator, body: str) -> AnonymousMessage:
    """A coordinator answers; the sender reads it on their secret page (nobody can be told)."""
    locked = AnonymousThread.objects.select_for_update().get(pk=thread.pk)
    if locked.is_closed:
        raise ValidationError(_("This conversation is closed."))
    body = _clean_body(body)
    message = AnonymousMessage.objects.create(
        thread=thread, coordinator=coordinator, from_sender=False, body=body
    )
    audit(coordinator, "anonymous.replied", thread, thread.program_id)
    return message


@transaction.atomic
def close_thread(thread: AnonymousThread, coordinator) -> None:
    updated = AnonymousThread.objects.filter(pk=thread.pk, is_closed=False).update(is_closed=True)
    if not updated:
        raise ValidationError(_("This conversation is already closed."))
    thread.is_closed = True
    audit(coordinator, "anonymous.closed", thread, thread.program_id)


def inbox(program: Program, state: str) -> QuerySet[AnonymousThread]:
    threads = program.anonymous_threads.prefetch_related(_messages())
    if state == "closed":
        return threads.filter(is_closed=True)
    if state == "all":
        return threads
    return threads.filter(is_closed=False)


def get_thread_for(program: Program, pk: int) -> AnonymousThread:
    """A thread of the program (its coordinators were checked by the caller)."""
    thread = program.anonymous_threads.filter(pk=pk).first()
    if thread is None:
        raise Http404
    return thread
