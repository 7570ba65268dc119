"""Kill the Huey consumer in the middle of a batch of reminders: 0 lost, 0 sent twice.

A real consumer (`manage.py run_huey`) runs against the suite's database: on SQLite the test
database lives in memory, so it is copied to a file the consumer opens (and copied back for the
assertions), with Huey's SQLite queue beside it; on PostgreSQL the consumer connects to the test
database itself and shares the Redis queue of REDIS_URL. The job waits a little inside each
reminder's transaction (LODESTAR_REMINDER_TEST_DELAY, read only by the ledger for this test) so
the SIGKILL lands mid-batch, often with a transaction open.
"""

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from lodestar.accounts.models import Profile, User
from lodestar.mentoring.models import Participant, Relationship
from lodestar.notifications.models import Notification
from lodestar.programs.models import Track
from lodestar.scheduling.ledger import TEST_DELAY_ENV
from lodestar.scheduling.models import Attendee, Meeting, SentReminder

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS_24H, PAIRS_1H = 45, 15  # 120 reminders: two people per meeting
KILL_AFTER = 30
TIMEOUT = 90
# The next periodic run, queued twice, so that two workers also race over the same reminders.
RACE = "from lodestar.scheduling.tasks import meeting_reminders as job; job(); job()"


def due_meetings(program) -> set[tuple[int, str, str]]:
    """One accepted meeting per pair, each person in one meeting: (user id, key, kind) due."""
    cohort = program.cohorts.first()
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    n = PAIRS_24H + PAIRS_1H
    users = User.objects.bulk_create([User(email=f"crash{i}@example.org") for i in range(2 * n)])
    Profile.objects.bulk_create([Profile(user=u, display_name=f"Person {u.pk}") for u in users])
    relationships = Relationship.objects.bulk_create(
        [Relationship(program=program, cohort=cohort, track=track) for _ in range(n)]
    )
    now = timezone.now()
    participants, meetings = [], []
    for i, relationship in enumerate(relationships):
        mentor, mentee = users[2 * i], users[2 * i + 1]
        participants += [
            Participant(relationship=relationship, user=mentor, role="mentor"),
            Participant(relationship=relationship, user=mentee, role="mentee"),
        ]
        # 24-hour reminders for meetings in 3 to 22 hours, 1-hour ones for meetings in 20-35 min.
        lead = (
            dt.timedelta(hours=3 + i % 20) if i < PAIRS_24H else dt.timedelta(minutes=20 + i % 15)
        )
        meetings.append(
            Meeting(
                relationship=relationship,
                proposed_by=mentor,
                starts_at=now + lead,
                duration_minutes=60,
                format="video",
                status=Meeting.Status.ACCEPTED,
            )
        )
    Participant.objects.bulk_create(participants)
    Meeting.objects.bulk_create(meetings)
    Attendee.objects.bulk_create(
        [
            Attendee(meeting=m, user=users[2 * i + 1], response=Attendee.Response.ACCEPTED)
            for i, m in enumerate(meetings)
        ]
    )
    due = set()
    for i, m in enumerate(meetings):
        lead = "24h" if i < PAIRS_24H else "1h"
        for user in (users[2 * i], users[2 * i + 1]):
            due.add((user.pk, f"meeting:{m.pk}:{lead}:0", f"reminder_meeting_{lead}"))
    return due


class Site:
    """The consumer's view of the database and queue, and how to read progress from here."""

    def __init__(self, tmp_path: Path):
        self.dir = tmp_path / "site"
        self.dir.mkdir()
        self.sqlite = connection.vendor == "sqlite"
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATA_DIR"}}
        env.update(
            {
                "DATA_DIR": str(self.dir),
                "EMAIL_URL": "locmem://",
                "HUEY_WORKERS": "2",
                TEST_DELAY_ENV: "0.03",
            }
        )
        if self.sqlite:
            env.pop("REDIS_URL", None)  # the SQLite queue in DATA_DIR
            self.file = self.dir / "lodestar.sqlite3"
        else:
            db = connection.settings_dict
            auth = quote(db["USER"] or "")
            if db.get("PASSWORD"):
                auth += ":" + quote(db["PASSWORD"])
            env["DATABASE_URL"] = (
                f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
            )
        self.env = env
        self.logs: list[Path] = []

    def publish(self) -> None:
        """Make the rows created so far visible to the consumer."""
        if self.sqlite:
            with closing(sqlite3.connect(self.file)) as copy:
                connection.connection.backup(copy)

    def bring_back(self) -> None:
        """Make what the consumer wrote visible to this test's connection."""
        if self.sqlite:
            with closing(sqlite3.connect(self.file)) as source:
                source.backup(connection.connection)

    def sent_count(self) -> int:
        if self.sqlite:
            with closing(sqlite3.connect(self.file, timeout=20)) as db:
                return db.execute("SELECT COUNT(*) FROM scheduling_sentreminder").fetchone()[0]
        return SentReminder.objects.count()

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=True,
            timeout=TIMEOUT,
        )

    def enqueue(self) -> None:
        self.manage("send_reminders", "--job", "meetings", "--enqueue")

    def consumer(self) -> subprocess.Popen:
        log = self.dir / f"consumer-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("w") as out:
            # Periodic scheduling off: the test enqueues the job, as the scheduler would.
            return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
                [sys.executable, "manage.py", "run_huey", "--no-periodic"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_for(self, condition, what: str) -> int:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            count = self.sent_count()
            if condition(count):
                return count
            time.sleep(0.05)
        logs = "\n".join(p.read_text()[-3000:] for p in self.logs)
        raise AssertionError(f"timed out waiting for {what}; consumer logs:\n{logs}")


@pytest.fixture
def queue():
    HUEY.flush()  # the shared Redis queue; the SQLite queue is a new file in the site dir
    yield
    HUEY.flush()


def stop(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_consumer_killed_mid_batch_loses_and_repeats_no_reminder(tmp_path, program, queue):
    due = due_meetings(program)
    assert len(due) >= 100
    site = Site(tmp_path)
    site.publish()
    site.enqueue()

    first = site.consumer()
    try:
        at_kill = site.wait_for(lambda n: n >= KILL_AFTER, f"{KILL_AFTER} reminders")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first, signal.SIGKILL)
    after_kill = site.sent_count()
    time.sleep(0.5)
    assert site.sent_count() == after_kill  # nothing runs any more
    assert KILL_AFTER <= at_kill <= after_kill < len(due), "the kill did not land mid-batch"

    site.manage("shell", "-c", RACE)
    second = site.consumer()
    try:
        site.wait_for(lambda n: n >= len(due), "every reminder")
        time.sleep(1)  # let the racing job and the e-mail jobs finish
    finally:
        stop(second, signal.SIGINT)  # graceful: running jobs finish
    assert "Traceback" not in site.logs[-1].read_text()

    site.bring_back()
    ledger = set(SentReminder.objects.values_list("user_id", "key"))
    assert SentReminder.objects.count() == len(due)
    assert ledger == {(user, key) for user, key, _kind in due}
    notifications = list(
        Notification.objects.filter(kind__startswith="reminder_").values_list("user_id", "kind")
    )
    assert len(notifications) == len(due)  # none twice...
    assert set(notifications) == {(user, kind) for user, _key, kind in due}  # ...none missing
