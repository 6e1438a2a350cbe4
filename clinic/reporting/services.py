"""Rules of innovations and reporting items: creation, the status flow, history and conflicts.

Plain functions with explicit arguments; they add and flush, the caller commits.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from clinic import audit
from clinic.admin.models import Skpd
from clinic.catalogue.models import Indicator
from clinic.dates import fmt_date_short
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.reporting import projection, scoring
from clinic.reporting.models import (
    DOCUMENT_KINDS, Evidence, Innovation, InnovationDocument, ItemEvent, ItemStatus, ReportItem,
)
from clinic.reporting.scoring import in_age_window

PROFILE_FIELDS = (
    "name", "stage", "initiator_kind", "initiator_name", "is_digital", "form", "main_urusan",
    "related_urusan", "trial_on", "implemented_on", "developed_on", "development_note",
    "design_text", "goals", "benefits", "results", "budget_amount",
)
REQUIRED_PROFILE = ("name", "stage", "initiator_kind", "form", "main_urusan", "implemented_on",
                    "design_text", "goals", "benefits", "results")


class ReportingError(ValueError):
    """A refused change; the message is shown to the user."""


class ConflictError(ReportingError):
    """Someone else saved the same object since the user opened it."""


def check_version(obj, expected_version):
    if expected_version is not None and int(expected_version) != obj.version_id:
        raise ConflictError(_l(
            "Data ini telah diubah oleh pengguna lain sejak Anda membukanya. Perubahan Anda "
            "belum disimpan: periksa versi terbaru di bawah, lalu simpan kembali."
        ))


# -- innovations ------------------------------------------------------------------------------

def _slot(cycle_id, innovation_id, indicator_id):
    return f"{cycle_id}:{innovation_id or 'spd'}:{indicator_id}"


def ensure_items(innovation):
    """Create the missing reporting items of an innovation: one per SID indicator of its cycle."""
    have = {item.indicator_id for item in innovation.items}
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.cycle_id == innovation.cycle_id,
                                Indicator.aspect == "SID").order_by(Indicator.position)
    ).all()
    for indicator in indicators:
        if indicator.id not in have:
            innovation.items.append(ReportItem(
                slot=_slot(innovation.cycle_id, innovation.id, indicator.id),
                cycle_id=innovation.cycle_id, indicator=indicator, skpd_id=innovation.skpd_id,
                position=indicator.position,
            ))
    db.session.flush()


def ensure_spd_items(cycle):
    """Create the cycle's SPD items (owned by Bappeda until assigned to an SKPD)."""
    have = set(db.session.scalars(
        select(ReportItem.indicator_id).where(ReportItem.cycle_id == cycle.id,
                                              ReportItem.innovation_id.is_(None))
    ).all())
    for indicator in cycle.indicators:
        if indicator.aspect == "SPD" and indicator.id not in have:
            db.session.add(ReportItem(slot=_slot(cycle.id, None, indicator.id), cycle_id=cycle.id,
                                      indicator=indicator, position=indicator.position))
    db.session.flush()


def create_innovation(skpd, cycle, fields, actor, ip=None):
    innovation = Innovation(skpd=skpd, cycle=cycle, created_by_id=getattr(actor, "id", None))
    for key in PROFILE_FIELDS:
        if key in fields:
            setattr(innovation, key, fields[key])
    db.session.add(innovation)
    db.session.flush()
    ensure_items(innovation)
    audit.record("innovation_created", actor=actor, obj=innovation, summary=innovation.name, ip=ip)
    return innovation


def update_innovation(innovation, fields, actor, expected_version=None, ip=None):
    check_version(innovation, expected_version)
    changes = {}
    for key in PROFILE_FIELDS:
        if key in fields and getattr(innovation, key) != fields[key]:
            changes[key] = [_jsonable(getattr(innovation, key)), _jsonable(fields[key])]
            setattr(innovation, key, fields[key])
    db.session.flush()
    if changes:
        audit.record("innovation_updated", actor=actor, obj=innovation, changes=changes, ip=ip)
    return changes


