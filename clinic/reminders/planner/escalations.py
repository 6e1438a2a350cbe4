"""Escalation (mandatory): tasks overdue for long, weekly to the SKPD's head, Bappeda in copy.

An SKPD without a head e-mail on file escalates to Bappeda staff (To, one row each), saying
that the head's address is missing: never to the late operator, who is the one escalated about.
"""
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from flask_babel import ngettext
from sqlalchemy import select

from clinic.admin.models import Skpd
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskStatus
from clinic.outbox import keys
from clinic.reminders.planner.rules import counted, iso_week, staff_members, write


def plan_escalations(run):
    """Each SKPD's long-overdue tasks, once a week: to its head with staff in copy, or to
    staff alone when the head's address is missing."""
    if not run.weekly_due(run.cycle.escalation_weekday):
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
    if not by_skpd:
        return 0
    skpds = {s.id: s for s in db.session.scalars(select(Skpd).where(Skpd.id.in_(by_skpd)))}
    staff = staff_members()
    week = iso_week(run.today)
    written = 0
    for skpd_id, overdue in by_skpd.items():
        skpd = skpds[skpd_id]
        context = dict(skpd=skpd, tasks=overdue, today=run.today, cycle=run.cycle,
                       link=absolute_url("followups.index"))
        subject = counted(lambda n=len(overdue), name=skpd.short_name or skpd.name: ngettext(
            "Eskalasi: %(num)s tindak lanjut %(skpd)s terlambat",
            "Eskalasi: %(num)s tindak lanjut %(skpd)s terlambat", n, skpd=name))
        if skpd.head_email:
            head = SimpleNamespace(id=None, name=skpd.head_name or skpd.name,
                                   email=skpd.head_email, locale=None, timezone=None)
            written += write("escalation", head, subject, keys.escalation(skpd_id, week),
                             cc=", ".join(user.email for user in staff) or None,
                             head_missing=False, **context)
            continue
        for user in staff:
            written += write("escalation", user, subject,
                             keys.escalation(skpd_id, week, f"staff:{user.id}"),
                             head_missing=True, **context)
    return written
