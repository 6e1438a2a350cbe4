"""The digest: what one SKPD contact can act on today (own SKPD only), daily or weekly.

It fits a phone screen: it leads with the few things that matter most (returned items, the
tasks overdue or due first, the next session, the items worth most index points), counts the
rest and links once to the to-do list. An SKPD with no open item and no open task gets none.
"""
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import ngettext
from sqlalchemy import func, select

from clinic.admin.models import Skpd
from clinic.auth.models import Role, User
from clinic.catalogue.services import current_cycle
from clinic.coaching.models import CoachingSession, SessionStatus
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskStatus
from clinic.outbox import keys
from clinic.reminders.planner.rules import counted, unplanned, write, zone_of
from clinic.reporting import engine
from clinic.reporting.fixes import INCOMPLETE, as_fixes, chosen
from clinic.reporting.models import ItemStatus
from clinic.workdays import is_working_day

# How many of each kind lead the digest; everything else is counted. At most 7 entries.
LEAD = {"returned": 2, "tasks": 2, "sessions": 1, "incomplete": 2}


@dataclass
class Digest:
    """The lead entries of each kind and the total of each kind (lead included)."""

    contact: object
    skpd: object
    today: object
    returned: list = field(default_factory=list)  # Fix objects, best first
    incomplete: list = field(default_factory=list)  # Fix objects, most points first
    tasks: list = field(default_factory=list)  # FollowUpTask, overdue first
    sessions: list = field(default_factory=list)  # the next planned CoachingSession
    totals: dict = field(default_factory=dict)  # kind -> how many there are
    deadline: object = None
    days_left: int | None = None

    @property
    def count(self):
        return sum(self.totals.values())

    @property
    def shown(self):
        return len(self.returned) + len(self.incomplete) + len(self.tasks) + len(self.sessions)

    @property
    def rest(self):
        """How many things the digest counts without listing them."""
        return self.count - self.shown

    @property
    def more_incomplete(self):
        return self.totals.get("incomplete", 0) - len(self.incomplete)

    @property
    def overdue(self):
        return [task for task in self.tasks if task.due_on < self.today]

    @property
    def has_open_work(self):
        """Open items or tasks: a session alone is the session reminder's business."""
        return any(self.totals.get(kind) for kind in ("returned", "incomplete", "tasks"))

    def __bool__(self):
        return self.has_open_work


def digest_for(contact, today, now, cycle=None, score=None):
    """The digest of ``contact`` for local date ``today`` (``now`` an aware instant), or None
    when its SKPD has nothing open. ``score`` (engine.city_score) may be shared between
    contacts so that a run reads the city's score once."""
    cycle = cycle or current_cycle()
    if (cycle is None or contact.role != "contact" or not contact.is_active
            or contact.skpd is None or not contact.skpd.is_active):
        return None
    score = score if score is not None else engine.city_score(cycle)
    digest = skpd_digest(contact.skpd, today, now, cycle, score)
    return replace(digest, contact=contact) if digest else None


def skpd_digest(skpd, today, now, cycle, score):
    """The digest content of one SKPD (the same for each of its contacts): a constant number
    of queries however much the SKPD has open."""
    own = {skpd.id}
    returned = chosen(score, own, (ItemStatus.RETURNED,))
    incomplete = chosen(score, own, INCOMPLETE)
    lead = as_fixes(returned[:LEAD["returned"]] + incomplete[:LEAD["incomplete"]])
    until = today + timedelta(days=cycle.digest_task_days)
    tasks, task_total = _tasks(own, until, LEAD["tasks"])
    sessions, session_total = _sessions(own, now, today, cycle, LEAD["sessions"])
    digest = Digest(
        contact=None, skpd=skpd, today=today,
        returned=lead[:min(len(returned), LEAD["returned"])],
        incomplete=lead[min(len(returned), LEAD["returned"]):],
        tasks=tasks, sessions=sessions,
        totals={"returned": len(returned), "incomplete": len(incomplete), "tasks": task_total,
                "sessions": session_total},
    )
    if cycle.internal_deadline_on and cycle.internal_deadline_on >= today:
        digest.deadline = cycle.internal_deadline_on
        digest.days_left = (cycle.internal_deadline_on - today).days
    return digest


def _tasks(skpd_ids, until, limit):
    """The first ``limit`` active tasks due on or before ``until`` (overdue first) and how
    many there are."""
    where = (FollowUpTask.skpd_id.in_(skpd_ids), FollowUpTask.status.in_(TaskStatus.ACTIVE),
             FollowUpTask.due_on.is_not(None), FollowUpTask.due_on <= until)
    total = db.session.scalar(select(func.count()).select_from(FollowUpTask).where(*where))
    if not total:
        return [], 0
    first = db.session.scalars(select(FollowUpTask).where(*where)
                               .order_by(FollowUpTask.due_on, FollowUpTask.id).limit(limit))
    return first.all(), total


def _sessions(skpd_ids, now, today, cycle, limit):
    """The first ``limit`` planned sessions of these SKPDs from ``now`` to the end of the
    local day ``digest_session_days`` after today, and how many there are."""
    zone = ZoneInfo(cycle.timezone)
    last_day = today + timedelta(days=cycle.digest_session_days)
    until = datetime.combine(last_day + timedelta(days=1), time(0), zone)
    stmt = (select(CoachingSession)
            .where(CoachingSession.status == SessionStatus.PLANNED,
                   CoachingSession.starts_at >= now,
                   CoachingSession.starts_at < until.astimezone(timezone.utc),
                   CoachingSession.skpd_scope_clause(sorted(skpd_ids)))
            .order_by(CoachingSession.starts_at, CoachingSession.id))
    found = db.session.scalars(stmt).all()
    return found[:limit], len(found)


def first_working_day_of_week(day):
    """The first working day of ``day``'s week (Monday unless it is a day off), or None."""
    monday = day - timedelta(days=day.weekday())
    for offset in range(5):
        candidate = monday + timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return None


def _subject(count):
    return counted(lambda: ngettext("Ringkasan Klinik Inovasi: %(num)s hal perlu ditindaklanjuti",
                                    "Ringkasan Klinik Inovasi: %(num)s hal perlu ditindaklanjuti",
                                    count))


def plan_digests(run):
    """On a working day: each contact's digest, daily or on the first working day of the week."""
    if not run.working_morning_due():
        return 0
    weekly = first_working_day_of_week(run.today) == run.today
    frequencies = ("daily", "weekly") if weekly else ("daily",)
    contacts = db.session.scalars(
        select(User).join(Skpd, User.skpd_id == Skpd.id)
        .where(User.role == Role.CONTACT, User.is_active, Skpd.is_active,
               User.digest_frequency.in_(frequencies))
        .order_by(User.id)).all()
    by_skpd, written = {}, 0
    for key, contact in unplanned({keys.digest(c.skpd_id, c.id, run.today): c
                                   for c in contacts}):
        if contact.skpd_id not in by_skpd:
            by_skpd[contact.skpd_id] = skpd_digest(contact.skpd, run.today, run.now, run.cycle,
                                                   run.score)
        if not by_skpd[contact.skpd_id]:
            continue
        digest = replace(by_skpd[contact.skpd_id], contact=contact)
        written += write("digest", contact, _subject(digest.count), key, digest=digest,
                         cycle=run.cycle, tz=zone_of(contact), home=absolute_url("main.index"))
    return written
