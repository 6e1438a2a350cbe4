"""Reporting items: the level and note, evidence files and links, and the status flow."""
from flask_babel import lazy_gettext as _l

from clinic import audit, uploads
from clinic.db_types import utcnow
from clinic.errors import check_version
from clinic.extensions import db
from clinic.outbox.services import supersede_item_lists
from clinic.reporting.models import Evidence, ItemEvent, ItemStatus
from clinic.reporting.services.refusals import CONFLICT, ConflictError, ReportingError

EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx", "xlsx")
VIDEO_KINDS = ("mp4",)


def accept_kinds(item):
    """The kinds of file an item takes as evidence: videos too where a link is accepted."""
    return EVIDENCE_KINDS + (VIDEO_KINDS if item.indicator.accepts_link else ())


def _event(item, actor, action, from_status=None, detail=None):
    item.events.append(ItemEvent(
        actor_id=getattr(actor, "id", None), action=action, from_status=from_status,
        to_status=item.status, level=item.level, detail=detail,
    ))


def _supersede_lists(item, action):
    # A pending digest or countdown lists the item as it was: it is never sent, and the
    # planner writes the right one.
    innovation = item.innovation
    supersede_item_lists({item.skpd_id, innovation.skpd_id if innovation else None},
                         f"item {item.id} {action}")


def _touched(item, actor):
    """An SKPD change to an item: a verified item goes back to review, an empty one is a draft."""
    before = item.status
    if item.status == ItemStatus.EMPTY:
        item.status = ItemStatus.DRAFT
    elif item.status == ItemStatus.VERIFIED:
        item.status = ItemStatus.SUBMITTED
        item.submitted_at = utcnow()
        _event(item, actor, "reopened", before, "verified evidence changed")
    return before


def save_item(item, level, note, actor, expected_version=None):
    """Save the chosen level and note (no status change beyond empty -> draft)."""
    check_version(item, expected_version, CONFLICT, ConflictError)
    valid = {lv.level for lv in item.indicator.levels}
    if level is not None and level not in valid:
        raise ReportingError(_l("Pilih salah satu tingkat yang tersedia."))
    if level == item.level and (note or None) == (item.note or None):
        return False
    before = _touched(item, actor)
    item.level = level
    item.note = note or None
    _event(item, actor, "saved", before)
    db.session.flush()
    return True


def add_file(item, checked, stored_name, actor, replace=False):
    """Attach a checked upload; with ``replace`` the current files are kept as replaced."""
    if replace:
        for old in item.current_evidence:
            if old.kind == "file":
                old.is_replaced = True
    before = _touched(item, actor)
    evidence = Evidence(kind="file", original_name=checked.original_name,
                        stored_name=stored_name, content_type=checked.content_type,
                        size=checked.size, sha256=checked.sha256,
                        uploaded_by_id=getattr(actor, "id", None))
    item.evidence.append(evidence)
    _event(item, actor, "file_added", before, checked.original_name)
    db.session.flush()
    return evidence


def add_link(item, url, actor):
    before = _touched(item, actor)
    evidence = Evidence(kind="link", url=url, uploaded_by_id=getattr(actor, "id", None))
    item.evidence.append(evidence)
    _event(item, actor, "link_added", before, url)
    db.session.flush()
    return evidence


def remove_evidence(evidence, actor):
    """Take a file or link off the item; the row stays in the history."""
    if evidence.removed_at is not None:
        return
    item = evidence.item
    before = _touched(item, actor)
    evidence.removed_at = utcnow()
    evidence.removed_by_id = getattr(actor, "id", None)
    if item.status == ItemStatus.SUBMITTED and not item.has_evidence:
        # A level without evidence scores 0: nothing is left to verify, so back to draft.
        item.status = ItemStatus.DRAFT
        item.submitted_at = None
    _event(item, actor, "evidence_removed", before, evidence.original_name or evidence.url)
    db.session.flush()


