"""Attendance (daftar hadir) of a session: the SKPDs' contacts and free-text participants.

Plain functions with explicit arguments; they add and flush, the caller commits.
"""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic import audit
from clinic.auth.models import Role, User
from clinic.coaching.models import Attendance, AttendanceStatus, SessionEvent
from clinic.errors import DomainError
from clinic.extensions import db

NIP_PATTERN = re.compile(r"^\d{18}$")

STATUS_LABELS = {
    AttendanceStatus.PRESENT: _l("Hadir"),
    AttendanceStatus.LATE: _l("Terlambat"),
    AttendanceStatus.EXCUSED: _l("Izin"),
    AttendanceStatus.ABSENT: _l("Tidak Hadir"),
}
# Badge colours: word and colour together.
STATUS_BADGES = {
    AttendanceStatus.PRESENT: "status-verified",
    AttendanceStatus.LATE: "status-returned",
    AttendanceStatus.EXCUSED: "status-submitted",
    AttendanceStatus.ABSENT: "status-overdue",
    None: "status-draft",
}


class AttendanceError(DomainError):
    """A refused change of the attendance list; the message is shown to the user."""


def check_open(session):
    """Refuse changes once the notes are signed off or the session is cancelled."""
    if session.is_signed_off:
        raise AttendanceError(_l("Notulen sudah ditandatangani; daftar hadir tidak dapat diubah "
                                 "lagi."))
    if session.is_cancelled:
        raise AttendanceError(_l("Sesi ini dibatalkan; daftar hadir tidak dapat diubah."))


def session_contacts(session):
    """Active contact accounts of the session's SKPDs, by SKPD then name."""
    skpd_ids = [s.id for s in session.skpds]
    if not skpd_ids:
        return []
    return db.session.scalars(
        select(User).where(User.role == Role.CONTACT, User.is_active.is_(True),
                           User.skpd_id.in_(skpd_ids)).order_by(User.skpd_id, User.name, User.id)
    ).all()


def missing_contacts(session):
    """Contacts who have no attendance row yet (shown on the list before the first save)."""
    have = {row.user_id for row in session.attendance if row.user_id}
    return [user for user in session_contacts(session) if user.id not in have]


def ensure_contact_rows(session):
    """Add one attendance row per active contact of the session's SKPDs (idempotent)."""
    added = []
    for user in missing_contacts(session):
        row = Attendance(user_id=user.id, skpd_id=user.skpd_id, name=user.name[:120],
                         position=(user.position or None))
        session.attendance.append(row)
        added.append(row)
    db.session.flush()
    return added


def row_key(row):
    """A form key that is the same before and after a contact's row exists."""
    return f"c{row.user_id}" if row.user_id else f"p{row.id}"


def record(session, statuses, actor):
    """Set the status of attendance rows: ``{attendance_id: status or ""}``; return changes."""
    check_open(session)
    rows = {row.id: row for row in session.attendance}
    changes = {}
    for attendance_id, status in statuses.items():
        row = rows.get(attendance_id)
        status = status or None
        if row is None:
            raise AttendanceError(_l("Peserta tidak ditemukan pada sesi ini."))
        if status is not None and status not in AttendanceStatus.ALL:
            raise AttendanceError(_l("Pilih status kehadiran dari daftar."))
        if row.status != status:
            changes[row.name] = [row.status, status]
            row.status = status
            row.recorded_by_id = actor.id
    if changes:
        _history(session, actor, "attendance_recorded", {"changes": changes})
    db.session.flush()
    return changes


def clean_nip(nip):
    """Return the NIP without spaces, or None; raise when it is not 18 digits."""
    nip = re.sub(r"\s+", "", nip or "")
    if not nip:
        return None
    if not NIP_PATTERN.match(nip):
        raise AttendanceError(_l("NIP terdiri dari 18 angka tanpa spasi atau tanda baca, "
                                 "misalnya 198703152010011002. Kosongkan bila tidak ada."))
    return nip


def add_participant(session, name, position, nip, skpd_id, actor):
    """Add a free-text participant (a guest without an account in the application)."""
    check_open(session)
    name = (name or "").strip()
    if not name:
        raise AttendanceError(_l("Tuliskan nama peserta."))
    nip = clean_nip(nip)
    if skpd_id is not None and skpd_id not in {s.id for s in session.skpds}:
        raise AttendanceError(_l("Pilih Perangkat Daerah peserta sesi ini, atau kosongkan."))
    row = Attendance(name=name[:120], position=(position or "").strip()[:120] or None, nip=nip,
                     skpd_id=skpd_id, recorded_by_id=actor.id)
    session.attendance.append(row)
    db.session.flush()
    _history(session, actor, "participant_added", {"name": row.name})
    return row


def remove_participant(row, actor):
    """Remove a free-text participant; a contact's row stays and is only marked."""
    session = row.session
    check_open(session)
    if row.user_id is not None:
        raise AttendanceError(_l("Kontak Perangkat Daerah tidak dapat dihapus dari daftar hadir; "
                                 "tandai saja sebagai Izin atau Tidak Hadir."))
    _history(session, actor, "participant_removed", {"name": row.name})
    session.attendance.remove(row)
    db.session.flush()


def summary(rows):
    """Counts per status of attendance rows (None = not yet recorded) in the UI's order."""
    counts = {status: 0 for status in (*AttendanceStatus.ALL, None)}
    for row in rows:
        counts[row.status if row.status in AttendanceStatus.ALL else None] += 1
    return counts


def _history(session, actor, action, detail):
    db.session.add(SessionEvent(session_id=session.id, actor_id=actor.id, action="attendance",
                                detail=dict(detail, what=action)))
    audit.record(action, actor=actor, obj=session, changes=detail)
