"""The staff's weekly summary: the city's score, what moved in the last week, who is behind."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from clinic.admin.models import Skpd
from clinic.extensions import db
from clinic.reporting.models import ItemEvent, ItemStatus, ReportItem

BEHIND_LIMIT = 5


@dataclass
class Behind:
    skpd: object
    items: int
    points: Decimal


@dataclass
class Summary:
    claimed: dict  # Totals.rounded(): index, predicate, ...
    verified: dict
    # Items that reached each status in the last seven days (submitted, verified, returned).
    moved: dict = field(default_factory=dict)
    behind: list = field(default_factory=list)


def summary_for(cycle, breakdown, now):
    """The summary of ``cycle`` at ``now`` from a projection.city_breakdown()."""
    from clinic.reminders.planner import missing_by_skpd

    missing = missing_by_skpd(breakdown)
    skpds = {s.id: s for s in db.session.scalars(select(Skpd).where(Skpd.id.in_(missing)))}
    behind = sorted(
        (Behind(skpds[sid], len(fixes), sum((f.points for f in fixes), start=Decimal(0)))
         for sid, fixes in missing.items() if sid in skpds),
        key=lambda b: (-b.points, -b.items, b.skpd.name))
    return Summary(claimed=breakdown["claimed"].rounded(),
                   verified=breakdown["verified"].rounded(),
                   moved=_moved(cycle, now - timedelta(days=7)), behind=behind[:BEHIND_LIMIT])


def _moved(cycle, since):
    statuses = (ItemStatus.SUBMITTED, ItemStatus.VERIFIED, ItemStatus.RETURNED)
    rows = db.session.execute(
        select(ItemEvent.to_status, func.count(func.distinct(ItemEvent.item_id)))
        .join(ReportItem, ReportItem.id == ItemEvent.item_id)
        .where(ReportItem.cycle_id == cycle.id, ItemEvent.created_at >= since,
               ItemEvent.to_status.in_(statuses))
        .group_by(ItemEvent.to_status)).all()
    moved = dict.fromkeys(statuses, 0)
    moved.update({status: count for status, count in rows})
    return moved