def resubmit_innovation(previous, cycle, development_note, actor, ip=None):
    """'Submit again': copy an innovation of an earlier cycle into ``cycle`` with a note."""
    if previous.cycle_id == cycle.id:
        raise ReportingError(_l("Inovasi ini sudah terdaftar pada siklus %(year)s.",
                                year=cycle.year))
    if not (development_note or "").strip():
        raise ReportingError(_l("Jelaskan pengembangan inovasi sejak siklus sebelumnya."))
    fields = {key: getattr(previous, key) for key in PROFILE_FIELDS}
    fields["development_note"] = development_note.strip()
    innovation = create_innovation(previous.skpd, cycle, fields, actor, ip=ip)
    innovation.previous = previous
    return innovation


def profile_problems(innovation, cycle):
    """What keeps the innovation's profile from being complete and eligible, as messages."""
    problems = []
    labels = {
        "name": _l("nama"), "stage": _l("tahapan"), "initiator_kind": _l("inisiator"),
        "form": _l("bentuk"), "main_urusan": _l("urusan utama"),
        "implemented_on": _l("waktu penerapan"), "design_text": _l("rancang bangun"),
        "goals": _l("tujuan"), "benefits": _l("manfaat"), "results": _l("hasil"),
    }
    missing = [str(labels[key]) for key in REQUIRED_PROFILE if not getattr(innovation, key)]
    if missing:
        problems.append(_l("Data wajib belum diisi: %(fields)s.", fields=", ".join(missing)))
    words = innovation.design_word_count
    if innovation.design_text and words < cycle.design_min_words:
        problems.append(_l("Rancang bangun baru %(n)s kata; minimal %(min)s kata.",
                           n=words, min=cycle.design_min_words))
    if innovation.implemented_on and not in_age_window(innovation, cycle):
        problems.append(_l(
            "Waktu penerapan di luar rentang %(start)s s.d. %(end)s dan tidak ada pengembangan "
            "terdokumentasi dalam rentang itu.",
            start=fmt_date_short(cycle.implementation_from_on),
            end=fmt_date_short(cycle.implementation_to_on)))
    return problems


# -- reporting items --------------------------------------------------------------------------

def _event(item, actor, action, from_status=None, detail=None):
    item.events.append(ItemEvent(
        actor_id=getattr(actor, "id", None), action=action, from_status=from_status,
        to_status=item.status, level=item.level, detail=detail,
    ))


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
    check_version(item, expected_version)
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
    _event(item, actor, "evidence_removed", before, evidence.original_name or evidence.url)
    db.session.flush()


def submit_item(item, actor, expected_version=None):
    check_version(item, expected_version)
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


def verify_item(item, actor):
    if item.status != ItemStatus.SUBMITTED:
        raise ReportingError(_l("Hanya butir berstatus Diajukan yang dapat diverifikasi."))
    before = item.status
    item.status = ItemStatus.VERIFIED
    item.reviewed_at = utcnow()
    item.reviewed_by_id = actor.id
    item.return_reason = None
    _event(item, actor, "verified", before)
    db.session.flush()


def return_item(item, reason, actor):
    reason = (reason or "").strip()
    if not reason:
        raise ReportingError(_l("Tuliskan alasan pengembalian agar Perangkat Daerah tahu apa "
                                "yang harus diperbaiki."))
    if item.status not in (ItemStatus.SUBMITTED, ItemStatus.VERIFIED):
        raise ReportingError(_l("Hanya butir yang sudah diajukan yang dapat dikembalikan."))
    before = item.status
    item.status = ItemStatus.RETURNED
    item.reviewed_at = utcnow()
    item.reviewed_by_id = actor.id
    item.return_reason = reason
    _event(item, actor, "returned", before, reason)
    db.session.flush()


def assign_spd_item(item, skpd, actor, ip=None):
    """Hand an SPD item to the SKPD that holds the data (None: back to Bappeda)."""
    if item.innovation_id is not None:
        raise ReportingError(_l("Hanya butir SPD yang dapat ditugaskan."))
    item.skpd = skpd
    _event(item, actor, "assigned", item.status, skpd.code if skpd else None)
    audit.record("spd_item_assigned", actor=actor, obj=item,
                 summary=skpd.code if skpd else "Bappeda", ip=ip)
    db.session.flush()


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool, list)):
        return value
    return str(value)


