"""Invitations and cancellations of a session: one outbox e-mail with an .ics per recipient."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic.auth.models import User
from clinic.coaching import ics, rsvp
from clinic.coaching.access import session_scope
from clinic.coaching.checks import moment, span
from clinic.coaching.wording import session_label
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


def _zone_and_locale(user):
    return (user.timezone or current_app.config["CLINIC_TIMEZONE"],
            user.locale or current_app.config["BABEL_DEFAULT_LOCALE"])


def _when(session, user):
    zone, locale = _zone_and_locale(user)
    with force_locale(locale):
        return span(session.starts_at, session.ends_at, zone)


def _change(session, user, previous):
    """What moved, in the recipient's words: (old start, new start) and (old place, new place),
    each None when it did not change."""
    if not previous:
        return None, None
    zone, locale = _zone_and_locale(user)
    times = places = None
    with force_locale(locale):
        if previous.get("starts_at") and previous["starts_at"] != session.starts_at:
            times = (moment(previous["starts_at"], zone), moment(session.starts_at, zone))
    place = place_of(session)
    if "place" in previous and previous["place"] != place:
        places = (previous["place"] or "-", place or "-")
    return times, places


def place_of(session):
    """The room, the place and the online link of a session, as the invitation names them."""
    return ", ".join(p for p in (session.room, session.place, session.online_url) if p)


def _attachment(session, people, user, cancel=False):
    """The .ics for ``user``, naming the attendees they may see: the trainers, themselves and,
    for a contact of a joint session, only their own SKPD's contacts."""
    scope = session_scope(session, user)
    seen = [p for p in people if p.id == user.id or p.role != "contact" or scope.sees(p.skpd_id)]
    with force_locale(_zone_and_locale(user)[1]):  # the alarm's text in their language
        return ics.invitation_attachment(session, seen, cancel=cancel)


def invite(session, reason="invite", people=None, previous=None):
    """Queue an invitation (METHOD:REQUEST) at the session's current SEQUENCE to everyone.

    ``previous`` ({"starts_at", "place"} before a change) lets the change mail name the old
    and the new time and place. Each mail carries the invitee's answer links, made at send time.
    """
    people = recipients(session) if people is None else people
    label = session_label(session.title)
    links, names = rsvp.link_placeholders()
    rows = []
    for user in people:
        when = _when(session, user)
        if reason in ("rescheduled", "updated"):
            subject = _l("Perubahan: %(session)s, %(when)s", session=label, when=when)
        else:
            subject = _l("Undangan: %(session)s, %(when)s", session=label, when=when)
        times, places = _change(session, user, previous)
        rows.append(_send("session_invitation", session, user, subject, when,
                          _attachment(session, people, user), "invite", reason=reason,
                          old_new_times=times, old_new_places=places, rsvp=links,
                          secret_links=names))
    return rows


def announce_cancel(session, people=None, reason=None):
    """Queue a cancellation (METHOD:CANCEL) to everyone (or to ``people`` taken off the session)."""
    people = recipients(session) if people is None else people
    label = session_label(session.title)
    rows = []
    for user in people:
        when = _when(session, user)
        subject = _l("Dibatalkan: %(session)s, %(when)s", session=label, when=when)
        rows.append(_send("session_cancelled", session, user, subject, when,
                          _attachment(session, people, user, cancel=True), "cancel",
                          reason=reason or session.cancel_reason))
    return rows


def _send(kind, session, user, subject, when, attachment, tag, **context):
    return send_email(
        kind, user, subject, attachments=[attachment],
        dedupe_key=rsvp.invitation_key(session, user, tag),
        session=session, when=when,
        link=absolute_url("coaching.detail", session_id=session.id), **context)
