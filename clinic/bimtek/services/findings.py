"""Findings of an event about its invited SKPDs, each turned into a follow-up task with the
task flow of follow-ups (source "event")."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from clinic import audit
from clinic.bimtek.models import EventFinding
from clinic.bimtek.services.events import EventError
from clinic.bimtek.services.feedback import AFTER
from clinic.extensions import db
from clinic.followups.models import TaskSource
from clinic.followups.services import TITLE_MAX, TaskError, active_contacts, create_task

TEXT_MAX = 4000
# A task made from a finding is due two weeks later; its creator adjusts that afterwards.
TASK_DUE_DAYS = 14


def _invitation(event, skpd_id):
    return next((i for i in event.invitations
                 if i.skpd_id == skpd_id and i.withdrawn_at is None), None)


def add_finding(event, skpd_id, text, actor):
    """Add a finding about an SKPD invited to ``event`` (once it took place)."""
    if event.status not in AFTER:
        raise EventError(_l("Temuan dicatat setelah bimtek berlangsung."), "text")
    if _invitation(event, skpd_id) is None:
        raise EventError(_l("Pilih Perangkat Daerah yang diundang ke bimtek ini."), "skpd")
    text = (text or "").strip()
    if not text:
        raise EventError(_l("Tuliskan temuannya."), "text")
    finding = EventFinding(event_id=event.id, skpd_id=skpd_id, text=text[:TEXT_MAX],
                           created_by_id=getattr(actor, "id", None))
    db.session.add(finding)
    db.session.flush()
    audit.record("bimtek_finding_added", actor=actor, obj=event, summary=text[:200])
    return finding


def save_notes(event, text, actor):
    """Save the notes of the event; return whether they changed."""
    text = (text or "").strip() or None
    if text == event.notes:
        return False
    event.notes = text
    audit.record("bimtek_notes_saved", actor=actor, obj=event, summary=event.title)
    return True


def delete_finding(finding, actor):
    """Delete a finding no follow-up task was made from."""
    if finding.task_id is not None:
        raise EventError(_l("Temuan ini sudah dijadikan tindak lanjut, jadi tidak dapat "
                            "dihapus."))
    audit.record("bimtek_finding_deleted", actor=actor, object_type="bimtek_events",
                 object_id=finding.event_id, summary=finding.text[:200])
    db.session.delete(finding)
    db.session.flush()


def task_from_finding(event, finding, actor, today):
    """Create the follow-up task of ``event``'s finding: owned by an active contact of its
    SKPD, due in two weeks (the creator adjusts both afterwards)."""
    if finding.task_id is not None:
        raise TaskError(_l("Temuan ini sudah dijadikan tindak lanjut."))
    invitation = _invitation(event, finding.skpd_id)
    if invitation is None:
        raise TaskError(_l("Perangkat Daerah temuan ini tidak lagi diundang."))
    contacts = active_contacts(finding.skpd_id)
    text = " ".join(finding.text.split())
    title = text if len(text) <= TITLE_MAX else text[:TITLE_MAX - 1] + "\u2026"
    task = create_task(invitation.skpd, actor, title=title,
                       owner=contacts[0] if contacts else None,
                       due_on=today + timedelta(days=TASK_DUE_DAYS),
                       description=finding.text if title != text else None,
                       source=TaskSource.EVENT, event_id=event.id)
    finding.task_id = task.id
    db.session.flush()
    return task
