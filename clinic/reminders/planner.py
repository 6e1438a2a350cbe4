"""The reminder planner: what is due at ``now``, written once to the outbox.

Decisions are data: every reminder has a dedupe key, ``run_due(now)`` may run any number of
times (one after the other or at once) and writes each key once. A kind that falls due "at
``digest_at`` local on day D" is written by any run from that moment until the end of day D
(local, in the cycle's zone): after downtime the morning's reminders still go out, while a
digest of an earlier day is stale and never sent. A session reminder is written from its due
time until the session starts. The caller commits.
"""
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from clinic.admin.models import Skpd
from clinic.auth.models import Role, User
from clinic.catalogue.services import current_cycle
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox.models import Notification
from clinic.outbox.services import send_email
from clinic.reminders import preferences
from clinic.reminders.digest import digest_for
from clinic.reporting import projection
from clinic.reporting.models import ItemStatus
from clinic.reporting.fixes import ranked_fixes
from clinic.workdays import is_working_day

KINDS = ("digest", "session_reminder", "deadline_countdown", "escalation", "monday_summary")
DEFAULT_COUNTDOWN = (14, 7, 3, 1)
# How far ahead sessions are looked at: the working day before may lie a long holiday back.
SESSION_HORIZON = timedelta(days=16)


class _Run:
    """One pass: the cycle, the moment in its zone, and the city's breakdown computed once."""

    def __init__(self, cycle, now):
        self.cycle, self.now = cycle, now.astimezone(timezone.utc)
        self.zone = ZoneInfo(cycle.timezone)
        self.local = now.astimezone(self.zone)
        self.today = self.local.date()
        self._breakdown = None

    @property
    def breakdown(self):
        if self._breakdown is None:
            self._breakdown = projection.city_breakdown(self.cycle)
        return self._breakdown

    def due_today(self):
        """Whether today's "at digest_at local" moment has come (until local midnight)."""
        return self.local >= datetime.combine(self.today, self.cycle.digest_at, self.zone)


def run_due(now):
    """Write every reminder due at ``now`` (aware) that is not written yet; counts per kind."""
    counts = dict.fromkeys(KINDS, 0)
    cycle = current_cycle()
    if cycle is None or not cycle.reminders_enabled:
        return counts
    from clinic.reminders import summary  # it builds on this module's helpers

    run = _Run(cycle, now)
    counts["digest"] = plan_digests(run)
    counts["session_reminder"] = plan_session_reminders(run)
    counts["deadline_countdown"] = plan_countdown(run)
    counts["escalation"] = plan_escalations(run)
    counts["monday_summary"] = summary.plan_summaries(run)
    return counts


def write(kind, recipient, subject, dedupe_key, **context):
    """Add one outbox row inside a SAVEPOINT; False if the key was already planned."""
    if _planned(dedupe_key):
        return False
    link = preferences.unsubscribe_link(recipient, kind)
    context.setdefault("url", absolute_url)  # links in templates rendered outside requests
    try:
        with db.session.begin_nested():
            send_email(kind, recipient, subject, dedupe_key=dedupe_key, unsubscribe_url=link,
                       secret_links=[preferences.UNSUBSCRIBE_LINK] if link else (), **context)
            db.session.flush()
    except IntegrityError:
        # Another run wrote the same key between our check and our insert: already planned.
        return False
    return True


def zone_of(user):
    return user.timezone or current_app.config["CLINIC_TIMEZONE"]


def iso_week(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _contacts(skpd_ids):
    """Active contacts of these SKPDs (of every active SKPD with None), by SKPD then name."""
    stmt = (select(User).join(Skpd, User.skpd_id == Skpd.id)
            .where(User.role == Role.CONTACT, User.is_active)
            .order_by(User.skpd_id, User.name, User.id))
    if skpd_ids is None:
        return db.session.scalars(stmt.where(Skpd.is_active)).all()
    if not skpd_ids:
        return []
    return db.session.scalars(stmt.where(User.skpd_id.in_(sorted(skpd_ids)))).all()


# ---------------------------------------------------------------- digest

def first_working_day_of_week(day):
    """The first working day of ``day``'s week (Monday unless it is a day off), or None."""
    monday = day - timedelta(days=day.weekday())
    for offset in range(5):
        candidate = monday + timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return None


def plan_digests(run):
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
        digest = digest_for(contact, run.today, run.now, run.cycle, run.breakdown)
        if digest is None:
            continue
        subject = _l("Ringkasan Klinik Inovasi: %(n)s hal perlu ditindaklanjuti",
                     n=digest.count)
        written += write("digest", contact, subject, key, digest=digest, cycle=run.cycle,
                         tz=zone_of(contact), home=absolute_url("main.index"))
    return written


def _planned(key):
    return db.session.scalar(select(exists().where(Notification.dedupe_key == key)))


def unplanned(candidates):
    """[(key, target)] of ``{key: target}`` whose key has no outbox row yet (a few queries,
    so that a run every minute stays cheap once the day's reminders are written)."""
    keys = list(candidates)
    done = set()
    for start in range(0, len(keys), 500):
        done.update(db.session.scalars(select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(keys[start:start + 500]))))
    return [(key, target) for key, target in candidates.items() if key not in done]


# ---------------------------------------------------------------- session reminders