# -- evidence files of the item pages ---------------------------------------------------------

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


# -- innovation pages: lists, figures, "submit again", profile documents ----------------------

def _evidenced_items():
    """Ids of the items that have current evidence (a file or link, neither removed nor replaced)."""
    return (select(Evidence.item_id)
            .where(Evidence.removed_at.is_(None), Evidence.is_replaced.is_(False))
            .group_by(Evidence.item_id).subquery())


def _evidence_counts(cycle_id):
    evidenced = _evidenced_items()
    return (select(ReportItem.innovation_id.label("innovation_id"),
                   func.count(ReportItem.id).label("total"),
                   func.count(evidenced.c.item_id).label("with_evidence"))
            .outerjoin(evidenced, evidenced.c.item_id == ReportItem.id)
            .where(ReportItem.cycle_id == cycle_id, ReportItem.innovation_id.is_not(None))
            .group_by(ReportItem.innovation_id).subquery())


def innovation_list_stmt(cycle, skpd_id=None, q=None, stage=None, completeness=None):
    """The innovations of a cycle, filtered; the caller narrows it with clinic.access.scope."""
    stmt = (select(Innovation).join(Skpd, Skpd.id == Innovation.skpd_id)
            .where(Innovation.cycle_id == cycle.id)
            .options(contains_eager(Innovation.skpd))
            .order_by(Skpd.code, Innovation.name, Innovation.id))
    if skpd_id:
        stmt = stmt.where(Innovation.skpd_id == skpd_id)
    if q:
        stmt = stmt.where(Innovation.name.icontains(q, autoescape=True))
    if stage:
        stmt = stmt.where(Innovation.stage == stage)
    if completeness:
        counts = _evidence_counts(cycle.id)
        total = func.coalesce(counts.c.total, 0)
        with_evidence = func.coalesce(counts.c.with_evidence, 0)
        stmt = stmt.outerjoin(counts, counts.c.innovation_id == Innovation.id).where({
            "complete": and_(total > 0, with_evidence == total),
            "incomplete": with_evidence < total,
            "empty": with_evidence == 0,
        }[completeness])
    return stmt


@dataclass(frozen=True)
class Figures:
    """Completeness and SID points of one innovation (points as scoring.Row.points counts them)."""

    total: int = 0
    with_evidence: int = 0
    submitted: int = 0
    verified: int = 0
    claimed_points: Decimal = Decimal(0)
    verified_points: Decimal = Decimal(0)


def innovation_figures(innovation_ids):
    """{innovation id: Figures} for many innovations in one grouped query."""
    if not innovation_ids:
        return {}
    evidenced = _evidenced_items()
    points = Indicator.weight * ReportItem.level
    has_level = func.coalesce(ReportItem.level, 0) > 0
    has_evidence = evidenced.c.item_id.is_not(None)
    is_verified = ReportItem.status == ItemStatus.VERIFIED
    rows = db.session.execute(
        select(ReportItem.innovation_id,
               func.count(ReportItem.id),
               func.count(evidenced.c.item_id),
               func.sum(case((ReportItem.status == ItemStatus.SUBMITTED, 1), else_=0)),
               func.sum(case((is_verified, 1), else_=0)),
               func.sum(case((and_(has_level, has_evidence), points), else_=0)),
               func.sum(case((and_(has_level, is_verified), points), else_=0)))
        .join(Indicator, Indicator.id == ReportItem.indicator_id)
        .outerjoin(evidenced, evidenced.c.item_id == ReportItem.id)
        .where(ReportItem.innovation_id.in_(list(innovation_ids)))
        .group_by(ReportItem.innovation_id)
    ).all()
    return {row[0]: Figures(int(row[1]), int(row[2]), int(row[3] or 0), int(row[4] or 0),
                            _points(row[5]), _points(row[6])) for row in rows}


