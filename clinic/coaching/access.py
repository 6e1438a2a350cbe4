"""Who may see and who may change a coaching session (404 for anything out of reach)."""
from flask import abort
from sqlalchemy import select

from clinic.coaching.models import CoachingSession
from clinic.extensions import db


def visible_sessions(stmt, user):
    """Narrow a select of sessions: Bappeda and trainers see all, a contact their SKPD's."""
    if user.role in ("admin", "staff", "trainer"):
        return stmt
    from clinic.access import scope

    return scope(stmt, CoachingSession, user)


def can_edit(session, user):
    """Bappeda edits every session; a trainer only the sessions they coach."""
    return user.role in ("admin", "staff") or (user.role == "trainer" and session.has_trainer(user))


def get_session_or_404(session_id, user):
    stmt = visible_sessions(select(CoachingSession).where(CoachingSession.id == session_id), user)
    session = db.session.scalars(stmt).first()
    if session is None:
        abort(404)
    return session


def get_editable_session_or_404(session_id, user):
    """Load a session the user may change; others' sessions answer 404, not 403."""
    session = get_session_or_404(session_id, user)
    if not can_edit(session, user):
        abort(404)
    return session
