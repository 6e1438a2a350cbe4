"""Calendar queries: sessions in a period, the month grid, the agenda and the personal feed."""
import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_time
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clinic.coaching.access import visible_sessions
from clinic.coaching.models import CoachingSession, SessionNote, SessionStatus, session_trainers
from clinic.coaching.sources import calendar_sources
from clinic.dates import zone_label
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskStatus
from clinic.workdays import ClosedDate, national_holiday

# How far back the feed reaches: a subscribed calendar keeps recent history, not every year.
FEED_PAST_DAYS = 60


@dataclass
class Day:
    """One day of a calendar view with its sessions (in the viewer's zone) and day-off marker."""

    on: date
    in_month: bool = True
    sessions: list = field(default_factory=list)
    tasks: list = field(default_factory=list)  # follow-up tasks due that day (as in the feed)
    entries: list = field(default_factory=list)  # other features' (CalendarEntry: Bimtek days)
    holiday: str | None = None  # a national holiday's or an office closed date's name

    @property
    def is_weekend(self):
        return self.on.weekday() >= 5

    @property
    def is_off(self):
        return self.is_weekend or self.holiday is not None


def _coached_by(user_id):
    return CoachingSession.id.in_(select(session_trainers.c.session_id)
                                  .where(session_trainers.c.user_id == user_id))


def _with_people(stmt):
    # Two IN queries for all rows, so the count does not grow with the sessions shown.
    return stmt.options(selectinload(CoachingSession.skpds),
                        selectinload(CoachingSession.trainers))


def sessions_between(user, start_utc, end_utc, skpd_id=None, trainer_id=None, own_only=False):
    """Sessions overlapping [start_utc, end_utc) that ``user`` may see, optionally filtered."""
    stmt = select(CoachingSession).where(CoachingSession.starts_at < end_utc,
                                         CoachingSession.ends_at > start_utc)
    stmt = visible_sessions(stmt, user)
    if own_only and user.role == "trainer":
        stmt = stmt.where(_coached_by(user.id))
    if skpd_id:
        stmt = stmt.where(CoachingSession.skpd_scope_clause([skpd_id]))
    if trainer_id:
        stmt = stmt.where(_coached_by(trainer_id))
    stmt = stmt.order_by(CoachingSession.starts_at, CoachingSession.id)
    return db.session.scalars(_with_people(stmt)).all()


def entries_between(user, start_utc, end_utc, **filters):
    """The registered sources' entries (Bimtek event days) overlapping the period, in order."""
    found = [entry for source in calendar_sources()
             for entry in source.entries(user, start_utc, end_utc, **filters)]
    return sorted(found, key=lambda entry: (entry.starts_at, entry.title))


def feed_entries(user, today):
    """The registered sources' VEVENTs for ``user``'s personal feed."""
    return [vevent for source in calendar_sources() for vevent in source.feed_events(user, today)]


def fmt_clock(value, tz, named=True):
    """'09.00 WITA': the time of an instant in the viewer's zone, the zone named."""
    zone = ZoneInfo(str(tz))
    clock = format_time(value.astimezone(zone).time(), "short", rebase=False)
    return f"{clock} {zone_label(zone)}" if named else clock


def closed_dates_between(first, last):
    """Office closed dates from ``first`` to ``last`` (inclusive) as {date: name}, one query."""
    rows = db.session.execute(select(ClosedDate.closed_on, ClosedDate.name)
                              .where(ClosedDate.closed_on.between(first, last)))
    return {on: name for on, name in rows}


def _holiday_name(day, closed):
    return national_holiday(day) or closed.get(day)


def grid_days(year, month):
    """The Monday before the first and the Sunday after the last day of the month."""
    first = date(year, month, 1)
    last = date(year, month, pycalendar.monthrange(year, month)[1])
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def period_bounds(first, last, tz):
    """The UTC instants of midnight before ``first`` and after ``last`` in ``tz``."""
    zone = ZoneInfo(str(tz))
    return _utc_midnight(first, zone), _utc_midnight(last + timedelta(days=1), zone)


def grid_bounds(year, month, tz):
    """The UTC period a month grid shows, its leading and trailing days included."""
    return period_bounds(*grid_days(year, month), tz)


def _utc_midnight(day, zone):
    return datetime.combine(day, time(0), zone).astimezone(timezone.utc)


def _local_day(session, zone):
    return session.starts_at.astimezone(zone).date()


