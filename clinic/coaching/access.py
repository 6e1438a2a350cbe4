"""Who may see and who may change a coaching session, and which of its rows (404 beyond reach).

One rule for every role: a session's schedule (title, time, place, SKPDs, trainers) is seen by
Bappeda, every trainer (to plan) and the contacts of its SKPDs; its details (agenda, linked
innovations, findings, tasks, attendance, notes) only by Bappeda and the trainers who coach
it, and by each contact for its own SKPD's rows. ``session_scope`` decides the details for
every page, printout, e-mail and feed; SKPD-owned rows elsewhere follow ``clinic.access.scope``,
which reaches a trainer through ``trainer_skpd_ids``, registered with it at the end.
"""
from dataclasses import dataclass

from flask import abort
from sqlalchemy import false, or_, select, true

from clinic.access import register_skpd_resolver, scope, visible_skpd_ids
from clinic.coaching.models import CoachingSession, SessionStatus, session_skpds, session_trainers
from clinic.extensions import db
from clinic.followups.sources import SessionRules, register_session_rules


def trainer_skpd_ids(user):
    """SKPD ids a trainer may look at: those of the sessions they coach (not cancelled)."""
    stmt = (select(session_skpds.c.skpd_id)
            .join(session_trainers, session_trainers.c.session_id == session_skpds.c.session_id)
            .join(CoachingSession, CoachingSession.id == session_skpds.c.session_id)
            .where(session_trainers.c.user_id == user.id,
                   CoachingSession.status != SessionStatus.CANCELLED)
            .distinct())
    return set(db.session.scalars(stmt))


def visible_sessions(stmt, user):
    """Narrow a select of sessions: Bappeda and trainers see all (trainers the schedule of
    others'), a contact their SKPD's."""
    if user.role in ("admin", "staff", "trainer"):
        return stmt
    return scope(stmt, CoachingSession, user)


def can_edit(session, user):
    """Bappeda edits every session; a trainer only the sessions they coach."""
    return user.role in ("admin", "staff") or (user.role == "trainer" and session.has_trainer(user))


@dataclass(frozen=True)
class SessionScope:
    """What of one session's details a viewer may see.

    ``full``: every row (Bappeda, the session's trainers). Otherwise the rows of the SKPDs in
    ``skpd_ids``, and rows of no SKPD (a guest, a finding about no innovation) only when
    ``unattributed``: when the session is the contact's SKPD's alone, so they cannot be
    another SKPD's business.
    """

    details: bool = False
    full: bool = False
    skpd_ids: frozenset = frozenset()
    unattributed: bool = False

    def sees(self, skpd_id):
        """Whether a row of this session owned by ``skpd_id`` (None: no SKPD) is visible."""
        if self.full:
            return True
        if skpd_id is None:
            return self.unattributed
        return self.details and skpd_id in self.skpd_ids

    def rows(self, rows):
        """The visible ones of rows that carry an ``skpd_id``."""
        return [row for row in rows if self.sees(row.skpd_id)]

    def clause(self, skpd_column):
        """SQL: the visible rows of this session, given the rows' SKPD column."""
        if self.full:
            return true()
        if not self.details:
            return false()
        owned = skpd_column.in_(sorted(self.skpd_ids))
        return or_(owned, skpd_column.is_(None)) if self.unattributed else owned


def session_scope(session, user):
    """The details of ``session`` that ``user`` may see (see SessionScope)."""
    if can_edit(session, user):
        return SessionScope(details=True, full=True,
                            skpd_ids=frozenset(s.id for s in session.skpds))
    if user.role != "contact":
        return SessionScope()  # a trainer of other sessions: the schedule only
    skpd_ids = frozenset(s.id for s in session.skpds)
    own = frozenset(visible_skpd_ids(user, skpd_ids))
    return SessionScope(details=bool(own), skpd_ids=own,
                        unattributed=bool(own) and own == skpd_ids)


def session_rows_clause(session_id, user, skpd_column):
    """SQL: rows of session ``session_id`` (given their SKPD column) that ``user`` may see;
    none when the session is out of their reach."""
    stmt = visible_sessions(select(CoachingSession).where(CoachingSession.id == session_id), user)
    session = db.session.scalars(stmt).first()
    return session_scope(session, user).clause(skpd_column) if session else false()


def can_see_private(session, user):
    """The private part of the notes is for Bappeda and the session's trainers, never contacts."""
    return user.is_authenticated and session_scope(session, user).full


def linkable_sessions(user, skpd_id):
    """Sessions with the SKPD that ``user`` may link a task to (a trainer: those they coach)."""
    if not skpd_id:
        return []
    stmt = (select(CoachingSession)
            .where(CoachingSession.id.in_(select(session_skpds.c.session_id)
                                          .where(session_skpds.c.skpd_id == skpd_id)))
            .order_by(CoachingSession.starts_at.desc()))
    if user.role == "trainer":
        stmt = stmt.where(CoachingSession.id.in_(
            select(session_trainers.c.session_id).where(session_trainers.c.user_id == user.id)))
    return db.session.scalars(visible_sessions(stmt, user)).all()


def get_session_or_404(session_id, user):
    stmt = visible_sessions(select(CoachingSession).where(CoachingSession.id == session_id), user)
    return db.first_or_404(stmt)


def get_session_details_or_404(session_id, user):
    """Load a session whose details the user may see (its printout): the schedule is not
    enough, so a trainer of other sessions gets 404."""
    session = get_session_or_404(session_id, user)
    if not session_scope(session, user).details:
        abort(404)
    return session


def get_editable_session_or_404(session_id, user):
    """Load a session the user may change; others' sessions answer 404, not 403."""
    session = get_session_or_404(session_id, user)
    if not can_edit(session, user):
        abort(404)
    return session


# Registered with the layers below, which cannot import coaching: the SKPD scope of every
# SKPD-owned row (clinic.access.scope) reaches a trainer through their sessions, and follow-ups
# filter and link tasks by a session through its own rules.
register_skpd_resolver("trainer", trainer_skpd_ids)
register_session_rules(SessionRules(rows_clause=session_rows_clause, linkable=linkable_sessions,
                                    get_editable_or_404=get_editable_session_or_404))
