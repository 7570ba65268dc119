"""Send each reminder exactly once, even when the job that sends it dies half-way.

Every reminder or nudge is a (person, key) pair, the key naming the occurrence:
"meeting:42:24h:3" (the 24-hour reminder of meeting 42 at calendar sequence 3, so a rescheduled
meeting gets fresh reminders), "meeting:42:log", "relationship:7:meet:2025-03-01",
"request:9:3d", and so on. `SentReminder` has a unique constraint on (user, key).

For each due item the job runs ONE transaction: insert the `SentReminder` row, then `notify()`
(which inserts the `Notification` and queues its e-mail for after the commit). So:
- the ledger row and the notification commit together or not at all: a worker killed mid-batch
  (SIGKILL, power cut) leaves every item either fully sent or untouched, and the next run
  (the periodic task comes back every few minutes) sends what is left;
- two jobs racing for the same item both try the insert; the database lets one win, the other
  gets an IntegrityError and skips it (on PostgreSQL it waits for the winner's commit first);
- running a job twice sends nothing new.
E-mail delivery is a separate, retried job keyed by the notification
(`notifications.services.send_notification_email` claims `emailed_at`), so a crash between the
commit and the e-mail costs a retry, never a second notification.

A member switches a reminder kind off with a notification Preference of delivery "off": for the
kinds sent from here that means the reminder is not created at all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from lodestar.notifications.models import Delivery, Preference
from lodestar.notifications.services import notify

from .models import SentReminder

# Seconds to wait inside each item's transaction. Only the crash test sets it, so that it can
# kill a worker in the middle of a batch; it stays 0 everywhere else.
TEST_DELAY_ENV = "LODESTAR_REMINDER_TEST_DELAY"
BATCH = 500


@dataclass
class Due:
    """One reminder to send: to whom, its ledger key, and the notification it becomes."""

    user: object
    key: str
    kind: str
    context: dict = field(default_factory=dict)
    url: str = ""


def muted(user_ids: Iterable[int], kinds: Iterable[str]) -> set[tuple[int, str]]:
    """(user id, kind) pairs the members switched off."""
    user_ids, kinds = set(user_ids), set(kinds)
    if not user_ids or not kinds:
        return set()
    rows = Preference.objects.filter(
        user_id__in=user_ids, kind__in=kinds, delivery=Delivery.OFF
    ).values_list("user_id", "kind")
    return set(rows)


def is_muted(user, kind: str) -> bool:
    return (user.pk, kind) in muted([user.pk], [kind])


def already_sent(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """The (user id, key) pairs among `pairs` that the ledger holds."""
    pairs = set(pairs)
    if not pairs:
        return set()
    keys = {key for _user, key in pairs}
    users = {user for user, _key in pairs}
    found = set()
    # Chunked so the IN lists stay well under SQLite's variable limit.
    key_list = sorted(keys)
    for start in range(0, len(key_list), 500):
        rows = SentReminder.objects.filter(
            key__in=key_list[start : start + 500], user_id__in=users
        ).values_list("user_id", "key")
        found.update(rows)
    return found & pairs


def send_once(item: Due, now=None) -> bool:
    """Record and notify in one transaction; False when the ledger already had it."""
    inserted = False
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                user_id=item.user.pk, key=item.key, sent_at=now or timezone.now()
            )
            inserted = True
            notify(item.user, item.kind, item.context, item.url)
            _test_delay()
    except IntegrityError:
        if inserted:  # not the ledger's constraint: a real error
            raise
        return False
    return True


def send_all(items: Iterable[Due], now=None) -> int:
    """Send the items not yet in the ledger and not switched off; return how many went out."""
    items = list(items)
    if not items:
        return 0
    off = muted({i.user.pk for i in items}, {i.kind for i in items})
    done = already_sent({(i.user.pk, i.key) for i in items})
    sent = 0
    for item in items:
        if (item.user.pk, item.kind) in off or (item.user.pk, item.key) in done:
            continue
        sent += send_once(item, now)
    return sent


def batches(queryset, size: int = BATCH):
    """The queryset in primary-key order, `size` rows at a time, so memory stays flat."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _test_delay() -> None:
    delay = float(os.environ.get(TEST_DELAY_ENV) or 0)
    if delay > 0:
        time.sleep(delay)
