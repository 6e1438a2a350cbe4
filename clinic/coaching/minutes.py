"""A session's details as one viewer may see them: findings with their tasks, attendance,
linked innovations, all narrowed in SQL by the viewer's SessionScope.

The session pages, the printout and the e-mailed notes read these instead of the session's
relationships, which hold every SKPD's rows. A fixed number of queries, whatever the rows.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clinic.coaching import attendance as attendance_rules
from clinic.coaching import rsvp
from clinic.coaching.access import SessionScope, session_scope
from clinic.coaching.models import Attendance, Finding, session_innovations
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.reporting.models import Innovation, ReportItem


@dataclass
class Minutes:
    """What one viewer gets of a session beyond its schedule (nothing without ``details``)."""

    scope: SessionScope
    findings: list = field(default_factory=list)
    attendance: list = field(default_factory=list)
    innovations: list = field(default_factory=list)
    tasks: dict = field(default_factory=dict)  # finding id -> its visible tasks
    answers: list = field(default_factory=list)  # the invitees' answers (InvitationAnswer)

    @property
    def details(self):
        return self.scope.details

    def tasks_of(self, finding):
        return self.tasks.get(finding.id, [])

    @property
    def counts(self):
        """Attendance per status of the visible rows (see attendance.summary)."""
        return attendance_rules.summary(self.attendance)


def minutes_for(session, user):
    """The details of ``session`` that ``user`` may see."""
    return minutes_in_scope(session, session_scope(session, user))


def minutes_in_scope(session, scope):
    """The details of ``session`` within ``scope`` (one scope may serve several readers)."""
    if not scope.details:
        return Minutes(scope)
    findings = db.session.scalars(
        select(Finding).where(Finding.session_id == session.id, scope.clause(Finding.skpd_id))
        .options(selectinload(Finding.innovation),
                 selectinload(Finding.item).selectinload(ReportItem.indicator))
        .order_by(Finding.position, Finding.id)).all()
    tasks = {}
    if findings:
        # A task is checked on its own SKPD too: it may have been moved to another one.
        rows = db.session.scalars(
            select(FollowUpTask).where(FollowUpTask.finding_id.in_([f.id for f in findings]),
                                       scope.clause(FollowUpTask.skpd_id))
            .order_by(FollowUpTask.id))
        for task in rows:
            tasks.setdefault(task.finding_id, []).append(task)
    rows = db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id,
                                 scope.clause(Attendance.skpd_id))
        .options(selectinload(Attendance.skpd)).order_by(Attendance.id)).all()
    linked = select(session_innovations.c.innovation_id).where(
        session_innovations.c.session_id == session.id)
    innovations = db.session.scalars(
        select(Innovation).where(Innovation.id.in_(linked), scope.clause(Innovation.skpd_id))
        .order_by(Innovation.name)).all()
    return Minutes(scope, findings=findings, attendance=rows, innovations=innovations,
                   tasks=tasks, answers=rsvp.answers_in_scope(session, scope))