def session_reminder_times(session, cycle, calendar_day=False):
    """[(label, due_at UTC)] of a session's reminders under the cycle's rules.

    "day_before": at ``digest_at`` local (cycle zone) on the working day before the session's
    local date, or on the calendar day before with ``calendar_day=True`` (no Cycle column
    chooses this yet); "hours_before": ``session_reminder_hours`` before the start.
    """
    zone = ZoneInfo(cycle.timezone)
    times = []
    if cycle.session_reminder_day_before:
        day = session.starts_at.astimezone(zone).date() - timedelta(days=1)
        while not calendar_day and not is_working_day(day):
            day -= timedelta(days=1)
        due = datetime.combine(day, cycle.digest_at, zone).astimezone(timezone.utc)
        times.append(("day_before", due))
    if cycle.session_reminder_hours:
        due = session.starts_at - timedelta(hours=cycle.session_reminder_hours)
        times.append(("hours_before", due.astimezone(timezone.utc)))
    return times


def plan_session_reminders(run):
    from clinic.coaching.invitations import recipients
    from clinic.coaching.models import CoachingSession, SessionStatus

    sessions = db.session.scalars(
        select(CoachingSession)
        .where(CoachingSession.status == SessionStatus.PLANNED,
               CoachingSession.starts_at > run.now,
               CoachingSession.starts_at <= run.now + SESSION_HORIZON)
        .order_by(CoachingSession.starts_at, CoachingSession.id)).all()
    written = 0
    for session in sessions:
        due = [(label, at) for label, at in session_reminder_times(session, run.cycle)
               if at <= run.now]
        if not due:
            continue
        # When several fell due (downtime, a session planned at short notice), only the
        # latest is still worth sending.
        label = max(due, key=lambda pair: pair[1])[0]
        start = session.starts_at.astimezone(timezone.utc).isoformat()
        for user in recipients(session):
            if not preferences.wants(user, "session_reminder"):
                continue
            key = f"session:{session.id}:{user.id}:{label}:{start}"
            subject = _l("Pengingat Coaching Clinic: %(title)s", title=session.title)
            written += write("session_reminder", user, subject, key, session=session,
                             label=label, tz=zone_of(user),
                             link=absolute_url("coaching.detail", session_id=session.id))
    return written


# ---------------------------------------------------------------- deadline countdown

def missing_by_skpd(breakdown):
    """{skpd_id: [Fix]} of the items SKPDs still have to fill in or correct."""
    missing = defaultdict(list)
    for fix in ranked_fixes(breakdown):
        if fix.status in ItemStatus.OPEN and fix.item.skpd_id is not None:
            missing[fix.item.skpd_id].append(fix)
    return missing


def plan_countdown(run):
    deadline = run.cycle.internal_deadline_on
    if deadline is None or not run.due_today():
        return 0
    days = (deadline - run.today).days
    steps = run.cycle.countdown_days
    if days not in (DEFAULT_COUNTDOWN if steps is None else steps):
        return 0
    contacts = [c for c in _contacts(None) if preferences.wants(c, "deadline_countdown")]
    pending = unplanned({f"countdown:{run.cycle.id}:{days}:{c.id}": c for c in contacts})
    if not pending:
        return 0
    missing = missing_by_skpd(run.breakdown)
    written = 0
    for key, contact in pending:
        fixes = missing.get(contact.skpd_id)
        if not fixes:
            continue
        points = sum((fix.points for fix in fixes), start=Decimal(0))
        subject = _l("%(n)s hari lagi menuju tenggat internal: %(count)s butir belum lengkap",
                     n=days, count=len(fixes))
        written += write("deadline_countdown", contact, subject, key, cycle=run.cycle,
                         days=days, deadline=deadline, fixes=fixes, points=points,
                         link=absolute_url("main.index"))
    return written


# ---------------------------------------------------------------- escalation (mandatory)

def plan_escalations(run):
    from clinic.followups.models import FollowUpTask, TaskStatus

    if run.today.weekday() != run.cycle.escalation_weekday or not run.due_today():
        return 0
    limit = run.today - timedelta(days=run.cycle.escalation_overdue_days)
    tasks = db.session.scalars(
        select(FollowUpTask)
        .where(FollowUpTask.status.in_(TaskStatus.ACTIVE), FollowUpTask.due_on.is_not(None),
               FollowUpTask.due_on <= limit)
        .order_by(FollowUpTask.skpd_id, FollowUpTask.due_on, FollowUpTask.id)).all()
    by_skpd = defaultdict(list)
    for task in tasks:
        by_skpd[task.skpd_id].append(task)
    staff = staff_members()
    cc = ", ".join(user.email for user in staff) or None
    week = iso_week(run.today)
    written = 0
    for skpd_id, overdue in by_skpd.items():
        skpd = db.session.get(Skpd, skpd_id)
        context = dict(skpd=skpd, tasks=overdue, today=run.today, cycle=run.cycle,
                       link=absolute_url("followups.index"))
        subject = _l("Eskalasi: %(n)s tindak lanjut %(skpd)s terlambat", n=len(overdue),
                     skpd=skpd.short_name or skpd.name)
        if skpd.head_email:
            head = SimpleNamespace(id=None, name=skpd.head_name or skpd.name,
                                   email=skpd.head_email, locale=None, timezone=None)
            written += write("escalation", head, subject, f"escalation:{skpd_id}:{week}",
                             cc=cc, **context)
            continue
        # No head e-mail on file: each contact of the SKPD gets it (one key each).
        for contact in _contacts({skpd_id}):
            written += write("escalation", contact, subject,
                             f"escalation:{skpd_id}:{week}:{contact.id}", cc=cc, **context)
    return written


def staff_members():
    return db.session.scalars(
        select(User).where(User.role == Role.STAFF, User.is_active)
        .order_by(User.name, User.id)).all()
