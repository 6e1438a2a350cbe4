"""Escalation (mandatory): tasks overdue for long, weekly to the SKPD's head, Bappeda in copy."""
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic.admin.models import Skpd
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskStatus
from clinic.reminders.planner.rules import active_contacts, iso_week, staff_members, write


def plan_escalations(run):
    """On escalation_weekday: each SKPD's long-overdue tasks, to its head with staff in copy."""
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
        for contact in active_contacts({skpd_id}):
            written += write("escalation", contact, subject,
                             f"escalation:{skpd_id}:{week}:{contact.id}", cc=cc, **context)
    return written
