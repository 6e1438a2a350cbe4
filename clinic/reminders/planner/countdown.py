"""The deadline countdown: days before the internal deadline, what each SKPD still misses."""
from decimal import Decimal

from flask_babel import ngettext

from clinic.email import absolute_url
from clinic.outbox import keys
from clinic.reminders import preferences
from clinic.reminders.planner.rules import (active_contacts, counted, missing_by_skpd,
                                            unplanned, write)

DEFAULT_COUNTDOWN = (14, 7, 3, 1)


def _subject(days, count):
    return counted(lambda: ngettext("%(num)s hari lagi menuju tenggat internal",
                                    "%(num)s hari lagi menuju tenggat internal", days)
                   + ": " + ngettext("%(num)s butir belum lengkap",
                                     "%(num)s butir belum lengkap", count))


def plan_countdown(run):
    """On the countdown's days before the internal deadline: what each SKPD still misses."""
    deadline = run.cycle.internal_deadline_on
    if deadline is None or not run.due_today():
        return 0
    days = (deadline - run.today).days
    steps = run.cycle.countdown_days
    if days not in (DEFAULT_COUNTDOWN if steps is None else steps):
        return 0
    contacts = [c for c in active_contacts(None) if preferences.wants(c, "deadline_countdown")]
    pending = unplanned({keys.countdown(c.skpd_id, run.cycle.id, days, c.id): c
                         for c in contacts})
    if not pending:
        return 0
    missing = missing_by_skpd(run.score)
    written = 0
    for key, contact in pending:
        fixes = missing.get(contact.skpd_id)
        if not fixes:
            continue
        points = sum((fix.points for fix in fixes), start=Decimal(0))
        subject = _subject(days, len(fixes))
        written += write("deadline_countdown", contact, subject, key, cycle=run.cycle,
                         days=days, deadline=deadline, fixes=fixes, points=points,
                         link=absolute_url("main.index"))
    return written
