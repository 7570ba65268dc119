"""The pair's own writing: the message thread, the reflection journal and wins.

Messages and journal entries stay inside the relationship: coordinators never read them. Wins
reach the program's wall only when every participant has consented.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.models import Notification
from lodestar.notifications.services import notify
from lodestar.programs.access import is_coordinator

from .models import Message, Reflection, Relationship, Win, WinReaction
from .services import ensure_open, ensure_participant, record_touchpoint

# Messages --------------------------------------------------------------------------------


def thread_url(relationship: Relationship) -> str:
    return reverse("mentoring:messages", args=[relationship.pk])


def post_message(relationship: Relationship, user, body: str) -> Message:
    ensure_open(relationship)
    ensure_participant(relationship, user)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    message = Message.objects.create(relationship=relationship, author=user, body=body)
    record_touchpoint(relationship, message.created_at)
    url = thread_url(relationship)
    for participant in relationship.participants.all():
        if participant.user_id == user.pk:
            continue
        # One unread notice per thread is enough: a lively conversation must not flood inboxes.
        waiting = Notification.objects.filter(
            user_id=participant.user_id, kind="message_posted", url=url, read_at__isnull=True
        ).exists()
        if not waiting:
            notify(
                participant.user,
                "message_posted",
                {"relationship": relationship, "actor": user},
                url,
            )
    return message


def thread(relationship: Relationship) -> QuerySet[Message]:
    return relationship.messages.select_related("author__profile")


# Reflections -----------------------------------------------------------------------------


def write_reflection(
    relationship: Relationship, user, body: str, prompt: str = "", shared: bool = False
) -> Reflection:
    ensure_open(relationship)
    ensure_participant(relationship, user)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write your reflection first."))
    if prompt and prompt not in relationship.program.prompt_list:
        raise ValidationError(_("Choose one of the program's prompts, or none."))
    return Reflection.objects.create(
        relationship=relationship, author=user, prompt=prompt, body=body, shared=shared
    )


def _ensure_author(reflection: Reflection, user) -> None:
    if reflection.author_id != user.pk:
        raise ValidationError(_("Only the author can change a journal entry."))


def set_reflection_shared(reflection: Reflection, user, shared: bool) -> Reflection:
    _ensure_author(reflection, user)
    reflection.shared = shared
    reflection.save(update_fields=["shared"])
    return reflection


def delete_reflection(reflection: Reflection, user) -> None:
    _ensure_author(reflection, user)
    reflection.delete()


def visible_reflections(relationship: Relationship, user) -> QuerySet[Reflection]:
    """The viewer's own entries and the entries others shared; nothing for non-participants."""
    if relationship.role_of(user) is None:
        return Reflection.objects.none()
    own_or_shared = relationship.reflections.filter(Q(author=user) | Q(shared=True))
    return own_or_shared.select_related("author__profile")


# Wins ------------------------------------------------------------------------------------


def _refresh_wall(win: Win) -> bool:
    participants = {p.user_id for p in win.relationship.participants.all()}
    consents = set(win.wall_consents.values_list("pk", flat=True))
    on_wall = bool(participants) and participants <= consents
    if on_wall != win.on_wall:
        win.on_wall = on_wall
        win.save(update_fields=["on_wall"])
        audit(None, "win.wall_on" if on_wall else "win.wall_off", win, win.relationship.program_id)
    return on_wall


@transaction.atomic
def post_win(
    relationship: Relationship, user, title: str, body: str = "", consent: bool = False
) -> Win:
    ensure_open(relationship)
    ensure_participant(relationship, user)
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the win a title."))
    win = Win.objects.create(relationship=relationship, author=user, title=title, body=body.strip())
    if consent:
        win.wall_consents.add(user)
        _refresh_wall(win)
    for participant in relationship.participants.all():
        if participant.user_id != user.pk:
            notify(
                participant.user,
                "win_posted",
                {"relationship": relationship, "win": win, "actor": user},
                reverse("mentoring:wins", args=[relationship.pk]),
            )
    return win


@transaction.atomic
def set_wall_consent(win: Win, user, consent: bool) -> bool:
    """Give or withdraw consent; returns whether the win is now on the wall.

    Allowed on closed relationships too: taking a story off the wall must always be possible.
    """
    ensure_participant(win.relationship, user)
    Win.objects.select_for_update().filter(pk=win.pk).first()
    if consent:
        win.wall_consents.add(user)
    else:
        win.wall_consents.remove(user)
    return _refresh_wall(win)


def delete_win(win: Win, user) -> None:
    if win.author_id != user.pk:
        raise ValidationError(_("Only the person who posted a win can delete it."))
    win.delete()


def may_cheer(win: Win, user) -> bool:
    """The other side and the program's coordinators cheer; not the author themselves."""
    if win.author_id == user.pk:
        return False
    relationship = win.relationship
    return relationship.role_of(user) is not None or is_coordinator(user, relationship.program)


def toggle_cheer(win: Win, user) -> bool:
    """Cheer, or take the cheer back; returns whether the user now cheers."""
    if not may_cheer(win, user):
        raise ValidationError(_("You cannot cheer your own win."))
    deleted, _rows = WinReaction.objects.filter(win=win, user=user).delete()
    if deleted:
        return False
    WinReaction.objects.get_or_create(win=win, user=user)
    return True


def with_reactions(wins: QuerySet[Win], user) -> QuerySet[Win]:
    """Wins with their cheer count and whether the viewer cheered, in the same query."""
    return (
        wins.select_related("author__profile")
        .annotate(
            cheers=Count("reactions", distinct=True),
            cheered=Exists(WinReaction.objects.filter(win=OuterRef("pk"), user_id=user.pk)),
        )
        # Aggregating drops the model's default ordering; pages need a stable one.
        .order_by("-created_at", "-id")
    )


def wall(program) -> QuerySet[Win]:
    return Win.objects.filter(relationship__program=program, on_wall=True)
