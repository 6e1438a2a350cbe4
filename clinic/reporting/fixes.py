"""The next best fixes: the items not yet verified, ranked by the index points each would add.

Read from the projection of a cycle (projection.city_breakdown) and narrowed to the SKPDs that
must act; the score page, the contact's to-do list and the reminders list them.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from clinic.reporting import scoring
from clinic.reporting.models import ItemStatus

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


def ranked_fixes(result, skpd_ids=None):
    """The next best fixes of a city_breakdown() as Fix objects, best first.

    With ``skpd_ids`` only the items those SKPDs must act on (Bappeda's own SPD items have no
    SKPD and are left out then).
    """
    items = result["item_objects"]
    innovations = result["innovation_objects"]
    fixes = []
    for fix in result["fixes"]:
        item = items[fix["key"]]
        if skpd_ids is not None and item.skpd_id not in skpd_ids:
            continue
        innovation = innovations.get(fix["innovation"])
        # innovation.skpd is eagerly loaded; item.skpd only for SPD items.
        skpd = innovation.skpd if innovation is not None else item.skpd
        fixes.append(Fix(item, innovation, skpd, fix["status"], fix["level"], fix["gain"]))
    return fixes