def month_grid(year, month, sessions, tz, tasks=(), entries=()):
    """Weeks (Monday first) of Day objects covering the month; sessions and entries on their
    local day, tasks on their due date."""
    zone = ZoneInfo(str(tz))
    start, end = grid_days(year, month)
    closed = closed_dates_between(start, end)
    days = {}
    day = start
    while day <= end:
        days[day] = Day(on=day, in_month=day.month == month,
                        holiday=_holiday_name(day, closed))
        day += timedelta(days=1)
    for session in sessions:
        local_day = _local_day(session, zone)
        if local_day in days:
            days[local_day].sessions.append(session)
    for task in tasks:
        if task.due_on in days:
            days[task.due_on].tasks.append(task)
    for entry in entries:
        local_day = _local_day(entry, zone)
        if local_day in days:
            days[local_day].entries.append(entry)
    ordered = list(days.values())
    return [ordered[i:i + 7] for i in range(0, len(ordered), 7)]


def agenda_days(sessions, tz, tasks=(), entries=()):
    """The days that have sessions, entries or tasks due, in order, each a Day with its
    marker."""
    zone = ZoneInfo(str(tz))
    days = {}
    for session in sessions:
        local_day = _local_day(session, zone)
        days.setdefault(local_day, Day(on=local_day)).sessions.append(session)
    for task in tasks:
        days.setdefault(task.due_on, Day(on=task.due_on)).tasks.append(task)
    for entry in entries:
        local_day = _local_day(entry, zone)
        days.setdefault(local_day, Day(on=local_day)).entries.append(entry)
    if days:
        closed = closed_dates_between(min(days), max(days))
        for day in days.values():
            day.holiday = _holiday_name(day.on, closed)
    return [days[d] for d in sorted(days)]


def upcoming_sessions(user, now, days, own_only=False):
    """Sessions that are not cancelled from ``now`` for ``days`` days."""
    sessions = sessions_between(user, now, now + timedelta(days=days), own_only=own_only)
    return [s for s in sessions if not s.is_cancelled and s.ends_at > now]


def unsigned_past_sessions(trainer, now, limit=20):
    """The trainer's past sessions (not cancelled) whose notes are not signed off yet."""
    signed = select(SessionNote.session_id).where(SessionNote.signed_off_at.is_not(None))
    stmt = (select(CoachingSession)
            .where(_coached_by(trainer.id), CoachingSession.starts_at < now,
                   CoachingSession.status != SessionStatus.CANCELLED,
                   CoachingSession.id.not_in(signed))
            .order_by(CoachingSession.starts_at.desc()).limit(limit))
    return db.session.scalars(_with_people(stmt)).all()


def feed_sessions(user, today):
    """The feed's sessions: from FEED_PAST_DAYS ago on, cancelled ones included (so that
    subscribed calendars drop them); staff all, a trainer their own, a contact their SKPD's."""
    since = datetime.combine(today - timedelta(days=FEED_PAST_DAYS), time(0), timezone.utc)
    stmt = visible_sessions(select(CoachingSession).where(CoachingSession.ends_at >= since), user)
    if user.role == "trainer":
        stmt = stmt.where(_coached_by(user.id))
    stmt = stmt.order_by(CoachingSession.starts_at, CoachingSession.id)
    return db.session.scalars(stmt).all()


def feed_tasks(user, first=None, last=None):
    """Active follow-up tasks with a due date for the feed and the calendar page (due from
    ``first`` to ``last`` when given): a contact their SKPD's, a trainer those from their
    sessions; Bappeda none (the follow-up list serves them better than hundreds of all-day
    events)."""
    stmt = select(FollowUpTask).where(FollowUpTask.status.in_(TaskStatus.ACTIVE),
                                      FollowUpTask.due_on.is_not(None))
    if first is not None and last is not None:
        stmt = stmt.where(FollowUpTask.due_on.between(first, last))
    if user.role == "contact" and user.skpd_id is not None:
        stmt = stmt.where(FollowUpTask.skpd_id == user.skpd_id)
    elif user.role == "trainer":
        stmt = stmt.where(FollowUpTask.session_id.in_(
            select(session_trainers.c.session_id).where(session_trainers.c.user_id == user.id)))
    else:
        return []
    return db.session.scalars(stmt.order_by(FollowUpTask.due_on, FollowUpTask.id)).all()


def feed_items(user, today):
    """What a user's personal feed holds: (sessions, tasks)."""
    return feed_sessions(user, today), feed_tasks(user)


def webcal_url(url):
    """The feed's address as a webcal:// link, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[-1] if url else None
