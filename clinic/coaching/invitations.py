"""Invitations and cancellations of a session: one outbox e-mail with an .ics per recipient."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic.auth.models import User
from clinic.coaching import ics
from clinic.coaching.access import session_scope
from clinic.coaching.checks import span
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox.services import send_email

def recipients(session):
    """Active contacts of the session's SKPDs and its active trainers, each once."""
    skpd_ids = [s.id for s in session.skpds]
    contacts = db.session.scalars(
        select(User).where(User.role == "contact", User.is_active, User.skpd_id.in_(skpd_ids))
        .order_by(User.name)).all() if skpd_ids else []
    people = {u.id: u for u in [*contacts, *(t for t in session.trainers if t.is_active)]}
    return list(people.values())


def _when(session, user):
    zone = user.timezone or current_app.config["CLINIC_TIMEZONE"]
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return span(session.starts_at, session.ends_at, zone)


def _attachment(session, people, user, cancel=False):
    """The .ics for ``user``, naming the attendees they may see: the trainers, themselves and,
    for a contact of a joint session, only their own SKPD's contacts."""
    scope = session_scope(session, user)
    seen = [p for p in people if p.id == user.id or p.role != "contact" or scope.sees(p.skpd_id)]
    return ics.invitation_attachment(session, seen, cancel=cancel)


def invite(session, reason="invite", people=None):
    """Queue an invitation (METHOD:REQUEST) at the session's current SEQUENCE to everyone."""
    people = recipients(session) if people is None else people
    rows = []
    for user in people:
        when = _when(session, user)
        if reason in ("rescheduled", "updated"):
            subject = _l("Perubahan Coaching Clinic: %(title)s, %(when)s",
                         title=session.title, when=when)
        else:
            subject = _l("Undangan Coaching Clinic: %(title)s, %(when)s",
                         title=session.title, when=when)
        rows.append(_send("session_invitation", session, user, subject, when,
                          _attachment(session, people, user), "invite", reason=reason))
    return rows


def announce_cancel(session, people=None, reason=None):
    """Queue a cancellation (METHOD:CANCEL) to everyone (or to ``people`` taken off the session)."""
    people = recipients(session) if people is None else people
    rows = []
    for user in people:
        when = _when(session, user)
        subject = _l("Dibatalkan: Coaching Clinic %(title)s, %(when)s",
                     title=session.title, when=when)
        rows.append(_send("session_cancelled", session, user, subject, when,
                          _attachment(session, people, user, cancel=True), "cancel",
                          reason=reason or session.cancel_reason))
    return rows


def _send(kind, session, user, subject, when, attachment, tag, reason):
    # The key names the SEQUENCE, so a repeated request cannot queue the same message twice.
    return send_email(
        kind, user, subject, attachments=[attachment],
        dedupe_key=f"session:{session.id}:{user.id}:{tag}:{session.sequence}",
        session=session, when=when, reason=reason,
        link=absolute_url("coaching.detail", session_id=session.id))