def submit_item(item, actor, expected_version=None):
    check_version(item, expected_version, CONFLICT, ConflictError)
    if item.status in (ItemStatus.SUBMITTED, ItemStatus.VERIFIED):
        raise ReportingError(_l("Butir ini sudah diajukan."))
    if not item.level:
        raise ReportingError(_l("Pilih tingkat (parameter) sebelum mengajukan."))
    if not item.has_evidence:
        raise ReportingError(_l("Unggah data pendukung atau tambahkan tautan sebelum mengajukan: "
                                "tingkat tanpa bukti bernilai 0."))
    before = item.status
    item.status = ItemStatus.SUBMITTED
    item.submitted_at = utcnow()
    item.return_reason = None
    _event(item, actor, "submitted", before)
    db.session.flush()
    _supersede_lists(item, "submitted")


def _review(item, actor, status, action, reason=None):
    """Record Bappeda's decision on an item: its status, who and when, a return's reason."""
    before = item.status
    item.status = status
    item.reviewed_at = utcnow()
    item.reviewed_by_id = actor.id
    item.return_reason = reason
    _event(item, actor, action, before, reason)
    db.session.flush()
    _supersede_lists(item, action)


def verify_item(item, actor):
    if item.status != ItemStatus.SUBMITTED:
        raise ReportingError(_l("Hanya butir berstatus Diajukan yang dapat diverifikasi."))
    if not item.has_evidence:
        raise ReportingError(_l("Butir ini tidak memiliki data pendukung: tingkat tanpa bukti "
                                "bernilai 0. Kembalikan butir agar Perangkat Daerah "
                                "melengkapinya."))
    _review(item, actor, ItemStatus.VERIFIED, "verified")


def return_item(item, reason, actor):
    reason = (reason or "").strip()
    if not reason:
        raise ReportingError(_l("Tuliskan alasan pengembalian agar Perangkat Daerah tahu apa "
                                "yang harus diperbaiki."))
    if item.status not in (ItemStatus.SUBMITTED, ItemStatus.VERIFIED):
        raise ReportingError(_l("Hanya butir yang sudah diajukan yang dapat dikembalikan."))
    _review(item, actor, ItemStatus.RETURNED, "returned", reason)


def assign_spd_item(item, skpd, actor, ip=None):
    """Hand an SPD item to the SKPD that holds the data (None: back to Bappeda)."""
    if item.innovation_id is not None:
        raise ReportingError(_l("Hanya butir SPD yang dapat ditugaskan."))
    item.skpd = skpd
    _event(item, actor, "assigned", item.status, skpd.code if skpd else None)
    audit.record("spd_item_assigned", actor=actor, obj=item,
                 summary=skpd.code if skpd else "Bappeda", ip=ip)
    db.session.flush()



def attach_files(item, stored_files, actor, replace=False, ip=None):
    """Attach uploads already checked and stored, given as (checked, stored_name) pairs.

    With ``replace`` the item's current files become replaced ones (kept in its history); only
    the first new file does the replacing, so a batch of new files replaces the old batch.
    """
    added = []
    for n, (checked, stored_name) in enumerate(stored_files):
        evidence = add_file(item, checked, stored_name, actor, replace=replace and n == 0)
        audit.record("evidence_uploaded", actor=actor, obj=evidence,
                     summary=checked.original_name, ip=ip,
                     changes={"item_id": [None, item.id], "sha256": [None, checked.sha256],
                              "size": [None, checked.size]})
        added.append(evidence)
    return added


def attach_evidence(item, staged, actor, *, level, note, files=(), url=None, replace=False,
                    need=None, submit=False, expected_version=None, ip=None):
    """Save what an item page posts: level and note, new files, a link; submit when asked.

    ``need`` ("file" or "link") is what the button promised to add. Every refusal comes before
    the item changes; files are stored through ``staged``, which removes them again when the
    transaction fails. Return (whether level or note changed, the stored files, the link).
    """
    link = uploads.validate_link(url, field="url") if url else None
    if need == "link" and not link:
        raise ReportingError(_l("Tuliskan alamat tautan, misalnya "
                                "https://www.youtube.com/watch?v=..."), "url")
    stored = staged.store(files, accept_kinds(item), field="files")
    if need == "file" and not stored:
        raise ReportingError(_l("Pilih minimal satu berkas untuk diunggah."), "files")
    changed = save_item(item, level, note, actor, expected_version=expected_version)
    attach_files(item, stored, actor, replace=replace, ip=ip)
    if link:
        evidence = add_link(item, link, actor)
        audit.record("evidence_link_added", actor=actor, obj=evidence, summary=link, ip=ip)
    if submit:
        submit_item(item, actor)
    return changed, stored, link
