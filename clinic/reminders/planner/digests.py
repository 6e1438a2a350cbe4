"""The digest: what one SKPD contact can act on today (own SKPD only), daily or weekly."""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic.admin.models import Skpd
from clinic.auth.models import Role, User
from clinic.catalogue.services import current_cycle
from clinic.coaching.models import CoachingSession, SessionStatus
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskStatus
from clinic.reminders.planner.rules import unplanned, write, zone_of
from clinic.reporting import engine
from clinic.reporting.fixes import INCOMPLETE, as_fixes, chosen, ranked_fixes
from clinic.reporting.models import ItemStatus
from clinic.workdays import is_working_day

ITEM_LIMIT = 10


@dataclass
class Digest:
    """Returned items (with reasons) first, then incomplete items by points, tasks, sessions."""

    contact: object
    skpd: object
    today: object
    returned: list = field(default_factory=list)  # Fix objects
    incomplete: list = field(default_factory=list)  # Fix objects, best first, at most ITEM_LIMIT
    more_incomplete: int = 0
    tasks: list = field(default_factory=list)  # FollowUpTask, overdue first
    sessions: list = field(default_factory=list)  # planned CoachingSession, soonest first
    deadline: object = None
    days_left: int | None = None

    @property
    def count(self):
        return (len(self.returned) + len(self.incomplete) + self.more_incomplete
                + len(self.tasks) + len(self.sessions))

    @property
    def overdue(self):
        return [task for task in self.tasks if task.due_on < self.today]

    def __bool__(self):
        return self.count > 0


def digest_for(contact, today, now, cycle=None, score=None):
    """The digest of ``contact`` for local date ``today`` (``now`` an aware instant), or None
    when there is nothing actionable. ``score`` (engine.city_score) may be shared between
    contacts so that a run reads the city's score once."""
    cycle = cycle or current_cycle()
    if (cycle is None or contact.role != "contact" or not contact.is_active
            or contact.skpd is None or not contact.skpd.is_active):
        return None
    own = {contact.skpd_id}
    score = score if score is not None else engine.city_score(cycle)
    incomplete = chosen(score, own, INCOMPLETE)
    digest = Digest(
        contact=contact, skpd=contact.skpd, today=today,
        returned=ranked_fixes(score, own, (ItemStatus.RETURNED,)),
        incomplete=as_fixes(incomplete[:ITEM_LIMIT]),
        more_incomplete=max(len(incomplete) - ITEM_LIMIT, 0),
        tasks=_tasks(own, today + timedelta(days=cycle.digest_task_days)),
        sessions=_sessions(own, now, today, cycle),
    )
    if cycle.internal_deadline_on and cycle.internal_deadline_on >= today:
        digest.deadline = cycle.internal_deadline_on
        digest.days_left = (cycle.internal_deadline_on - today).days
    return digest or None


def _tasks(skpd_ids, until):
    """Active tasks of these SKPDs due on or before ``until`` (overdue ones included)."""
    stmt = (select(FollowUpTask)
            .where(FollowUpTask.skpd_id.in_(skpd_ids),
                   FollowUpTask.status.in_(TaskStatus.ACTIVE),
                   FollowUpTask.due_on.is_not(None), FollowUpTask.due_on <= until)
            .order_by(FollowUpTask.due_on, FollowUpTask.id))
    return db.session.scalars(stmt).all()


def _sessions(skpd_ids, now, today, cycle):
    """Planned sessions of these SKPDs starting from ``now`` up to the end of the local day
    ``digest_session_days`` after today."""
    zone = ZoneInfo(cycle.timezone)
    last_day = today + timedelta(days=cycle.digest_session_days)
    until = datetime.combine(last_day + timedelta(days=1), time(0), zone)
    until = until.astimezone(timezone.utc)
    stmt = (select(CoachingSession)
            .where(CoachingSession.status == SessionStatus.PLANNED,
                   CoachingSession.starts_at >= now, CoachingSession.starts_at < until,
                   CoachingSession.skpd_scope_clause(sorted(skpd_ids)))
            .order_by(CoachingSession.starts_at, CoachingSession.id))
    return db.session.scalars(stmt).all()


def first_working_day_of_week(day):
    """The first working day of ``day``'s week (Monday unless it is a day off), or None."""
    monday = day - timedelta(days=day.weekday())
    for offset in range(5):
        candidate = monday + timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return None


def plan_digests(run):
    """On a working day: each contact's digest, daily or on the first working day of the week."""
    if not run.due_today() or not is_working_day(run.today):
        return 0
    weekly = first_working_day_of_week(run.today) == run.today
    frequencies = ("daily", "weekly") if weekly else ("daily",)
    contacts = db.session.scalars(
        select(User).join(Skpd, User.skpd_id == Skpd.id)
        .where(User.role == Role.CONTACT, User.is_active, Skpd.is_active,
               User.digest_frequency.in_(frequencies))
        .order_by(User.id)).all()
    written = 0
    for key, contact in unplanned({f"digest:{c.id}:{run.today.isoformat()}": c
                                   for c in contacts}):
        digest = digest_for(contact, run.today, run.now, run.cycle, run.score)
        if digest is None:
            continue
        subject = _l("Ringkasan Klinik Inovasi: %(n)s hal perlu ditindaklanjuti",
                     n=digest.count)
        written += write("digest", contact, subject, key, digest=digest, cycle=run.cycle,
                         tz=zone_of(contact), home=absolute_url("main.index"))
    return written
