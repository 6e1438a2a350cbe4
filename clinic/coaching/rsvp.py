"""Answers to invitations: signed one-click links (Hadir / Tidak hadir / Diwakilkan), made at
send time like every link that grants something, and the answers kept per (session, invitee).

A link carries the session and the invitee, signed, never the answer: the three links of a mail
share one token, and the page they open lets the invitee change the answer. It needs no login,
works until the session ends (not after it is cancelled or held), and only for someone the
session still invites. The outbox stores the placeholders; delivery asks ``_link_maker`` for
the links, so nobody who reads the outbox, a backup or a log can answer for someone else.
"""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from clinic import audit
from clinic.auth.models import User
from clinic.coaching.models import (AttendanceStatus, CoachingSession, InvitationAnswer,
                                    RsvpAnswer, SessionStatus)
from clinic.db_types import utcnow
from clinic.email import absolute_url
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.secret_links import register_secret_link, secret_link, sign, unsign

SALT = "clinic-session-rsvp"
# One secret link per answer, as named in the outbox row (clinic.secret_links).
LINKS = {RsvpAnswer.YES: "rsvp_yes", RsvpAnswer.NO: "rsvp_no",
         RsvpAnswer.DELEGATED: "rsvp_delegated"}
# The answer in the link's path, in the invitee's words (Indonesian, the default locale).
SLUGS = {RsvpAnswer.YES: "hadir", RsvpAnswer.NO: "tidak-hadir",
         RsvpAnswer.DELEGATED: "diwakilkan"}
ANSWERS = {slug: answer for answer, slug in SLUGS.items()}
LABELS = {RsvpAnswer.YES: _l("Hadir"), RsvpAnswer.NO: _l("Tidak hadir"),
          RsvpAnswer.DELEGATED: _l("Diwakilkan")}
BADGES = {RsvpAnswer.YES: "status-verified", RsvpAnswer.NO: "status-overdue",
          RsvpAnswer.DELEGATED: "status-submitted"}
# What an answer suggests for the daftar hadir until the trainer records it: an invitee who
# said beforehand they cannot come (or sends someone) is excused (izin), not a no-show.
ATTENDANCE = {RsvpAnswer.YES: AttendanceStatus.PRESENT, RsvpAnswer.NO: AttendanceStatus.EXCUSED,
              RsvpAnswer.DELEGATED: AttendanceStatus.EXCUSED}
# The invitation's outbox key: "session:<id>:<user>:invite:<sequence>" (see invitation_key).
KEY = re.compile(r"^session:(\d+):(\d+):invite:")


class RsvpError(DomainError):
    """A refused answer; the message is shown on the answer page."""


def invitation_key(session, user, tag):
    """The dedupe key of a session mail to ``user``; it names the SEQUENCE, so a repeated
    request cannot queue the same message twice."""
    return f"session:{session.id}:{user.id}:{tag}:{session.sequence}"


def make_token(session, user):
    return sign(SALT, s=session.id, u=user.id)


def is_invitee(session, user):
    """Whether ``session`` still invites ``user``: an active contact of one of its SKPDs or one
    of its active trainers."""
    if user is None or not user.is_active:
        return False
    if user.role == "contact":
        return user.skpd_id in {s.id for s in session.skpds}
    return session.has_trainer(user)


def read_token(token):
    """(session, invitee) of a valid token whose invitee the session still invites, or None."""
    data = unsign(SALT, token, "s", "u")
    if data is None:
        return None
    session, user = db.session.get(CoachingSession, data["s"]), db.session.get(User, data["u"])
    if session is None or not is_invitee(session, user):
        return None
    return session, user


def is_open(session, now=None):
    """Answers are taken for a planned session until it ends."""
    return session.status == SessionStatus.PLANNED and (now or utcnow()) < session.ends_at


def answer_url(session, user, answer):
    return absolute_url("coaching.rsvp_answer", token=make_token(session, user),
                        jawaban=SLUGS[answer])


def _link_maker(answer):
    def make(notification):
        # The row's key names the session; the recipient must still be invited to it.
        match = KEY.match(notification.dedupe_key or "")
        session = db.session.get(CoachingSession, int(match[1])) if match else None
        user = notification.recipient
        if session is None or not is_invitee(session, user):
            return None
        return answer_url(session, user, answer)

    return make


def link_placeholders():
    """{answer: placeholder} for an invitation's context, and the names to declare."""
    return ({answer: secret_link(name) for answer, name in LINKS.items()}, list(LINKS.values()))


def record(session, user, answer, representative=None, now=None, ip=None):
    """Keep ``user``'s answer to ``session``; return True when it changed (a repeated click
    changes nothing). Only "Diwakilkan" keeps a representative's name."""
    if not is_open(session, now):
        raise RsvpError(_l("Sesi ini sudah berakhir atau dibatalkan; jawaban tidak dapat "
                           "diubah lagi."))
    if answer not in RsvpAnswer.ALL:
        raise RsvpError(_l("Pilih Hadir, Tidak hadir, atau Diwakilkan."))
    representative = ((representative or "").strip()[:120] or None
                      if answer == RsvpAnswer.DELEGATED else None)
    row = answer_of(session, user)
    if row is not None and (row.answer, row.representative) == (answer, representative):
        return False
    now = now or utcnow()
    if row is None:
        row = InvitationAnswer(session_id=session.id, user_id=user.id, skpd_id=user.skpd_id,
                               first_answered_at=now)
        db.session.add(row)
    else:
        row.changes += 1
    row.answer, row.representative, row.answered_at = answer, representative, now
    db.session.flush()
    audit.record("session_rsvp", actor=user, obj=session, summary=answer, ip=ip,
                 changes={"answer": answer, "representative": representative})
    return True


def answer_of(session, user):
    return db.session.scalars(select(InvitationAnswer).where(
        InvitationAnswer.session_id == session.id, InvitationAnswer.user_id == user.id)).first()


def answers_in_scope(session, scope):
    """The answers to ``session`` a viewer with SessionScope ``scope`` may see, by name."""
    if not scope.details:
        return []
    return db.session.scalars(
        select(InvitationAnswer).join(User, User.id == InvitationAnswer.user_id)
        .where(InvitationAnswer.session_id == session.id,
               scope.clause(InvitationAnswer.skpd_id))
        .options(contains_eager(InvitationAnswer.user))
        .order_by(User.name, InvitationAnswer.id)).all()


for _answer, _name in LINKS.items():
    register_secret_link(_name, _link_maker(_answer), opens_account=False)


def record_click(session, user, answer, now=None, ip=None):
    """A click on an answer link: record it once; the same answer again changes nothing (a
    representative's name given on the page stays)."""
    row = answer_of(session, user)
    keep = row.representative if row is not None and row.answer == answer else None
    return record(session, user, answer, keep, now=now, ip=ip)


def answers_by_user(session):
    """{user id: answer} of every invitee of ``session`` who answered (for its trainers)."""
    return {row.user_id: row for row in db.session.scalars(
        select(InvitationAnswer).where(InvitationAnswer.session_id == session.id))}


def prefill(rows, answers):
    """{user id: status} the daftar hadir suggests for contacts' rows not recorded yet."""
    return {row.user_id: ATTENDANCE[answers[row.user_id].answer] for row in rows
            if row.user_id in answers and not row.status}
