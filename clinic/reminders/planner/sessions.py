"""Session reminders: the working day before a coaching session, and hours before it starts."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic.coaching.invitations import recipients
from clinic.coaching.models import CoachingSession, SessionStatus
from clinic.coaching.wording import session_label
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox import keys
from clinic.reminders import preferences
from clinic.reminders.planner.rules import write, zone_of
from clinic.workdays import is_working_day

# How far ahead sessions are looked at: the working day before may lie a long holiday back.
SESSION_HORIZON = timedelta(days=16)


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
    """Remind the invited of a planned session whose reminder time has come."""
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
        if label == "day_before" and not run.working_morning_due():
            continue  # a day-before reminder caught up at night waits for the office to open
        start = session.starts_at.astimezone(timezone.utc)
        for user in recipients(session):
            if not preferences.wants(user, "session_reminder"):
                continue
            key = keys.session_reminder(session.id, user.id, label, start)
            subject = _l("Pengingat: %(session)s", session=session_label(session.title))
            written += write("session_reminder", user, subject, key, session=session,
                             label=label, tz=zone_of(user),
                             link=absolute_url("coaching.detail", session_id=session.id))
    return written
