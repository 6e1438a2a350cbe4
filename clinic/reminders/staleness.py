"""Delivery checks of reminder mail: never outside office hours, never once it is stale.

The planner writes a row when it falls due; delivery may come much later (SMTP down, no mail
server configured yet, retries). Before sending, delivery asks these checks (registered with
clinic.outbox.checks): a digest or countdown of an earlier day, a weekly mail of an earlier
week, a reminder of a session that moved, went or began is superseded; a day's mail outside
office hours waits for the office to open, the same rule as the planner's catch-up.
"""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from clinic.catalogue.services import current_cycle
from clinic.coaching.models import CoachingSession, SessionStatus
from clinic.extensions import db
from clinic.outbox.checks import Postpone, Supersede, register_delivery_check
from clinic.reminders.planner.rules import iso_week, office_hours
from clinic.workdays import is_working_day

DAILY_KINDS = ("digest", "deadline_countdown")
WEEKLY_KINDS = ("escalation", "monday_summary")
# The countdown counts calendar days to a deadline that does not move: it goes on days off too
# (inside office hours), like the planner writes it.
ANY_DAY_KINDS = ("deadline_countdown",)


def _zone():
    cycle = current_cycle()
    return ZoneInfo(cycle.timezone if cycle else current_app.config["CLINIC_TIMEZONE"])


def next_opening(local, any_day=False):
    """The next moment the office opens after ``local`` (aware, in the office's zone); with
    ``any_day`` the office hours of days off count too."""
    opens, _closes = office_hours()

    def open_day(day):
        return any_day or is_working_day(day)

    day = local.date()
    if not (open_day(day) and local.time() < opens):
        day += timedelta(days=1)
        for _ in range(60):  # a long holiday is never this long; stop anyway
            if open_day(day):
                break
            day += timedelta(days=1)
    return datetime.combine(day, opens, local.tzinfo)


def office_verdict(local, same_period, any_day=False):
    """None while the office is open; else Postpone to its opening, or Supersede when that
    opening falls outside the mail's period (``same_period(day)``)."""
    opens, closes = office_hours()
    if (any_day or is_working_day(local.date())) and opens <= local.time() < closes:
        return None
    opening = next_opening(local, any_day)
    if not same_period(opening.date()):
        return Supersede("its day is over before the office opens again")
    return Postpone(opening.astimezone(timezone.utc))


def check_daily(row, now):
    zone = _zone()
    made, local = row.created_at.astimezone(zone).date(), now.astimezone(zone)
    if made != local.date():
        return Supersede(f"{row.kind} of an earlier day")
    return office_verdict(local, lambda day: day == made, any_day=row.kind in ANY_DAY_KINDS)


def check_weekly(row, now):
    zone = _zone()
    week, local = iso_week(row.created_at.astimezone(zone).date()), now.astimezone(zone)
    if week != iso_week(local.date()):
        return Supersede(f"{row.kind} of an earlier week")
    return office_verdict(local, lambda day: iso_week(day) == week)


def check_session_reminder(row, now):
    """Superseded when the session is no longer planned, moved (its start is in the key) or
    has begun."""
    parts = (row.dedupe_key or "").split(":", 4)
    if len(parts) != 5 or parts[0] != "session" or not parts[1].isdigit():
        return None
    session = db.session.get(CoachingSession, int(parts[1]))
    if session is None or session.status != SessionStatus.PLANNED:
        return Supersede("the session is no longer planned")
    start = session.starts_at.astimezone(timezone.utc)
    if start.isoformat() != parts[4]:
        return Supersede("the session moved")
    if start <= now:
        return Supersede("the session has begun")
    return None


for _kind in DAILY_KINDS:
    register_delivery_check(_kind, check_daily)
for _kind in WEEKLY_KINDS:
    register_delivery_check(_kind, check_weekly)
register_delivery_check("session_reminder", check_session_reminder)
