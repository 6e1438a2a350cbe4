"""Registration of participants up to an invitation's quota and until its deadline.

The invitation row is locked (SELECT ... FOR UPDATE; SQLite serializes writers) before the
seats are counted, so two contacts racing for the last seat cannot both take it.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from clinic import audit
from clinic.bimtek import ics
from clinic.bimtek.models import EventInvitation, EventStatus, Participant
from clinic.bimtek.services.links import cancel_placeholder
from clinic.bimtek.services.qr import FILENAME as QR_FILENAME
from clinic.bimtek.services.qr import qr_attachment
from clinic.db_types import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.services import send_email

FIELDS = ("name", "nip", "position", "email", "whatsapp")


class RegistrationError(DomainError):
    """A refused registration; the message is shown above the form."""


def _locked(invitation_id):
    """The invitation, its row locked until commit: the seat count that follows is final."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE: a write takes the database's one writer lock first, so a
        # second registration waits here and then counts what the first committed.
        db.session.execute(update(EventInvitation).where(EventInvitation.id == invitation_id)
                           .values(quota=EventInvitation.quota)
                           .execution_options(synchronize_session=False))
    stmt = (select(EventInvitation).where(EventInvitation.id == invitation_id)
            .with_for_update())
    return db.session.scalars(stmt.execution_options(populate_existing=True)).one()


def seats_taken(invitation_id, locking=False):
    """Active participants of the invitation; ``locking`` reads the latest committed rows."""
    stmt = select(func.count(Participant.id)).where(Participant.invitation_id == invitation_id,
                                                    Participant.cancelled_at.is_(None))
    if locking and db.session.get_bind().dialect.name in ("mysql", "mariadb"):
        # REPEATABLE READ would count in the snapshot of the transaction's first read.
        stmt = stmt.with_for_update(read=True)
    return db.session.scalar(stmt)


def _refusal(invitation, now, override_reason, taken):
    if invitation.withdrawn_at is not None or invitation.event.status != EventStatus.OPEN:
        return _l("Pendaftaran bimtek ini tidak dibuka.")
    if override_reason:
        return None
    if now > invitation.deadline_at:
        return _l("Batas waktu pendaftaran sudah lewat.")
    if taken >= invitation.quota:
        return _l("Kuota peserta perangkat daerah Anda sudah penuh (%(quota)s orang).",
                  quota=invitation.quota)
    return None


def register(invitation_id, data, actor, override_reason=None, now=None, confirm=True):
    """Register one participant; staff may pass ``override_reason`` to go over the quota or
    past the deadline (audit-logged). Writes the confirmation mail with a cancel link (not
    when ``confirm`` is false: the demo data sends no mail)."""
    now = now or utcnow()
    override_reason = (override_reason or "").strip() or None
    if override_reason and getattr(actor, "role", None) not in ("admin", "staff"):
        override_reason = None
    invitation = _locked(invitation_id)
    taken = seats_taken(invitation.id, locking=True)
    message = _refusal(invitation, now, override_reason, taken)
    if message:
        raise RegistrationError(message)
    over = taken >= invitation.quota or now > invitation.deadline_at
    participant = Participant(invitation=invitation, skpd_id=invitation.skpd_id,
                              registered_by_id=getattr(actor, "id", None), registered_at=now,
                              over_quota_reason=override_reason if over else None,
                              **{f: (data.get(f) or "").strip() or None for f in FIELDS})
    db.session.add(participant)
    db.session.flush()
    audit.record("bimtek_override" if over else "bimtek_registered", actor=actor,
                 obj=invitation.event, summary=f"{participant.name}: {override_reason or ''}")
    if confirm:
        _confirm(participant)
    return participant


def _confirm(participant):
    event = participant.invitation.event
    placeholder, names = cancel_placeholder()
    send_email("bimtek_registered", None, _l("Pendaftaran bimtek: %(title)s", title=event.title),
               to_email=participant.email, event=event, participant=participant,
               cancel_url=placeholder, secret_links=names, qr_filename=QR_FILENAME,
               # The QR code's check-in link is safe to store: see clinic/bimtek/services/qr.py.
               attachments=[ics.attachment(event), qr_attachment(participant)],
               dedupe_key=keys.event_mail(event.id, "registered", f"p{participant.id}"))


def cancel_registration(participant, now=None):
    """Cancel a registration (the participant's link or staff); the seat is free again."""
    if participant.cancelled_at is not None:
        return False
    participant.cancelled_at = now or utcnow()
    db.session.flush()
    audit.record("bimtek_registration_cancelled", obj=participant.invitation.event,
                 summary=participant.name, actor_email=participant.email)
    return True
