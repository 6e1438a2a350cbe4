"""The next best fixes: the items not yet verified, ranked by the index points each would add.

Read from the score engine's ranking of a cycle (engine.city_score(cycle).ranked()), narrowed
to the SKPDs that must act; the score page, the contact's to-do list and the reminders list
them. Only the fixes shown are loaded as objects, in one query.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic.extensions import db
from clinic.reporting import scoring
from clinic.reporting.models import Innovation, ItemStatus, ReportItem

STATUS_LABELS = {
    ItemStatus.EMPTY: _l("Belum diisi"),
    ItemStatus.DRAFT: _l("Draf"),
    ItemStatus.SUBMITTED: _l("Diajukan"),
    ItemStatus.VERIFIED: _l("Terverifikasi"),
    ItemStatus.RETURNED: _l("Perlu Perbaikan"),
}
# The colours of docs/ui.md: grey draft (and empty), blue submitted, green verified, amber returned.
STATUS_CLASSES = {
    ItemStatus.EMPTY: "status-draft",
    ItemStatus.DRAFT: "status-draft",
    ItemStatus.SUBMITTED: "status-submitted",
    ItemStatus.VERIFIED: "status-verified",
    ItemStatus.RETURNED: "status-returned",
}
INCOMPLETE = (ItemStatus.EMPTY, ItemStatus.DRAFT)


def status_label(status):
    return STATUS_LABELS.get(status, status)


@dataclass(frozen=True)
class Fix:
    """One not-yet-verified item and the verified index points it would add."""

    item: object
    innovation: object  # None for an SPD item
    skpd: object  # the SKPD that must act; None when Bappeda keeps the SPD item
    status: str
    level: int
    gain: Decimal  # unrounded index points

    @property
    def indicator(self):
        return self.item.indicator

    @property
    def points(self):
        """The gain as displayed: half-to-even, two decimals."""
        return scoring.round2(self.gain)

    @property
    def status_label(self):
        return status_label(self.status)

    @property
    def status_class(self):
        return STATUS_CLASSES.get(self.status, "status-draft")


def chosen(score, skpd_ids=None, statuses=None):
    """The ranked entries of a CityScore (engine.city) for ``skpd_ids`` and ``statuses``.

    With ``skpd_ids`` only the items those SKPDs must act on (Bappeda's own SPD items have no
    SKPD and are left out then).
    """
    return [entry for entry in score.ranked()
            if (skpd_ids is None or entry.skpd_id in skpd_ids)
            and (statuses is None or entry.status in statuses)]


def as_fixes(entries):
    """Fix objects for ranked entries, in their order (one query)."""
    if not entries:
        return []
    items = {item.id: item for item in db.session.scalars(
        select(ReportItem).where(ReportItem.id.in_([e.item_id for e in entries]))
        .options(joinedload(ReportItem.indicator), joinedload(ReportItem.skpd),
                 joinedload(ReportItem.innovation).joinedload(Innovation.skpd)))}
    fixes = []
    for entry in entries:
        item = items[entry.item_id]
        innovation = item.innovation
        skpd = innovation.skpd if innovation is not None else item.skpd
        fixes.append(Fix(item, innovation, skpd, entry.status, entry.level, entry.gain))
    return fixes


def ranked_fixes(score, skpd_ids=None, statuses=None, limit=None):
    """The next best fixes as Fix objects, best first (at most ``limit``)."""
    return as_fixes(chosen(score, skpd_ids, statuses)[:limit])