def _points(value):
    # SQLite hands sums of decimals back as floats: round to the catalogue's two decimals.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def innovation_summary(innovation):
    """Items, points and eligibility of one innovation, scored by clinic.reporting.scoring."""
    db.session.scalars(
        select(ReportItem).where(ReportItem.innovation_id == innovation.id)
        .options(selectinload(ReportItem.evidence),
                 selectinload(ReportItem.indicator).selectinload(Indicator.levels))
    ).all()
    cycle = innovation.cycle
    rules, spd_rows, inns = projection.inputs(cycle, [innovation], [])
    entry = scoring.breakdown(rules, spd_rows, inns)["innovations"][0]
    items = list(innovation.items)
    names = {item.indicator.code: item.indicator.name for item in items}
    return {
        "report_items": items,
        "points": {row.key: (row.points(scoring.CLAIMED), row.points(scoring.VERIFIED))
                   for row in entry["rows"]},
        "claimed_points": entry["claimed_points"],
        "verified_points": entry["verified_points"],
        "counted_verified": entry["counted_verified"],
        "in_age_window": entry["in_age_window"],
        "mandatory_missing": [(code, names.get(code, code)) for code in entry["mandatory_missing"]],
        "total": len(items),
        "with_evidence": sum(1 for item in items if item.has_evidence),
        "submitted": sum(1 for item in items if item.status == ItemStatus.SUBMITTED),
        "verified": sum(1 for item in items if item.status == ItemStatus.VERIFIED),
    }


def resubmitted_copy(previous, cycle):
    """The copy of ``previous`` already submitted again in ``cycle``, if any."""
    return db.session.scalars(select(Innovation).where(
        Innovation.previous_id == previous.id, Innovation.cycle_id == cycle.id)).first()


def resubmit_refusal(previous, cycle):
    """Why ``previous`` cannot be submitted again in ``cycle`` (a message), or None."""
    if cycle is None:
        return _l("Belum ada siklus berjalan. Bappeda perlu membuka siklus terlebih dahulu.")
    if previous.cycle_id == cycle.id:
        return _l("Inovasi ini sudah terdaftar pada siklus %(year)s.", year=cycle.year)
    if previous.cycle.year > cycle.year:
        return _l("Hanya inovasi dari siklus sebelumnya yang dapat diajukan ulang.")
    if resubmitted_copy(previous, cycle) is not None:
        return _l("Inovasi ini sudah diajukan ulang pada siklus %(year)s.", year=cycle.year)
    return None


def submit_again(previous, cycle, development_note, actor, ip=None):
    """Copy an innovation of an earlier cycle into ``cycle`` (with its items) and audit it."""
    refusal = resubmit_refusal(previous, cycle)
    if refusal:
        raise ReportingError(refusal)
    innovation = resubmit_innovation(previous, cycle, development_note, actor, ip=ip)
    db.session.flush()
    audit.record("innovation_resubmitted", actor=actor, obj=innovation, summary=innovation.name,
                 changes={"previous_id": [None, previous.id], "cycle": [None, cycle.year]}, ip=ip)
    return innovation


def add_document(innovation, kind, checked, stored_name, actor, ip=None):
    """Record a checked and stored profile upload (budget, business profile, IPR, award)."""
    if kind not in DOCUMENT_KINDS:
        raise ReportingError(_l("Pilih jenis dokumen yang tersedia."))
    document = InnovationDocument(
        kind=kind, original_name=checked.original_name, stored_name=stored_name,
        content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
        uploaded_by_id=getattr(actor, "id", None))
    innovation.documents.append(document)
    db.session.flush()
    audit.record("innovation_document_uploaded", actor=actor, obj=document,
                 summary=checked.original_name, ip=ip,
                 changes={"innovation_id": [None, innovation.id], "kind": [None, kind],
                          "sha256": [None, checked.sha256], "size": [None, checked.size]})
    return document


def remove_document(document, actor, ip=None):
    """Delete a profile document's row; return its stored name for removal after commit."""
    audit.record("innovation_document_removed", actor=actor, obj=document,
                 summary=document.original_name, ip=ip,
                 changes={"innovation_id": [document.innovation_id, None],
                          "kind": [document.kind, None], "sha256": [document.sha256, None]})
    stored_name = document.stored_name
    db.session.delete(document)
    db.session.flush()
    return stored_name
