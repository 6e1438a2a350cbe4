"""Reads of the innovation pages: lists and their figures, an innovation's summary, checks."""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from clinic.admin.models import Skpd
from clinic.catalogue.models import Indicator
from clinic.dates import fmt_date_short
from clinic.extensions import db
from clinic.reporting import projection, scoring
from clinic.reporting.models import Evidence, Innovation, ItemStatus, ReportItem
from clinic.reporting.scoring import in_age_window

REQUIRED_PROFILE = ("name", "stage", "initiator_kind", "form", "main_urusan", "implemented_on",
                    "design_text", "goals", "benefits", "results")


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


def _evidenced_items():
    """Ids of the items with current evidence (a file or link, neither removed nor replaced)."""
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
    items = db.session.scalars(
        select(ReportItem).where(ReportItem.innovation_id == innovation.id)
        .order_by(ReportItem.position)
        .options(selectinload(ReportItem.evidence),
                 selectinload(ReportItem.indicator).selectinload(Indicator.levels))
    ).all()
    # Hand the loaded rows to the relationship (loading it again would lose the options).
    set_committed_value(innovation, "items", items)
    cycle = innovation.cycle
    rules, spd_rows, inns = projection.inputs(cycle, [innovation], [])
    entry = scoring.breakdown(rules, spd_rows, inns)["innovations"][0]
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
