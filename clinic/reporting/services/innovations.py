"""Innovations: creation with their items, profile changes, "submit again", documents."""
from collections import namedtuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic import audit
from clinic.catalogue.models import Indicator
from clinic.errors import check_version
from clinic.extensions import db
from clinic.reporting.models import DOCUMENT_KINDS, Innovation, InnovationDocument, ReportItem
from clinic.reporting import scoring
from clinic.reporting.engine import city_score
from clinic.reporting.queries import resubmit_refusal
from clinic.reporting.services.refusals import CONFLICT, ConflictError, ReportingError

PROFILE_FIELDS = (
    "name", "stage", "initiator_kind", "initiator_name", "is_digital", "form", "main_urusan",
    "related_urusan", "trial_on", "implemented_on", "developed_on", "development_note",
    "design_text", "goals", "benefits", "results", "budget_amount",
)


# What one more innovation with nothing reported does to the city's claimed index right now.
class NewInnovationEffect(namedtuple("NewInnovationEffect",
                                      "n divisor_before divisor_after change")):
    @property
    def points_lost(self):
        """The drop of the claimed index as shown (2 decimals; 0 when under 0,01), or None."""
        return scoring.round2(-self.change) if self.change < 0 else None



def new_innovation_effect(cycle):
    """The claimed index change of adding an empty innovation to ``cycle`` (the form's notice).

    Every innovation counts in the claimed projection from the moment it exists, with 0 points
    until its items are reported: past the minimum divisor it lowers the average. Read from the
    cached aggregates (clinic.reporting.engine): one query when the data has not moved.
    """
    city = city_score(cycle)
    state, rules = city.states[scoring.CLAIMED], city.rules
    covered = sum(1 for urusan in rules.basic_service_urusan if state.urusan.get(urusan))
    now = scoring.index_of(rules, state.spd, state.sid_sum, state.n, covered)
    then = scoring.index_of(rules, state.spd, state.sid_sum, state.n + 1, covered)
    return NewInnovationEffect(state.n, max(rules.divisor_min, state.n),
                               max(rules.divisor_min, state.n + 1), then - now)


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
    check_version(innovation, expected_version, CONFLICT, ConflictError)
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
                                year=cycle.year), "development_note")
    if not (development_note or "").strip():
        raise ReportingError(_l("Jelaskan pengembangan inovasi sejak siklus sebelumnya."),
                             "development_note")
    fields = {key: getattr(previous, key) for key in PROFILE_FIELDS}
    fields["development_note"] = development_note.strip()
    innovation = create_innovation(previous.skpd, cycle, fields, actor, ip=ip)
    innovation.previous = previous
    return innovation



def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool, list)):
        return value
    return str(value)


def submit_again(previous, cycle, development_note, actor, ip=None):
    """Copy an innovation of an earlier cycle into ``cycle`` (with its items) and audit it."""
    refusal = resubmit_refusal(previous, cycle)
    if refusal:
        raise ReportingError(refusal, "development_note")
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
