"""Notes (notulen) of a session: saving with revisions and conflicts, sign-off, findings.

Plain functions with explicit arguments; they add and flush, the caller commits.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic import audit
from clinic.coaching import attendance
from clinic.coaching.access import session_scope
from clinic.coaching.markup import render_markdown
from clinic.coaching.minutes import minutes_in_scope
from clinic.coaching.models import (
    Finding, NoteRevision, SessionEvent, SessionNote, SessionStatus,
)
from clinic.dates import local, zone_label
from clinic.email import absolute_url
from clinic.errors import ConflictError, DomainError
from clinic.extensions import db
from clinic.followups.models import TaskSource
from clinic.followups.services import TITLE_MAX, TaskError, active_contacts, create_task
from clinic.outbox.services import send_email
from clinic.reporting.models import Innovation, ReportItem

# A task made from a finding is due two weeks later; its creator adjusts that afterwards.
TASK_DUE_DAYS = 14


class NotesError(DomainError):
    """A refused change of the notes or findings; the message is shown to the user."""


class NoteConflict(NotesError, ConflictError):
    """Someone else saved the notes since the user opened them (the session has them)."""


NOTE_CONFLICT = _l("Notulen telah diubah oleh pengguna lain.")


def check_unlocked(session):
    if session.is_signed_off:
        raise NotesError(_l("Notulen sudah ditandatangani dan dikunci; tidak dapat diubah lagi."))
    if session.is_cancelled:
        raise NotesError(_l("Sesi ini dibatalkan; notulen tidak dapat diubah."))


def save_notes(session, body, private_body, actor, expected_version):
    """Save the notes as a new revision; return True when something changed.

    ``expected_version`` is the version the editor opened (None when there were no notes yet);
    a different current version raises NoteConflict so that nothing is overwritten.
    """
    check_unlocked(session)
    note = session.note
    if note is not None and expected_version != note.version_id:
        raise NoteConflict(NOTE_CONFLICT)
    body, private_body = (body or "").strip(), (private_body or "").strip() or None
    if note is None:
        note = SessionNote(body="", private_body=None)
        session.note = note
    elif note.body == body and (note.private_body or None) == private_body:
        return False
    note.body, note.private_body, note.updated_by_id = body, private_body, actor.id
    db.session.flush()
    number = db.session.scalar(
        select(func.coalesce(func.max(NoteRevision.number), 0))
        .where(NoteRevision.note_id == note.id)) + 1
    db.session.add(NoteRevision(note_id=note.id, number=number, body=body,
                                private_body=private_body, author_id=actor.id))
    db.session.flush()
    audit.record("notes_saved", actor=actor, obj=session, summary=f"revision {number}")
    return True


def recipients(session):
    """Everyone with an account who gets the signed-off notes: contacts and trainers."""
    users = {u.id: u for u in attendance.session_contacts(session)}
    for trainer in session.trainers:
        if trainer.is_active:
            users.setdefault(trainer.id, trainer)
    return sorted(users.values(), key=lambda u: (u.name, u.id))


def session_times(session, tz=None):
    """'09.00–11.00 WITA' in the given zone (default: the app's zone)."""
    tz = tz or current_app.config["CLINIC_TIMEZONE"]
    start, end = local(session.starts_at, tz), local(session.ends_at, tz)
    clock = [format_time(t.time(), "short", rebase=False) for t in (start, end)]
    return f"{clock[0]}–{clock[1]} {zone_label(start.tzinfo)}"


def sign_off(session, actor, now):
    """Lock the notes, mark the session held and e-mail the notes to the participants."""
    check_unlocked(session)
    note = session.note
    if note is None or not note.body.strip():
        raise NotesError(_l("Tulis dan simpan notulen terlebih dahulu sebelum ditandatangani."))
    if now < session.starts_at:
        raise NotesError(_l("Notulen dapat ditandatangani setelah sesi dimulai."))
    # The printed daftar hadir lists every contact, recorded or not.
    attendance.ensure_contact_rows(session)
    note.signed_off_at, note.signed_off_by_id = now, actor.id
    session.status = SessionStatus.HELD
    db.session.add(SessionEvent(session_id=session.id, actor_id=actor.id, action="signed_off",
                                detail={"at": now.isoformat()}))
    audit.record("notes_signed_off", actor=actor, obj=session, summary=session.title)
    db.session.flush()
    context = {
        "session": session, "note": note, "notes_html": render_markdown(note.body),
        "signer": actor, "link": absolute_url("coaching.notes_print", session_id=session.id),
        "session_times": session_times, "attendance_labels": attendance.STATUS_LABELS,
    }
    sent, minutes = [], {}
    for user in recipients(session):
        # The notes are shared; findings and attendance are each reader's own SKPD's only.
        scope = session_scope(session, user)
        if scope not in minutes:
            minutes[scope] = minutes_in_scope(session, scope)
        sent.append(send_email(
            "session_notes", user, _l("Notulen: %(title)s", title=session.title),
            dedupe_key=f"notes:{session.id}:{user.id}", counts=minutes[scope].counts,
            findings=minutes[scope].findings, **context))
    return sent


# -- findings ---------------------------------------------------------------------------------

def _target(session, innovation_id, item_id):
    """The innovation, item and SKPD a finding is about, all within the session's SKPDs."""
    skpd_ids = {s.id for s in session.skpds}
    innovation = item = None
    if innovation_id is not None:
        innovation = db.session.get(Innovation, innovation_id)
        if innovation is None or innovation.skpd_id not in skpd_ids:
            raise NotesError(_l("Pilih inovasi milik Perangkat Daerah peserta sesi ini."))
    if item_id is not None:
        item = db.session.get(ReportItem, item_id)
        if item is None or (innovation is not None and item.innovation_id != innovation.id) \
                or (innovation is None and item.skpd_id not in skpd_ids):
            raise NotesError(_l("Pilih butir laporan dari inovasi yang dipilih atau milik "
                                "Perangkat Daerah peserta sesi ini."))
        innovation = innovation or item.innovation
    skpd_id = (innovation.skpd_id if innovation else item.skpd_id if item
               else next(iter(skpd_ids)) if len(skpd_ids) == 1 else None)
    return innovation, item, skpd_id


def _clean_text(text):
    text = (text or "").strip()
    if not text:
        raise NotesError(_l("Tuliskan temuannya."))
    return text


def add_finding(session, text, innovation_id, item_id, actor):
    """Add a finding, optionally about an innovation or reporting item of the session's SKPDs."""
    check_unlocked(session)
    text = _clean_text(text)
    innovation, item, skpd_id = _target(session, innovation_id, item_id)
    position = max((f.position for f in session.findings), default=0) + 1
    finding = Finding(text=text, innovation_id=innovation.id if innovation else None,
                      item_id=item.id if item else None, skpd_id=skpd_id, position=position,
                      created_by_id=actor.id)
    session.findings.append(finding)
    db.session.flush()
    audit.record("finding_added", actor=actor, obj=finding, summary=text[:200])
    return finding


def update_finding(finding, text, innovation_id, item_id, actor):
    """Change a finding's text or what it is about."""
    check_unlocked(finding.session)
    text = _clean_text(text)
    innovation, item, skpd_id = _target(finding.session, innovation_id, item_id)
    finding.text, finding.skpd_id = text, skpd_id
    finding.innovation_id = innovation.id if innovation else None
    finding.item_id = item.id if item else None
    db.session.flush()
    audit.record("finding_updated", actor=actor, obj=finding, summary=text[:200])
    return finding


def delete_finding(finding, actor):
    """Delete a finding no follow-up task was made from."""
    session = finding.session
    check_unlocked(session)
    if finding.tasks:
        raise NotesError(_l("Temuan ini sudah dijadikan tindak lanjut, jadi tidak dapat dihapus."))
    audit.record("finding_deleted", actor=actor, obj=finding, summary=finding.text[:200])
    session.findings.remove(finding)
    db.session.flush()


def task_from_finding(finding, actor, today):
    """Create the follow-up task a finding asks for, with defaults its creator adjusts later."""
    session = finding.session
    skpd = finding.skpd or (session.skpds[0] if session.skpds else None)
    if skpd is None:
        raise TaskError(_l("Temuan ini tidak terkait Perangkat Daerah mana pun."))
    contacts = active_contacts(skpd.id)
    text = " ".join((finding.text or "").split())
    title = text if len(text) <= TITLE_MAX else text[:TITLE_MAX - 1] + "…"
    return create_task(skpd, actor, title=title or str(_l("Tindak lanjut temuan")),
                       owner=contacts[0] if contacts else None,
                       due_on=today + timedelta(days=TASK_DUE_DAYS),
                       description=finding.text if title != text else None,
                       item=finding.item, session=session,
                       finding=finding, source=TaskSource.SESSION)


def finding_choices(session):
    """Innovations and items of the session's SKPDs that a finding may be about."""
    skpd_ids = [s.id for s in session.skpds]
    stmt = select(Innovation).where(Innovation.skpd_id.in_(skpd_ids)).order_by(Innovation.name)
    if session.cycle_id:
        stmt = stmt.where(Innovation.cycle_id == session.cycle_id)
    innovations = db.session.scalars(stmt).all() if skpd_ids else []
    # An SPD item assigned to one of the SKPDs may be the subject too (no innovation).
    about = ReportItem.innovation_id.in_([i.id for i in innovations]) | (
        ReportItem.innovation_id.is_(None) & ReportItem.skpd_id.in_(skpd_ids))
    stmt = select(ReportItem).where(about).order_by(ReportItem.innovation_id,
                                                    ReportItem.position)
    if session.cycle_id:
        stmt = stmt.where(ReportItem.cycle_id == session.cycle_id)
    items = db.session.scalars(stmt).all() if skpd_ids else []
    return innovations, items

