"""Histories for the demo relationships (called by seed_demo after seed_matches).

The current cohorts started one to three weeks ago, so their relationships get young histories
spread over every open state (and a few that ended early). The months-long histories, with
closures and skill growth, belong to the past cohorts: their members completed (or withdrew
from) a cohort, so they get completed (or ended) relationships from that cohort.

Rows are written with models directly (no services), so nobody is notified, and every choice
comes from the seeded generator; dates are relative to now.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from lodestar.accounts.choices import SkillKind
from lodestar.accounts.models import User, UserSkill
from lodestar.core.seeding import keep_timestamps
from lodestar.programs.models import (
    Coordinator,
    Invitation,
    Membership,
    MembershipTransition,
    Milestone,
    Role,
)
from lodestar.programs.states import Status as MemberStatus

from .attention import refresh_all
from .figures import rebuild as rebuild_figures
from .models import (
    ActionItem,
    Agreement,
    AgreementAcceptance,
    CheckIn,
    Closure,
    Concern,
    Goal,
    GoalComment,
    GoalMilestone,
    Message,
    Participant,
    PrivateNote,
    Reflection,
    Relationship,
    RelationshipEvent,
    SessionLog,
    SkillAssessment,
    Win,
    WinReaction,
)
from .states import Status

DAY = dt.timedelta(days=1)
NO_SKILL = "the project"  # what texts talk about when a member named no skill

GOALS = [
    (
        "Put {skill} into practice at work",
        "Use {skill} on real work instead of tutorials.",
        "I can explain my {skill} work to my team without notes.",
    ),
    (
        "Take the next step in {skill}",
        "I know the basics; now I want depth and a real result to show for it.",
        "My mentor and I agree I moved up a level, with an example to prove it.",
    ),
    (
        "Use {skill} every week",
        "Find a recurring task where {skill} makes a difference.",
        "Three weeks in a row with {skill} in my weekly work.",
    ),
    (
        "Teach what I know about {skill} to a colleague",
        "Explaining it is the best test of understanding it.",
        "A short internal session, with feedback from the people who came.",
    ),
    (
        "Build a portfolio piece on {skill}",
        "My current portfolio does not show what I can do.",
        "One polished case study, reviewed by my mentor.",
    ),
]
# For members who named no skill they want to grow.
PLAIN_GOALS = [
    (
        "Finish a project I can show",
        "Something small, finished and public beats something big and half done.",
        "It is online and I have shown it to two people.",
    ),
    (
        "Find a rhythm for learning",
        "Two protected hours a week, every week.",
        "Six weeks in a row without skipping.",
    ),
]
MILESTONES = [
    "Pick a real problem to work on",
    "Finish the course module on {skill}",
    "Share a first draft",
    "Get feedback from a colleague",
    "Present the result to my team",
    "Write up what I learned",
    "Rework the draft after feedback",
    "Publish it",
]
GOAL_COMMENTS = [
    "Great progress! Maybe finish one milestone before starting the next.",
    "This is ambitious for the time we have: what would a smaller version look like?",
    "Love this one. Bring the draft next time and we can go through it together.",
    "I would add a date to the first milestone, it makes it real.",
    "You did most of this on your own, which is exactly the point.",
    "Could the success criteria be something someone else can see?",
]
OBJECTIVES_INTRO = [
    "What we will work on together:",
    "Our focus for this cohort:",
    "By the end of the cohort I want to:",
]
SUCCESS = [
    "Each goal has its milestones done, and we both agree the work is good enough to show.",
    "Monthly check-ins stay at 4 or above and the portfolio piece is published.",
    "I can point to two things at work I did on my own that I could not do before.",
]
CHANNELS = [
    "Video calls; chat in between",
    "Video calls, email for documents",
    "In person when we can, otherwise video",
    "Phone on the way home; shared doc for notes",
]
BOUNDARIES = [
    "No calls after 7 pm. Replies within two working days.",
    "We reschedule at least a day ahead. Weekends are off.",
    "Feedback is direct and kind; either of us can say when something is off limits.",
]
CONFIDENTIALITY = [
    "What we discuss stays between us unless we agree otherwise.",
    "Work details stay in the session; nothing is shared with managers.",
]
SUBJECTS = [
    "a first project that needs {skill}",
    "how {skill} is used on real teams",
    "the feedback on last week's {skill} exercise",
    "a work problem where {skill} could help",
    "the next milestone and what is blocking it",
    "how to talk about {skill} in interviews",
    "a mock presentation of the project",
    "time management around a busy month",
]
OPENERS = ["Talked through", "Worked on", "Reviewed", "Spent most of the hour on", "Went through"]
OUTCOMES = [
    "Agreed to try a smaller scope first.",
    "Next time we look at a real example from work.",
    "Good energy today; the plan is clearer now.",
    "We changed the order of the milestones.",
    "Lots of questions answered; a few left for next time.",
    "Decided to pair on it for 20 minutes next session.",
]
NEXT_STEPS = [
    "Finish the draft and send it over before the next session.",
    "Try it on the team's real data this week.",
    "Read the article we talked about.",
    "Book a short chat with someone who does this daily.",
    "",
]
ACTIONS = [
    "Send the draft before the next session",
    "Read the chapter on {skill}",
    "Update the CV with the new project",
    "Book a 20-minute chat with a colleague in another team",
    "Write up what went well in the presentation",
    "Try the {skill} exercise on real data",
    "Share two job ads that look interesting",
]
MENTOR_ACTIONS = [
    "Send the article on {skill}",
    "Share my old slide deck as an example",
    "Introduce them to a colleague who uses {skill}",
    "Review the draft before Friday",
]
PRIVATE = [
    "Seemed tired today; ask about workload next time.",
    "Confidence is growing. I should step back more.",
    "I talked too much this session. Ask more questions.",
    "Worried the goal is too big; raise it gently.",
    "Really good session, felt like a turning point.",
    "Remember to follow up on the team reorganisation.",
]
THREADS = [
    [
        "Hi! Could we move Thursday to Friday, same time?",
        "Friday works, see you then.",
    ],
    [
        "Found this talk on {skill} and thought of you: worth 20 minutes.",
        "Thanks, watched it on the train. The part on common mistakes was very useful.",
        "Glad it helped! Let's pick that up next time.",
    ],
    [
        "Quick question: is it fine to share my draft with my manager already?",
        "Yes, and ask them what they would want to see in it.",
    ],
    [
        "I sent the application!",
        "Fantastic. Fingers crossed, and tell me how it goes.",
    ],
    [
        "Running ten minutes late, sorry.",
        "No problem, see you soon.",
    ],
]
REFLECTIONS = {
    "What did you try since last time?": [
        "I ran the analysis on my own before asking anyone, and it mostly worked.",
        "I asked for feedback in the team meeting instead of waiting for a review.",
        "I blocked two mornings for the project and kept them.",
    ],
    "What surprised you?": [
        "How much faster it went once I stopped trying to make it perfect.",
        "My manager was more interested in the project than I expected.",
        "That explaining it out loud showed me the gaps.",
    ],
    "What will you do next?": [
        "Finish the first milestone and bring it to the next session.",
        "Ask to present at the next team demo.",
        "Try the same approach on a bigger problem.",
    ],
}
MENTOR_REFLECTIONS = [
    "They are ready for more independence: I will ask before I suggest.",
    "I learned a new tool from them today.",
    "Our sessions work best when they bring the agenda.",
]
WINS = [
    ("First pull request merged at work", "Small change, but reviewed and merged the same day."),
    ("Presented my dashboard to leadership", "Ten minutes, two questions, and a follow-up ask."),
    ("Finished my first end-to-end project", "From raw data to a short report, all on my own."),
    ("Ran my first team retrospective", "The team asked me to run the next one too."),
    ("Got the promotion!", "The portfolio piece came up in the review."),
    ("Passed the certification exam", "Three months of evenings, worth it."),
    ("Spoke at a local meetup", "Nervous before, happy after. Slides are online."),
]
CHECKIN_GOOD = [
    "Really useful sessions.",
    "Good rhythm, we both come prepared.",
    "I leave every session with a clear next step.",
    "",
    "",
]
CHECKIN_LOW = [
    "We keep rescheduling.",
    "Not sure we are working on the right things.",
    "Sessions feel rushed lately.",
]
BLOCKERS = [
    "Hard to find time this month.",
    "Time zones make evenings tricky.",
    "Busy release at work.",
]
CLOSURES = {
    "learner": [
        "I came in unsure where to start and leave with a finished project and a plan.",
        "The regular sessions kept me honest. I did more than I expected.",
        "I learned to ask for feedback earlier, which changed how I work.",
    ],
    "lead": [
        "It was a pleasure to watch their confidence grow over the months.",
        "They did the work; I mostly asked questions. Great cohort.",
        "I learned as much as I taught. Would mentor again.",
    ],
}
PAUSES = [
    "Parental leave; back in a few weeks.",
    "Busy quarter at work, back after the release.",
    "Exam season.",
    "Travelling for a month.",
]
ENDS = [
    "Rematch requested: schedules never matched",
    "Moved away",
    "Changed roles; this track no longer fits",
    "Mentor stepped back: new job",
]
COMPLETE_NOTES = ["", "Final session done. Congratulations!", "Closing session held."]


def _lower(skill: str) -> str:
    """A skill name for the middle of a sentence: "data visualization", but "SQL", "Python"."""
    first = skill.split()[0]
    if first.isupper() or first in {"Python", "JavaScript", "Excel", "Git", "DevOps"}:
        return skill
    return skill[0].lower() + skill[1:]


@dataclass
class Plan:
    """What happens to one relationship, decided before its records are written."""

    relationship: Relationship
    lead: User  # the mentor, or the first peer
    learners: list[User]  # the mentees, or every peer (the lead too)
    coordinator: User
    status: str
    created_at: dt.datetime
    active_at: dt.datetime | None = None
    end_at: dt.datetime | None = None  # completed or ended early
    paused_at: dt.datetime | None = None
    paused_until: dt.date | None = None
    note: str = ""  # why it paused or ended
    cadence: str = Agreement.Cadence.BIWEEKLY
    mood: str = "good"  # good, low (a low pulse), misfit (not a good fit)
    quiet: bool = False  # no session, no message
    demo: bool = False
    graduates: set[int] = field(default_factory=set)
    skills: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    touch: list[dt.datetime] = field(default_factory=list)
    sessions: int = 0
    acceptor: User | None = None  # whose acceptance started the relationship

    @property
    def people(self) -> list[User]:
        return [self.lead, *(u for u in self.learners if u.pk != self.lead.pk)]

    def other(self, user: User) -> User:
        """Who answers `user`: the mentee for the mentor, the mentor for a mentee, another peer."""
        if user.pk == self.lead.pk:
            return next(u for u in self.people if u.pk != user.pk)
        return self.lead


class Histories:
    def __init__(self, rng: random.Random, mentor_email: str, mentee_email: str) -> None:
        self.rng = rng
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.demo_emails = {mentor_email, mentee_email}
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.links: list[tuple[models.Model, str, int]] = []  # (object, m2m name, target id)
        self.skill_names: dict[int, str] = {}
        self.milestones: dict[int, list[Milestone]] = defaultdict(list)
        for m in Milestone.objects.all():
            self.milestones[m.cohort_id].append(m)

    # -- helpers -----------------------------------------------------------------------------

    def at(self, day: dt.date) -> dt.datetime:
        """A plausible moment on `day`, never in the future."""
        hour, minute = self.rng.randint(8, 19), self.rng.choice([0, 0, 15, 30, 30, 45])
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)
        return min(moment, self.now - dt.timedelta(minutes=self.rng.randint(20, 300)))

    def later(self, when: dt.datetime, days: int) -> dt.datetime:
        """A moment `days` after `when`; past the present when that day has not come yet."""
        day = (when + days * DAY).date()
        return self.at(day) if day <= self.today else self.now + days * DAY

    def soon_after(self, moment: dt.datetime, low: float, high: float) -> dt.datetime:
        later = moment + dt.timedelta(hours=self.rng.uniform(low * 24, high * 24))
        return min(later, self.now - dt.timedelta(minutes=10))

    def add(self, obj: models.Model) -> models.Model:
        self.rows[type(obj)].append(obj)
        return obj

    def skill(self, plan: Plan, learner: User | None = None) -> tuple[int, str]:
        pool = plan.skills.get((learner or plan.learners[0]).pk) or next(
            (s for s in plan.skills.values() if s), []
        )
        if not pool:
            return 0, NO_SKILL
        skill_id = self.rng.choice(pool)[0]
        return skill_id, _lower(self.skill_names[skill_id])

    # -- plans ---------------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        current = list(
            Relationship.objects.filter(status=Status.ACTIVE)
            .select_related("cohort", "program")
            .prefetch_related("participants__user__profile")
            .order_by("pk")
        )
        coordinators = {}
        for c in Coordinator.objects.select_related("user__profile").order_by("pk"):
            coordinators.setdefault(c.program_id, c.user)
        plans = [self.current_plan(r, coordinators[r.program_id]) for r in current]
        self.spread_current_states(plans)
        plans += self.past_plans(coordinators)
        users = {u.pk for p in plans for u in p.people}
        wants: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for us in (
            UserSkill.objects.filter(user_id__in=users, kind=SkillKind.WANT)
            .select_related("skill")
            .order_by("user_id", "skill_id")
        ):
            wants[us.user_id].append((us.skill_id, us.level or 1, us.target_level or 4))
            self.skill_names[us.skill_id] = us.skill.name
        for plan in plans:
            plan.skills = {u.pk: wants[u.pk] for u in plan.learners}
        return plans

    def split(self, relationship: Relationship) -> tuple[User, list[User]]:
        people = list(relationship.participants.all())
        mentors = [p.user for p in people if p.role == Participant.Role.MENTOR]
        others = [p.user for p in people if p.role != Participant.Role.MENTOR]
        if mentors:
            return mentors[0], others
        return others[0], others

    def current_plan(self, relationship: Relationship, coordinator: User) -> Plan:
        lead, learners = self.split(relationship)
        start = relationship.cohort.starts_on
        created = self.at(start - dt.timedelta(days=self.rng.randint(0, 2)))
        plan = Plan(relationship, lead, learners, coordinator, Status.ACTIVE, created)
        plan.demo = {u.email for u in plan.people} == self.demo_emails
        plan.active_at = self.soon_after(created, 0.5, 3)
        plan.cadence = self.rng.choice(
            [Agreement.Cadence.WEEKLY, Agreement.Cadence.BIWEEKLY, Agreement.Cadence.BIWEEKLY]
        )
        if plan.demo:
            plan.cadence = Agreement.Cadence.WEEKLY
        return plan

    def spread_current_states(self, plans: list[Plan]) -> None:
        """A few proposed, paused and ended early; among the active, some quiet or unhappy."""
        rng = self.rng
        others = [p for p in plans if not p.demo]
        rng.shuffle(others)
        # Pauses and early ends need a session or two before them: older cohorts only.
        older = [p for p in others if (self.today - p.relationship.cohort.starts_on).days >= 12]
        younger = [p for p in others if p not in older]
        for plan in (younger + older)[:4]:
            plan.status = Status.PROPOSED
            plan.created_at = self.at(self.today - dt.timedelta(days=rng.randint(1, 5)))
            plan.active_at = None
        older = [p for p in older if p.status == Status.ACTIVE]
        for plan in older[:3]:
            plan.status = Status.PAUSED
            plan.paused_at = self.at(self.today - dt.timedelta(days=rng.randint(1, 4)))
            plan.paused_until = self.today + dt.timedelta(days=rng.choice([14, 21, 30, 45]))
            plan.note = rng.choice(PAUSES)
        # Rematches and mentors stepping back only happen where there is a mentor.
        pairs = [p for p in older[3:] if p.relationship.kind == Relationship.Kind.ONE_TO_ONE]
        for plan, reason in zip(pairs[:3], ENDS, strict=False):
            plan.status = Status.ENDED
            plan.end_at = self.at(self.today - dt.timedelta(days=rng.randint(1, 4)))
            plan.note = reason
            if reason.startswith("Rematch"):
                # The mentee said "not a good fit" at the first check-in, then asked to move.
                plan.mood = "misfit"
                plan.end_at = self.at(self.today - DAY)
        active = [p for p in older + younger if p.status == Status.ACTIVE]
        for plan in active[:3]:
            plan.quiet = True
        for plan in active[3:5]:
            plan.mood = "low"
        for plan in active[5:6]:
            plan.mood = "misfit"

    def past_plans(self, coordinators: dict[int, User]) -> list[Plan]:
        """Relationships of the past cohorts: completed, or ended when a member withdrew."""
        rng = self.rng
        steps: dict[int, dict[str, MembershipTransition]] = defaultdict(dict)
        for t in MembershipTransition.objects.filter(
            membership__cohort__ends_on__lt=self.today
        ).order_by("created_at", "id"):
            steps[t.membership_id][t.to_status] = t
        members = [
            m
            for m in Membership.objects.filter(cohort__ends_on__lt=self.today)
            .select_related("user__profile", "cohort", "track")
            .order_by("pk")
            if MemberStatus.ACTIVE in steps[m.pk]
            and m.status in {MemberStatus.COMPLETED, MemberStatus.WITHDRAWN}
        ]
        graduates = set(
            Invitation.objects.filter(kind=Invitation.Kind.GRADUATION, source__isnull=False)
            .values_list("source__user_id", flat=True)
            .distinct()
        )
        pairs: list[tuple[Membership, list[Membership]]] = []
        by_cohort: dict[int, list[Membership]] = defaultdict(list)
        for m in members:
            by_cohort[m.cohort_id].append(m)
        for cohort_members in by_cohort.values():
            peers = [m for m in cohort_members if m.role == Role.PEER]
            rng.shuffle(peers)
            pairs += [(a, [b]) for a, b in zip(peers[::2], peers[1::2], strict=False)]
            mentors = [
                m
                for m in cohort_members
                if m.role in {Role.MENTOR, Role.BOTH} and m.status == MemberStatus.COMPLETED
            ]
            load = {m.pk: 0 for m in mentors}
            for mentee in [m for m in cohort_members if m.role == Role.MENTEE]:
                fits = [m for m in mentors if m.track_id == mentee.track_id] or mentors
                if not fits:
                    continue
                # The least busy mentor with room, as a coordinator would pair them.
                room = [m for m in fits if load[m.pk] < (m.capacity or 1)] or fits
                lowest = min(load[m.pk] for m in room)
                mentor = rng.choice([m for m in room if load[m.pk] == lowest])
                load[mentor.pk] += 1
                pairs.append((mentor, [mentee]))
        plans = []
        for lead, learners in pairs:
            plans.append(self.past_plan(lead, learners, steps, coordinators, graduates))
        return plans

    def past_plan(self, lead, learners, steps, coordinators, graduates) -> Plan:
        rng = self.rng
        cohort, track = lead.cohort, learners[0].track
        everyone = [lead, *learners]
        activated = max(steps[m.pk][MemberStatus.ACTIVE].created_at for m in everyone)
        kind = Relationship.Kind.PEER if track.is_peer else Relationship.Kind.ONE_TO_ONE
        relationship = Relationship.objects.create(
            program_id=cohort.program_id,
            cohort=cohort,
            track=track,
            kind=kind,
            source=Relationship.Source.MANUAL,
            status=Status.COMPLETED,
        )
        Participant.objects.bulk_create(
            Participant(
                relationship=relationship,
                user=m.user,
                role=Participant.Role.PEER
                if track.is_peer
                else (Participant.Role.MENTOR if m is lead else Participant.Role.MENTEE),
            )
            for m in everyone
        )
        created = self.soon_after(activated, 0, 10)
        plan = Plan(
            relationship,
            lead.user,
            [m.user for m in (everyone if track.is_peer else learners)],
            coordinators[cohort.program_id],
            Status.COMPLETED,
            created,
        )
        plan.active_at = self.soon_after(created, 0.5, 4)
        plan.cadence = rng.choice(
            [Agreement.Cadence.WEEKLY, Agreement.Cadence.BIWEEKLY, Agreement.Cadence.BIWEEKLY]
        )
        plan.graduates = {m.user_id for m in learners if m.user_id in graduates}
        left = [steps[m.pk][MemberStatus.WITHDRAWN] for m in everyone if m.status == "withdrawn"]
        if left:
            plan.status = Status.ENDED
            plan.end_at = max(min(t.created_at for t in left), plan.active_at + 3 * DAY)
            plan.note = left[0].note or rng.choice(ENDS[1:3])
        else:
            closing = max(
                plan.active_at + 30 * DAY, self.at(cohort.ends_on) - rng.randint(0, 10) * DAY
            )
            plan.end_at = closing
            if rng.random() < 0.15:
                plan.mood = "low"
        return plan

    # -- records -------------------------------------------------------------------------------

    def write(self, plan: Plan) -> None:
        goals = self.goals(plan)
        self.agreements(plan, goals)
        if plan.status == Status.PROPOSED:
            return
        end = plan.end_at or plan.paused_at or self.now
        self.sessions(plan, end)
        self.threads(plan, end)
        self.journal(plan, end)
        self.wins(plan, end)
        self.checkins(plan, end)
        self.assessments(plan, goals, end)
        if plan.status == Status.COMPLETED:
            self.closures(plan)

    def goals(self, plan: Plan) -> list[Goal]:
        rng, goals = self.rng, []
        start = plan.active_at or plan.created_at
        ends = plan.relationship.cohort.ends_on
        for learner in plan.learners:
            pool = list(plan.skills.get(learner.pk) or [])
            rng.shuffle(pool)
            count = 1 if len(plan.learners) > 1 else rng.choice([1, 2, 2, 3])
            if plan.demo:
                count = 3
            for index, template in enumerate(rng.sample(GOALS, count)):
                skill_id, name = 0, NO_SKILL
                if index < len(pool):
                    skill_id = pool[index][0]
                    name = _lower(self.skill_names[skill_id])
                else:
                    template = rng.choice(PLAIN_GOALS)
                title, description, criteria = (t.format(skill=name) for t in template)
                created = self.soon_after(start, 1, 8)
                target = min(ends, created.date() + dt.timedelta(weeks=rng.randint(8, 22)))
                goal = self.add(
                    Goal(
                        relationship=plan.relationship,
                        owner=learner,
                        title=title,
                        description=description,
                        success_criteria=criteria,
                        target_date=target,
                        created_at=created,
                        updated_at=created,
                    )
                )
                if skill_id:
                    self.links.append((goal, "skills", skill_id))
                self.goal_milestones(plan, goal, name, created, target)
                if plan.status != Status.PROPOSED:
                    for _i in range(rng.choice([0, 1, 1, 2])):
                        self.add(
                            GoalComment(
                                goal=goal,
                                author=plan.other(learner),
                                body=rng.choice(GOAL_COMMENTS),
                                created_at=self.soon_after(created, 1, 20),
                            )
                        )
                goals.append(goal)
        return goals

    def goal_milestones(self, plan, goal, name, created, target) -> None:
        rng = self.rng
        # In the order a project goes.
        steps = [m for m in MILESTONES if name != NO_SKILL or "{skill}" not in m]
        titles = [steps[i] for i in sorted(rng.sample(range(len(steps)), rng.randint(2, 4)))]
        span = max((target - created.date()).days, 14)
        done = total = 0
        closed_on = (plan.end_at or plan.paused_at or self.now).date()
        for step, title in enumerate(titles, start=1):
            due = created.date() + dt.timedelta(days=span * step // len(titles))
            finished = None
            if plan.status != Status.PROPOSED and due <= closed_on + 5 * DAY and rng.random() < 0.8:
                finished = min(self.at(due - rng.randint(0, 5) * DAY), self.now)
                finished = max(finished, created + DAY)
            if plan.demo and step == 1:
                finished = self.soon_after(created, 2, 5)
            done += finished is not None
            total += 1
            self.add(
                GoalMilestone(
                    goal=goal, title=title.format(skill=name), due_on=due, done_at=finished
                )
            )
        goal.progress = round(100 * done / total)
        if plan.status == Status.PROPOSED:
            goal.status = Goal.Status.NOT_STARTED
        elif done == total:
            goal.status = Goal.Status.ACHIEVED
        elif plan.status in {Status.COMPLETED, Status.ENDED} and rng.random() < 0.3:
            goal.status = Goal.Status.DROPPED
        else:
            goal.status = (
                Goal.Status.IN_PROGRESS if done or rng.random() < 0.7 else Goal.Status.NOT_STARTED
            )
        goal.updated_at = max(goal.created_at, min(self.now, goal.created_at + DAY * 7 * done))

    def agreements(self, plan: Plan, goals: list[Goal]) -> None:
        rng = self.rng
        objectives = "\n".join([rng.choice(OBJECTIVES_INTRO)] + [f"- {g.title}" for g in goals])
        drafter = rng.choice(plan.people)
        drafted = self.soon_after(plan.created_at, 0, 1)
        version = self.agreement(plan, 1, objectives, plan.cadence, drafter, drafted)
        if plan.status == Status.PROPOSED:
            return
        version.accepted_at = plan.active_at
        for user in plan.people:
            if user.pk != drafter.pk:
                plan.acceptor = user
                self.add(
                    AgreementAcceptance(agreement=version, user=user, accepted_at=plan.active_at)
                )
        end = plan.end_at or self.now
        if end - plan.active_at > dt.timedelta(days=70) and rng.random() < 0.35:
            changed = self.soon_after(plan.active_at, 40, 60)
            cadence = (
                Agreement.Cadence.MONTHLY
                if plan.cadence != Agreement.Cadence.WEEKLY
                else Agreement.Cadence.BIWEEKLY
            )
            text = objectives + "\n- Prepare for the end-of-cohort presentation"
            drafter = rng.choice(plan.people)
            second = self.agreement(plan, 2, text, cadence, drafter, changed)
            second.accepted_at = self.soon_after(changed, 0.5, 4)
            for user in plan.people:
                if user.pk != drafter.pk:
                    self.add(
                        AgreementAcceptance(
                            agreement=second, user=user, accepted_at=second.accepted_at
                        )
                    )

    def agreement(self, plan, version, objectives, cadence, drafter, drafted) -> Agreement:
        rng, r = self.rng, plan.relationship
        agreement = self.add(
            Agreement(
                relationship=r,
                version=version,
                objectives=objectives,
                success_measures=rng.choice(SUCCESS),
                starts_on=max(r.cohort.starts_on, plan.created_at.date()),
                ends_on=r.cohort.ends_on,
                cadence=cadence,
                cadence_days=Agreement.CADENCE_DAYS[cadence],
                meeting_minutes=rng.choice([45, 60, 60, 90]),
                channels=rng.choice(CHANNELS),
                boundaries=rng.choice(BOUNDARIES),
                confidentiality=rng.choice(CONFIDENTIALITY),
                drafted_by=drafter,
                created_at=drafted,
            )
        )
        self.add(AgreementAcceptance(agreement=agreement, user=drafter, accepted_at=drafted))
        return agreement

    def sessions(self, plan: Plan, end: dt.datetime) -> None:
        rng = self.rng
        if plan.quiet:
            return
        every = Agreement.CADENCE_DAYS[plan.cadence]
        when = self.soon_after(plan.active_at, 1, 4)
        if plan.demo:
            when = self.soon_after(plan.active_at, 0.5, 1)
        first = True
        while when < end:
            if first or plan.demo or rng.random() < 0.9:  # now and then a session is skipped
                self.session(plan, when, end)
                first = False
            step = every + rng.randint(-2, 4) if every < 30 else every + rng.randint(-5, 7)
            if plan.demo:
                step = 6
            when = self.later(when, step)

    def session(self, plan: Plan, when: dt.datetime, end: dt.datetime) -> None:
        rng = self.rng
        author = rng.choice(plan.people)
        learner = rng.choice(plan.learners)
        skill_id, name = self.skill(plan, learner)
        # Mostly video; phone, in person and async now and then.
        fmt = rng.choices(list(SessionLog.Format.values), [5, 1, 1, 1])[0]
        duration = (
            30 if fmt == SessionLog.Format.ASYNC else rng.choice([30, 45, 45, 60, 60, 60, 75, 90])
        )
        subject = rng.choice(SUBJECTS).format(skill=name)
        notes = f"{rng.choice(OPENERS)} {subject}. {rng.choice(OUTCOMES)}"
        created = self.soon_after(when, 0.05, 1.5)
        confirmed = None
        if rng.random() < 0.85 and created < self.now - DAY / 2:
            confirmed = self.soon_after(created, 0.1, 2)
        session = self.add(
            SessionLog(
                relationship=plan.relationship,
                logged_by=author,
                occurred_at=when,
                duration_minutes=duration,
                format=fmt,
                shared_notes=notes,
                next_steps=rng.choice(NEXT_STEPS),
                confirmed_by=plan.other(author) if confirmed else None,
                confirmed_at=confirmed,
                created_at=created,
            )
        )
        plan.sessions += 1
        plan.touch.append(when)
        if skill_id:
            self.links.append((session, "topics", skill_id))
        if rng.random() < 0.2:
            self.add(
                PrivateNote(
                    session=session,
                    author=rng.choice(plan.people),
                    body=rng.choice(PRIVATE),
                    updated_at=created,
                )
            )
        self.actions(plan, session, when, end, learner, name)

    def actions(self, plan, session, when, end, learner, name) -> None:
        rng = self.rng
        items = [(learner, ACTIONS)] * rng.choice([0, 1, 1, 2])
        if rng.random() < 0.3 and plan.lead not in plan.learners:
            items.append((plan.lead, MENTOR_ACTIONS))
        if plan.demo and plan.sessions == 1:
            items = [(learner, ACTIONS), (learner, ACTIONS), (plan.lead, MENTOR_ACTIONS)]
        for number, (assignee, titles) in enumerate(items):
            due = when.date() + dt.timedelta(days=rng.choice([5, 7, 7, 10, 14]))
            done = None
            overdue_demo = plan.demo and plan.sessions == 1 and number == 0
            if overdue_demo:
                # The demo mentee's home page shows an overdue item.
                due = min(due, self.today - 2 * DAY)
            if due <= self.today and rng.random() < 0.75 and not overdue_demo:
                done = max(when + DAY / 2, min(self.at(due - rng.randint(0, 4) * DAY), end))
            self.add(
                ActionItem(
                    relationship=plan.relationship,
                    session=session,
                    assignee=assignee,
                    title=rng.choice(titles).format(skill=name),
                    due_on=due,
                    done_at=done,
                    created_by=session.logged_by,
                    created_at=session.created_at,
                )
            )

    def threads(self, plan: Plan, end: dt.datetime) -> None:
        rng = self.rng
        if plan.quiet:
            return
        when = self.soon_after(plan.active_at, 3, 10)
        while when < end:
            if rng.random() < 0.6 or plan.demo:
                _skill, name = self.skill(plan)
                author = rng.choice(plan.learners) if rng.random() < 0.6 else plan.lead
                moment = when
                for text in rng.choice(THREADS):
                    if moment >= end:
                        break
                    self.add(
                        Message(
                            relationship=plan.relationship,
                            author=author,
                            body=text.format(skill=name),
                            created_at=moment,
                        )
                    )
                    plan.touch.append(moment)
                    author = plan.other(author)
                    moment = self.soon_after(moment, 0.02, 1)
            when = self.later(when, rng.randint(12, 30))
        if plan.status == Status.PAUSED:
            text = f"{plan.note} Talk soon!"
            self.add(
                Message(
                    relationship=plan.relationship,
                    author=plan.learners[0],
                    body=text,
                    created_at=plan.paused_at,
                )
            )
            plan.touch.append(plan.paused_at)

    def journal(self, plan: Plan, end: dt.datetime) -> None:
        rng = self.rng
        prompts = plan.relationship.program.prompt_list or list(REFLECTIONS)
        when = self.soon_after(plan.active_at, 5, 20)
        while when < end:
            for user in plan.people:
                if rng.random() < (0.3 if user.pk == plan.lead.pk else 0.55):
                    prompt = rng.choice(prompts)
                    if user.pk == plan.lead.pk and plan.lead not in plan.learners:
                        body = rng.choice(MENTOR_REFLECTIONS)
                    else:
                        body = rng.choice(
                            REFLECTIONS.get(prompt) or REFLECTIONS["What surprised you?"]
                        )
                    self.add(
                        Reflection(
                            relationship=plan.relationship,
                            author=user,
                            prompt=prompt,
                            body=body,
                            shared=rng.random() < 0.35,
                            created_at=self.at(when.date() + rng.randint(0, 6) * DAY),
                        )
                    )
            when = self.later(when, rng.randint(20, 40))

    def wins(self, plan: Plan, end: dt.datetime) -> None:
        rng = self.rng
        days = (end - plan.active_at).days
        count = 0 if plan.quiet else min(2, days // 60 + (rng.random() < 0.4))
        if plan.demo:
            count = 1
        for title, body in rng.sample(WINS, count):
            author = rng.choice(plan.learners) if rng.random() < 0.7 else plan.lead
            created = self.soon_after(plan.active_at, days * 0.4, max(days * 0.4 + 0.5, days - 1))
            win = self.add(
                Win(
                    relationship=plan.relationship,
                    author=author,
                    title=title,
                    body=body,
                    created_at=created,
                )
            )
            chance = rng.random()
            if chance < 0.5 or plan.demo:
                win.on_wall = True
                consenting = plan.people
            elif chance < 0.75:
                consenting = [author]
            else:
                consenting = []
            for user in consenting:
                self.links.append((win, "wall_consents", user.pk))
            fans = [plan.other(author)] if rng.random() < 0.8 else []
            if rng.random() < 0.4:
                fans.append(plan.coordinator)
            for fan in fans:
                self.add(
                    WinReaction(win=win, user=fan, created_at=self.soon_after(created, 0.1, 3))
                )

    def checkins(self, plan: Plan, end: dt.datetime) -> None:
        rng = self.rng
        if plan.quiet:
            return
        every = plan.relationship.program.checkin_every_days
        milestones = self.milestones[plan.relationship.cohort_id]
        when = self.soon_after(plan.active_at, 6, 10)
        if plan.demo or plan.mood == "misfit":
            when = self.soon_after(plan.active_at, 2, 4)
        first = True
        while when < end:
            last = when + every * DAY >= end
            for user in plan.people:
                telling = plan.mood == "misfit" and first and user.pk == plan.learners[-1].pk
                if rng.random() > 0.85 and not (plan.demo or telling):
                    continue
                rating = rng.choices([3, 4, 5], [1, 4, 4])[0]
                meeting = rng.choices(list(CheckIn.Meeting.values), [8, 2, 0])[0]
                comment, blockers = rng.choice(CHECKIN_GOOD), ""
                fit = True if first else None
                if plan.mood == "low" and last:
                    rating, meeting, comment = rng.choice([1, 2]), "partly", rng.choice(CHECKIN_LOW)
                    blockers = rng.choice(BLOCKERS)
                if telling:
                    rating, fit, meeting = 2, False, "no"
                    comment = "Our schedules and expectations do not line up."
                elif rng.random() < 0.15:
                    blockers = rng.choice(BLOCKERS)
                moment = self.at(when.date() + rng.randint(0, 4) * DAY)
                near = [m for m in milestones if abs((m.due_on - moment.date()).days) <= 7]
                self.add(
                    CheckIn(
                        relationship=plan.relationship,
                        author=user,
                        milestone=near[0] if near else None,
                        rating=rating,
                        meeting_as_agreed=meeting,
                        blockers=blockers,
                        comment=comment,
                        good_fit=fit,
                        created_at=min(moment, end),
                    )
                )
            first = False
            when = self.later(when, (every + rng.randint(-4, 4)))

    def assessments(self, plan: Plan, goals: list[Goal], end: dt.datetime) -> None:
        rng = self.rng
        start_day = min(self.soon_after(plan.active_at, 1, 10), end).date()
        stages = [(SkillAssessment.Stage.START, start_day)]
        middle = plan.active_at + (plan.relationship.cohort.ends_on - plan.active_at.date()) / 2
        if middle < end:
            stages.append((SkillAssessment.Stage.MIDPOINT, middle.date()))
        if plan.status == Status.COMPLETED:
            stages.append((SkillAssessment.Stage.CLOSE, end.date()))
        skills = {(g.owner_id, s) for g, _name, s in self.links_of(goals, "skills")}
        for learner in plan.learners:
            for skill_id, level, _target in plan.skills.get(learner.pk, []):
                if (learner.pk, skill_id) not in skills:
                    continue
                current = level
                for stage, day in stages:
                    if stage != SkillAssessment.Stage.START:
                        current = min(
                            5,
                            current
                            + rng.choice([0, 1, 1] if stage == "midpoint" else [0, 1, 1, 2]),
                        )
                    self.add(
                        SkillAssessment(
                            relationship=plan.relationship,
                            mentee=learner,
                            assessor=learner,
                            skill_id=skill_id,
                            stage=stage,
                            level=current,
                            assessed_on=day,
                        )
                    )
                    if (
                        plan.lead not in plan.learners
                        and plan.relationship.kind != Relationship.Kind.PEER
                        and rng.random() < 0.5
                    ):
                        view = max(1, min(5, current + rng.choice([-1, 0, 0, 1])))
                        self.add(
                            SkillAssessment(
                                relationship=plan.relationship,
                                mentee=learner,
                                assessor=plan.lead,
                                skill_id=skill_id,
                                stage=stage,
                                level=view,
                                assessed_on=day,
                            )
                        )

    def links_of(self, objects, name):
        wanted = {id(o) for o in objects}
        return [(o, n, target) for o, n, target in self.links if n == name and id(o) in wanted]

    def closures(self, plan: Plan) -> None:
        rng = self.rng
        shared = rng.choices(
            list(Closure.Met.values), [6, 3, 1] if plan.mood == "good" else [2, 5, 2]
        )[0]
        for user in plan.people:
            learner = user in plan.learners
            # Mostly both sides see it the same way; now and then one is more modest.
            met = shared if rng.random() < 0.8 else Closure.Met.PARTLY
            self.add(
                Closure(
                    relationship=plan.relationship,
                    user=user,
                    objectives_met=met,
                    reflection=rng.choice(CLOSURES["learner" if learner else "lead"]),
                    mentor_next_time=learner and (user.pk in plan.graduates or rng.random() < 0.25),
                    created_at=plan.end_at - rng.randint(0, 3) * DAY,
                )
            )

    # -- writing -------------------------------------------------------------------------------

    def save(self, plans: list[Plan]) -> None:
        with keep_timestamps(Goal, PrivateNote):
            for model in [
                Agreement,
                AgreementAcceptance,
                Goal,
                GoalMilestone,
                GoalComment,
                SessionLog,
                PrivateNote,
                ActionItem,
                Message,
                Reflection,
                Win,
                WinReaction,
                CheckIn,
                SkillAssessment,
                Closure,
            ]:
                model.objects.bulk_create(self.rows[model], batch_size=500)
        through: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        for obj, name, target in self.links:
            m2m = type(obj)._meta.get_field(name)
            table = m2m.remote_field.through
            through[table].append(
                table(
                    **{
                        f"{m2m.m2m_field_name()}_id": obj.pk,
                        f"{m2m.m2m_reverse_field_name()}_id": target,
                    }
                )
            )
        for table, rows in through.items():
            table.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        self.timelines(plans)

    def timelines(self, plans: list[Plan]) -> None:
        """Status, dates and figures on each relationship, and the events that led there."""
        RelationshipEvent.objects.filter(relationship__in=[p.relationship for p in plans]).delete()
        events, changed = [], []
        for plan in plans:
            r = plan.relationship
            events.append(
                RelationshipEvent(
                    relationship=r,
                    to_status=Status.PROPOSED,
                    actor=plan.coordinator,
                    note=str(Relationship.Source(r.source).label),
                    created_at=plan.created_at,
                )
            )
            if plan.active_at:
                events.append(
                    RelationshipEvent(
                        relationship=r,
                        from_status=Status.PROPOSED,
                        to_status=Status.ACTIVE,
                        actor=plan.acceptor,
                        note="Everyone accepted the agreement (version 1).",
                        created_at=plan.active_at,
                    )
                )
            if plan.status == Status.PAUSED:
                events.append(
                    RelationshipEvent(
                        relationship=r,
                        from_status=Status.ACTIVE,
                        to_status=Status.PAUSED,
                        actor=plan.learners[0],
                        note=plan.note,
                        created_at=plan.paused_at,
                    )
                )
            if plan.status in {Status.COMPLETED, Status.ENDED}:
                completed = plan.status == Status.COMPLETED
                actor = (
                    plan.lead if completed or plan.note.startswith("Mentor") else plan.learners[0]
                )
                events.append(
                    RelationshipEvent(
                        relationship=r,
                        from_status=Status.ACTIVE,
                        to_status=plan.status,
                        actor=actor,
                        note=self.rng.choice(COMPLETE_NOTES) if completed else plan.note,
                        created_at=plan.end_at,
                    )
                )
            r.status = plan.status
            r.started_on = plan.created_at.date()
            r.ended_on = plan.end_at.date() if plan.end_at else None
            r.end_reason = plan.note[:500] if plan.status == Status.ENDED else ""
            r.paused_until = plan.paused_until
            r.last_touchpoint_at = max(plan.touch, default=None)
            r.created_at = plan.created_at
            r.updated_at = max([plan.created_at, *plan.touch])
            changed.append(r)
            Participant.objects.filter(relationship=r).update(joined_at=plan.created_at)
        RelationshipEvent.objects.bulk_create(events, batch_size=500)
        Relationship.objects.bulk_update(
            changed,
            [
                "status",
                "started_on",
                "ended_on",
                "end_reason",
                "paused_until",
                "last_touchpoint_at",
                "created_at",
                "updated_at",
            ],
            batch_size=200,
        )

    def concerns(self, plans: list[Plan]) -> int:
        """One signed and one anonymous report, both in the program with the demo pair."""
        demo = next((p for p in plans if p.demo), None)
        if demo is None:
            return 0
        program = demo.relationship.program
        other = next(
            p
            for p in plans
            if p.relationship.program_id == program.pk
            and not p.demo
            and p.status == Status.ACTIVE
            and p.relationship.kind == Relationship.Kind.ONE_TO_ONE
        )
        Concern.objects.bulk_create(
            [
                Concern(
                    program=program,
                    relationship=other.relationship,
                    reporter=other.learners[0],
                    category=Concern.Category.CONDUCT,
                    body=(
                        "In our last session my mentor made a joke about my accent and then "
                        "laughed it off when I said it bothered me. I would like a coordinator "
                        "to know."
                    ),
                    reported_on=self.today - 3 * DAY,
                ),
                Concern(
                    program=program,
                    category=Concern.Category.SAFETY,
                    body=(
                        "Someone in the program keeps messaging mentees on social media late at "
                        "night after being asked to stop. I would rather not say who I am."
                    ),
                    reported_on=self.today - 6 * DAY,
                ),
            ]
        )
        return 2


def seed_histories(rng: random.Random, mentor_email: str, mentee_email: str) -> dict[str, int]:
    """Give the demo relationships their histories; returns what was written, for the summary."""
    histories = Histories(rng, mentor_email, mentee_email)
    plans = histories.plans()
    for plan in plans:
        histories.write(plan)
    histories.save(plans)
    concerns = histories.concerns(plans)
    rebuild_figures(Relationship.objects.filter(pk__in=[p.relationship.pk for p in plans]))
    refresh_all()
    rows = histories.rows
    return {
        "earlier relationships": sum(
            p.relationship.cohort.ends_on < histories.today for p in plans
        ),
        "sessions logged": len(rows[SessionLog]),
        "goals": len(rows[Goal]),
        "action items": len(rows[ActionItem]),
        "messages": len(rows[Message]),
        "check-ins": len(rows[CheckIn]),
        "skill assessments": len(rows[SkillAssessment]),
        "wins": len(rows[Win]),
        "concerns": concerns,
        "relationships needing attention": Relationship.objects.filter(
            needs_attention=True
        ).count(),
    }
