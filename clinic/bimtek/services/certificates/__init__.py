"""Certificates of attendance: who may have one, issuing them in bulk, re-issuing a corrected
name (the old code then says "replaced"), the mail that carries each, and the public lookup.

The PDF itself is made in ``document``; ``certificate_pdf`` and ``new_code`` are re-exported
here, where the accountability pack and the demo data look for them.
"""
import re
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic import audit
from clinic.bimtek.models import Certificate, EventInvitation, EventStatus, Participant
from clinic.bimtek.services.certificates.document import (  # noqa: F401
    certificate_filename, certificate_pdf, days_text, verify_url,
)
from clinic.bimtek.services.roster import attended_days
from clinic.db_types import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.services import file_attachment, send_email, supersede

# No 0/O, 1/I/L: a code read aloud or typed from paper cannot be mistaken (31 signs, 79 bits).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP = 4, 4
ISSUABLE = (EventStatus.HELD, EventStatus.ARCHIVED)


class CertificateError(DomainError):
    """A refused certificate action."""


@dataclass
class IssueSummary:
    issued: int = 0
    reissued: int = 0
    skipped: int = 0
    already: int = 0


def new_code():
    """An unguessable code like 'K7QM-2XWD-9HTA-PZ4R'."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP))
                    for _ in range(GROUPS))


def normal_code(text):
    """A typed code in its printed form (case, spaces and dashes do not matter), or ''."""
    signs = re.sub(r"[^A-Z0-9]", "", (text or "").upper())[:GROUPS * GROUP * 2]
    if len(signs) != GROUPS * GROUP:
        return signs
    return "-".join(signs[i:i + GROUP] for i in range(0, len(signs), GROUP))


def find_by_code(text):
    code = normal_code(text)
    if not code:
        return None
    return db.session.scalars(select(Certificate).where(Certificate.code == code)).first()


def needed_days(event):
    """Days a participant must attend: the event's setting, or every day."""
    return min(event.required_days or len(event.days), len(event.days)) or 1


def active_participants(event):
    stmt = (select(Participant).join(EventInvitation)
            .where(EventInvitation.event_id == event.id, Participant.cancelled_at.is_(None),
                   EventInvitation.withdrawn_at.is_(None))
            .order_by(Participant.name, Participant.id))
    return db.session.scalars(stmt).all()


def current_certificates(participant_ids):
    """{participant id: their certificate still valid}."""
    if not participant_ids:
        return {}
    stmt = select(Certificate).where(Certificate.participant_id.in_(participant_ids),
                                     Certificate.replaced_at.is_(None))
    return {c.participant_id: c for c in db.session.scalars(stmt)}


def _unique_code():
    while True:
        code = new_code()
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def _mail(certificate, participant, event):
    if not participant.email:
        return None
    return send_email(
        "bimtek_certificate", None, _l("Sertifikat bimtek: %(title)s", title=event.title),
        to_email=participant.email, event=event, participant=participant,
        certificate=certificate, verify_url=verify_url(certificate),
        attachments=[file_attachment(certificate_filename(certificate), "application/pdf",
                                     certificate_pdf(certificate))],
        dedupe_key=keys.event_mail(event.id, "certificate", f"c{certificate.id}"))


def _issue(participant, old, actor, now):
    """A new certificate for ``participant``; ``old`` (their valid one) is replaced by it."""
    certificate = Certificate(participant=participant, skpd_id=participant.skpd_id,
                              code=_unique_code(), name=participant.name, issued_at=now,
                              issued_by_id=getattr(actor, "id", None))
    db.session.add(certificate)
    db.session.flush()
    event = participant.invitation.event
    if old is not None:
        old.replaced_at, old.replaced_by_id = now, certificate.id
        # The old one's mail, if still waiting, would carry a certificate no longer valid.
        supersede([keys.event_mail(event.id, "certificate", f"c{old.id}")], "replaced")
    _mail(certificate, participant, event)
    return certificate


def issue_all(event, actor, now=None):
    """Issue a certificate to every eligible participant who has none (or whose name changed
    since); mailed to each. Returns the counts for the result summary."""
    if event.status not in ISSUABLE:
        raise CertificateError(_l("Sertifikat dibuat setelah bimtek ditandai terlaksana."))
    now, summary = now or utcnow(), IssueSummary()
    participants = active_participants(event)
    ids = [p.id for p in participants]
    attended, current = attended_days(ids), current_certificates(ids)
    need = needed_days(event)
    for participant in participants:
        old = current.get(participant.id)
        if old is not None and old.name == participant.name:
            summary.already += 1
        elif attended.get(participant.id, 0) < need:
            summary.skipped += 1
        else:
            _issue(participant, old, actor, now)
            if old is None:
                summary.issued += 1
            else:
                summary.reissued += 1
    audit.record("bimtek_certificates_issued", actor=actor, obj=event,
                 summary=f"issued={summary.issued} reissued={summary.reissued} "
                         f"skipped={summary.skipped} already={summary.already}")
    return summary


def correct_name(participant, name, actor, now=None):
    """Correct a participant's name; a valid certificate is re-issued under the new name (new
    code, the old one replaced). Returns the new certificate, or None."""
    name = " ".join((name or "").split())
    if not name:
        raise CertificateError(_l("Nama wajib diisi."), "name")
    if name == participant.name:
        return None
    changes = audit.apply_changes(participant, {"name": name})
    audit.record("bimtek_participant_renamed", actor=actor, obj=participant.invitation.event,
                 summary=name, changes=changes)
    old = current_certificates([participant.id]).get(participant.id)
    if old is None or participant.invitation.event.status not in ISSUABLE:
        return None
    return _issue(participant, old, actor, now or utcnow())
