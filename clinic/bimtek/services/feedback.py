"""Participants' feedback after the event: the invitation mail, the form's answer, a summary.

One answer per participant: sending the form again replaces the earlier answer, so a
participant can correct it and the summary still counts each person once.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic import audit
from clinic.bimtek.models import (CheckIn, EventDay, EventInvitation, EventStatus, Feedback,
                                  Participant)
from clinic.bimtek.services.events import EventError
from clinic.bimtek.services.participant_links import placeholders
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.models import Notification
from clinic.outbox.services import send_email

KIND = "bimtek_feedback"
# Feedback, findings and photos belong to an event that took (or is taking) place.
AFTER = (EventStatus.CLOSED, EventStatus.HELD, EventStatus.ARCHIVED)
COMMENT_MAX = 2000


def feedback_key(event_id, participant_id):
    return keys.event_mail(event_id, "feedback", f"p{participant_id}")


def present_participants(event):
    """Registered participants with a check-in on at least one day of ``event``."""
    present = (select(CheckIn.participant_id).join(EventDay, CheckIn.day_id == EventDay.id)
               .where(EventDay.event_id == event.id))
    stmt = (select(Participant).join(EventInvitation)
            .where(EventInvitation.event_id == event.id, EventInvitation.withdrawn_at.is_(None),
                   Participant.cancelled_at.is_(None), Participant.id.in_(present))
            .order_by(Participant.id))
    return db.session.scalars(stmt).all()


def send_invitations(event, actor):
    """Write the feedback form's mail to each present participant not yet sent one; return
    how many were written."""
    if event.status not in AFTER:
        raise EventError(_l("Formulir umpan balik dikirim setelah bimtek berlangsung."))
    participants = present_participants(event)
    wanted = {feedback_key(event.id, p.id): p for p in participants}
    sent = set(db.session.scalars(select(Notification.dedupe_key).where(
        Notification.dedupe_key.in_(wanted)))) if wanted else set()
    context, names = placeholders()
    written = 0
    for key, participant in wanted.items():
        if key in sent:
            continue
        send_email(KIND, None, _l("Umpan balik bimtek: %(title)s", title=event.title),
                   to_email=participant.email, event=event, participant=participant,
                   secret_links=names, dedupe_key=key, **context)
        written += 1
    db.session.flush()
    audit.record("bimtek_feedback_sent", actor=actor, obj=event, summary=str(written))
    return written


def _score(value, field_name, label):
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise EventError(_l("Pilih nilai 1 sampai 5 untuk %(what)s.", what=label), field_name)
    return value


def submit(participant, rating, usefulness, comment, now=None):
    """Save the participant's answer (a second answer replaces the first); return the row."""
    if participant.invitation.event.status not in AFTER:
        raise EventError(_l("Formulir umpan balik belum dibuka untuk bimtek ini."))
    rating = _score(rating, "rating", _l("penilaian keseluruhan"))
    usefulness = _score(usefulness, "usefulness", _l("manfaat"))
    comment = (comment or "").strip()[:COMMENT_MAX] or None
    row = db.session.scalars(select(Feedback).where(
        Feedback.participant_id == participant.id)).first()
    if row is None:
        row = Feedback(participant_id=participant.id, skpd_id=participant.skpd_id)
        db.session.add(row)
    row.rating, row.usefulness, row.comment = rating, usefulness, comment
    row.submitted_at = now or utcnow()
    db.session.flush()
    return row


@dataclass
class Summary:
    """What staff see: how many answered, the averages, the comments (no names)."""

    count: int = 0
    rating: float | None = None
    usefulness: float | None = None
    comments: list = field(default_factory=list)


def summary(event):
    """The feedback of ``event`` without names."""
    of_event = (select(Participant.id).join(EventInvitation)
                .where(EventInvitation.event_id == event.id))
    where = Feedback.participant_id.in_(of_event)
    count, rating, usefulness = db.session.execute(
        select(func.count(Feedback.id), func.avg(Feedback.rating), func.avg(Feedback.usefulness))
        .where(where)).one()
    comments = db.session.scalars(select(Feedback.comment).where(
        where, Feedback.comment.is_not(None)).order_by(Feedback.submitted_at)).all()
    return Summary(count=count, comments=list(comments),
                   rating=float(rating) if rating is not None else None,
                   usefulness=float(usefulness) if usefulness is not None else None)
