"""Check-in on an event day: a tick on the list, a scanned QR code, a walk-in at the door,
and staff cancelling one participant.

Once per participant and day is the database's rule (a unique pair): two phones scanning the
same code at once both end with the one row, the second one told when it was made.
"""
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from clinic import audit, dates
from clinic.bimtek.models import CheckIn, EventInvitation, EventStatus, Participant
from clinic.bimtek.services import qr
from clinic.bimtek.services.registration import cancel_registration
from clinic.db_types import utcnow
from clinic.errors import DomainError
from clinic.extensions import db


class CheckInError(DomainError):
    """A refused check-in; the message says why and what to do."""


def local_today(event, now=None):
    return (now or utcnow()).astimezone(ZoneInfo(event.timezone)).date()


def event_today(event, now=None):
    """The day of ``event`` that is today in the event's zone, or None."""
    today = local_today(event, now)
    return next((d for d in event.days if d.day_on == today), None)


def clock(checkin, event):
    """'08.12 WITA': when a check-in was made, in the event's zone."""
    moment = checkin.checked_at.astimezone(ZoneInfo(event.timezone))
    return f"{moment:%H.%M} {dates.zone_label(event.timezone)}"


def _usable_event(event):
    if event.status == EventStatus.CANCELLED:
        raise CheckInError(_l("Bimtek ini dibatalkan; kehadiran tidak dicatat."))


def _usable(participant, event):
    _usable_event(event)
    if participant.cancelled_at is not None or participant.invitation.withdrawn_at is not None:
        raise CheckInError(_l("Pendaftaran %(name)s sudah dibatalkan; kehadirannya tidak dapat "
                              "dicatat. Tambahkan sebagai peserta langsung bila perlu.",
                              name=participant.name))


def scan(token, now=None, event=None):
    """(participant, today's event day) of a scanned code, or CheckInError: a forged or cut
    code, a code of another event than ``event``, a cancelled registration, not an event day."""
    participant = qr.token_participant(token)
    if participant is None:
        raise CheckInError(_l("Kode QR tidak sah atau terpotong. Cari nama peserta di daftar "
                              "hadir dan centang dari sana."))
    own = participant.invitation.event
    if event is not None and own.id != event.id:
        raise CheckInError(_l("Kode QR ini untuk bimtek lain: %(title)s.", title=own.title))
    _usable(participant, own)
    day = event_today(own, now)
    if day is None:
        raise CheckInError(_l("Hari ini (%(today)s) bukan hari pelaksanaan %(title)s; kode QR "
                              "hanya berlaku pada hari bimtek.",
                              today=dates.fmt_date(local_today(own, now)), title=own.title))
    return participant, day


def existing_checkin(participant, day, latest=False):
    stmt = select(CheckIn).where(CheckIn.participant_id == participant.id,
                                 CheckIn.day_id == day.id)
    if latest and db.session.get_bind().dialect.name in ("mysql", "mariadb"):
        # REPEATABLE READ would read the snapshot taken before the other scan committed.
        stmt = stmt.with_for_update(read=True)
    return db.session.scalars(stmt.execution_options(populate_existing=True)).first()


def check_in(participant, day, actor, method="list", now=None):
    """Mark ``participant`` present on ``day``; (check-in, True) when new, (the existing one,
    False) when they were already marked, also by a scan racing this one."""
    if participant.invitation.event_id != day.event_id:
        raise CheckInError(_l("Peserta ini tidak terdaftar pada bimtek ini."))
    _usable(participant, day.event)
    found = existing_checkin(participant, day)
    if found is not None:
        return found, False
    row = CheckIn(participant_id=participant.id, day_id=day.id, skpd_id=participant.skpd_id,
                  method=method, checked_at=now or utcnow(),
                  checked_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return existing_checkin(participant, day, latest=True), False
    audit.record("bimtek_checkin", actor=actor, obj=row,
                 summary=f"{participant.name} {day.day_on.isoformat()} {method}")
    return row, True


def undo_check_in(participant, day, actor):
    """Take a tick back (a mistaken tap); True when there was one."""
    result = db.session.execute(delete(CheckIn).where(CheckIn.participant_id == participant.id,
                                                      CheckIn.day_id == day.id))
    if result.rowcount:
        audit.record("bimtek_checkin_undone", actor=actor, obj=day.event,
                     summary=f"{participant.name} {day.day_on.isoformat()}")
    return bool(result.rowcount)


def add_walk_in(day, data, actor, now=None):
    """Add a person at the door of an invited SKPD and mark them present on ``day``."""
    now = now or utcnow()
    invitation = db.session.scalars(select(EventInvitation).where(
        EventInvitation.event_id == day.event_id, EventInvitation.skpd_id == data["skpd_id"],
        EventInvitation.withdrawn_at.is_(None))).first()
    if invitation is None:
        raise CheckInError(_l("Pilih Perangkat Daerah yang diundang ke bimtek ini."), "skpd")
    _usable_event(day.event)
    participant = Participant(
        invitation=invitation, skpd_id=invitation.skpd_id, walk_in=True,
        over_quota_reason="walk-in", registered_by_id=getattr(actor, "id", None),
        registered_at=now, name=data["name"], nip=data.get("nip") or None,
        position=data["position"], email=data["email"], whatsapp=data.get("whatsapp") or "")
    db.session.add(participant)
    db.session.flush()
    audit.record("bimtek_walk_in", actor=actor, obj=day.event, summary=participant.name)
    check_in(participant, day, actor, method="walk_in", now=now)
    return participant


def cancel_by_staff(participant, reason, actor, now=None):
    """Staff cancel one registration with a reason (audit-logged); the seat is free again."""
    if not cancel_registration(participant, now=now):
        return False
    audit.record("bimtek_participant_cancelled", actor=actor, obj=participant.invitation.event,
                 summary=f"{participant.name}: {reason}")
    return True
