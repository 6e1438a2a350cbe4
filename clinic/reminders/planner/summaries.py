"""The staff's weekly summary: the city's score, what moved in the last week, who is behind."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic.admin.models import Skpd
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.reminders import preferences
from clinic.reminders.planner.rules import (iso_week, missing_by_skpd, staff_members, unplanned,
                                            write, zone_of)
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


def summary_for(cycle, score, now):
    """The summary of ``cycle`` at ``now`` from its CityScore (clinic.reporting.engine)."""
    missing = missing_by_skpd(score)
    skpds = {s.id: s for s in db.session.scalars(select(Skpd).where(Skpd.id.in_(missing)))}
    behind = sorted(
        (Behind(skpds[sid], len(fixes), sum((f.points for f in fixes), start=Decimal(0)))
         for sid, fixes in missing.items() if sid in skpds),
        key=lambda b: (-b.points, -b.items, b.skpd.name))
    return Summary(claimed=score.claimed.rounded(), verified=score.verified.rounded(),
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


def plan_summaries(run):
    """On summary_weekday at digest_at local: one summary per active staff member."""
    if not run.weekly_due(run.cycle.summary_weekday):
        return 0
    week = iso_week(run.today)
    staff = [user for user in staff_members() if preferences.wants(user, "monday_summary")]
    pending = unplanned({f"summary:{user.id}:{week}": user for user in staff})
    if not pending:
        return 0
    summary = summary_for(run.cycle, run.score, run.now)
    written = 0
    for key, user in pending:
        subject = _l("Ringkasan mingguan %(cycle)s: skor kota dan Perangkat Daerah yang "
                     "tertinggal", cycle=run.cycle.name)
        written += write("monday_summary", user, subject, key, summary=summary,
                         cycle=run.cycle, tz=zone_of(user),
                         link=absolute_url("reporting.score"))
    return written
