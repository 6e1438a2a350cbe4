"""Bimtek events: create, move along the status flow, cancel (everyone is told)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from clinic import audit
from clinic.bimtek import ics
from clinic.bimtek.models import (CANCELLABLE, NEXT_STATUS, BimtekEvent, EventDay,
                                  EventStatus)
from clinic.bimtek.services.invitation_mail import mail_invitations, told_heads
from clinic.bimtek.services.mail import mail_skpd
from clinic.db_types import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.services import send_email, supersede

MAX_DAYS = 5


class EventError(DomainError):
    """A refused change of an event."""


def _check_days(days):
    if not 1 <= len(days) <= MAX_DAYS:
        raise EventError(_l("Sebuah bimtek berlangsung 1 sampai 5 hari."), "days")
    if len({d for d, _s, _e in days}) != len(days):
        raise EventError(_l("Setiap tanggal hanya boleh muncul sekali."), "days")
    if any(starts >= ends for _d, starts, ends in days):
        raise EventError(_l("Jam selesai harus sesudah jam mulai."), "days")


def create_event(fields, days, actor):
    """Add a draft event; ``days`` is a list of (date, start time, end time)."""
    _check_days(days)
    event = BimtekEvent(created_by_id=getattr(actor, "id", None), **fields)
    event.days = [EventDay(day_on=d, starts=s, ends=e) for d, s, e in sorted(days)]
    db.session.add(event)
    db.session.flush()
    audit.record("bimtek_created", actor=actor, obj=event, summary=event.title)
    return event


def advance(event, to_status, actor):
    """Move the event one step along draft -> open -> closed -> held -> archived; opening
    registration mails the invitations made while it was a draft."""
    if NEXT_STATUS.get(event.status) != to_status:
        raise EventError(_l("Status bimtek tidak dapat diubah ke sana."), "status")
    # Only from the status this request saw: of two staff opening registration at once, the
    # second waits for the first, then changes nothing and is told (no second round of mail).
    moved = db.session.execute(
        update(BimtekEvent).where(BimtekEvent.id == event.id, BimtekEvent.status == event.status)
        .values(status=to_status).execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise EventError(_l("Status bimtek baru saja diubah oleh pengguna lain. Muat ulang "
                            "halaman ini."), "status")
    set_committed_value(event, "status", to_status)
    audit.record("bimtek_status", actor=actor, obj=event, summary=to_status)
    if to_status == EventStatus.OPEN:
        mail_invitations(event, event.invitations)
    return event


def cancel_event(event, reason, actor, now=None):
    """Cancel with a reason: pending mail of the event is superseded, then every invited
    SKPD's contacts (and its head, if the invitation reached them) and every registered
    participant get the cancellation."""
    reason = (reason or "").strip()
    if event.status not in CANCELLABLE:
        raise EventError(_l("Bimtek yang sudah terlaksana atau dibatalkan tidak dapat "
                            "dibatalkan."), "reason")
    if not reason:
        raise EventError(_l("Tuliskan alasan pembatalan."), "reason")
    supersede([keys.event_prefix(event.id)], "event cancelled")
    event.status, event.cancel_reason = EventStatus.CANCELLED, reason
    event.cancelled_at = now or utcnow()
    subject = _l("Dibatalkan: %(title)s", title=event.title)
    # The invitation mail put the days in the contacts' and heads' calendars too.
    cancel_ics = [ics.attachment(event, cancel=True)]
    for invitation in event.invitations:
        if invitation.withdrawn_at is not None:
            continue
        mail_skpd(invitation, "bimtek_cancelled", subject, "cancelled", attachments=cancel_ics)
        for address in told_heads(event.id, invitation.skpd_id):
            send_email("bimtek_cancelled", None, subject, to_email=address, event=event,
                       invitation=invitation, participant=None, attachments=cancel_ics,
                       dedupe_key=keys.event_mail(event.id, "cancelled",
                                                  f"head{invitation.skpd_id}"))
        for participant in invitation.active_participants:
            send_email("bimtek_cancelled", None, subject, to_email=participant.email,
                       event=event, invitation=invitation, participant=participant,
                       attachments=cancel_ics,
                       dedupe_key=keys.event_mail(event.id, "cancelled", f"p{participant.id}"))
    db.session.flush()
    audit.record("bimtek_cancelled", actor=actor, obj=event, summary=reason)
    return event


def update_event(event, fields, days, actor):
    """Change an event; a day whose date stays keeps its agenda, a removed day loses it."""
    if event.status in (EventStatus.CANCELLED, EventStatus.ARCHIVED):
        raise EventError(_l("Bimtek ini tidak dapat diubah lagi."), "title")
    _check_days(days)
    for name, value in fields.items():
        setattr(event, name, value)
    kept = {d.day_on: d for d in event.days}
    wanted = {d: (s, e) for d, s, e in days}
    event.days = [d for d in event.days if d.day_on in wanted]
    for day_on, (starts, ends) in sorted(wanted.items()):
        day = kept.get(day_on)
        if day is None:
            event.days.append(EventDay(day_on=day_on, starts=starts, ends=ends))
        else:
            day.starts, day.ends = starts, ends
    # Pending day reminders may name a moved day or an old place: the planner writes the
    # right ones again.
    supersede(keys.event_day_prefixes(event.id, [i.id for i in event.invitations]),
              "event changed")
    db.session.flush()
    audit.record("bimtek_updated", actor=actor, obj=event, summary=event.title)
    return event
