"""The score of a cycle from the database: builds the scoring inputs in a fixed number of queries."""
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clinic.catalogue.models import Indicator
from clinic.extensions import db
from clinic.reporting import scoring
from clinic.reporting.models import Innovation, ReportItem
from clinic.reporting.services import in_age_window


def rules_of(cycle):
    return scoring.Rules(
        divisor_min=cycle.divisor_min,
        basic_service_min=cycle.basic_service_min,
        basic_service_urusan=tuple(cycle.basic_service_urusan or ()),
        count_points=Decimal(cycle.count_points),
        count_cap=cycle.count_cap,
        index_max=Decimal(cycle.index_max),
        bands=tuple((band.name, Decimal(band.floor)) for band in cycle.bands),
        target_predicate=cycle.target_predicate,
    )


def _row(item):
    indicator = item.indicator
    return scoring.Row(
        key=item.id, indicator=indicator.code, weight=Decimal(indicator.weight),
        level=item.level, status=item.status, has_evidence=item.has_evidence,
        mandatory=indicator.is_mandatory,
        max_level=max((lv.level for lv in indicator.levels), default=0),
    )


_ITEM_LOADS = (
    selectinload(ReportItem.evidence),
    selectinload(ReportItem.indicator).selectinload(Indicator.levels),
)


def load(cycle, skpd_ids=None):
    """The cycle's innovations and SPD items, eagerly loaded (query count independent of size)."""
    stmt = (select(Innovation).where(Innovation.cycle_id == cycle.id)
            .options(selectinload(Innovation.skpd),
                     selectinload(Innovation.items).options(*_ITEM_LOADS))
            .order_by(Innovation.skpd_id, Innovation.id))
    if skpd_ids is not None:
        stmt = stmt.where(Innovation.skpd_id.in_(skpd_ids))
    innovations = db.session.scalars(stmt).all()
    spd_items = db.session.scalars(
        select(ReportItem).where(ReportItem.cycle_id == cycle.id,
                                 ReportItem.innovation_id.is_(None))
        .options(selectinload(ReportItem.skpd), *_ITEM_LOADS).order_by(ReportItem.position)
    ).all()
    return innovations, spd_items


def inputs(cycle, innovations, spd_items):
    spd_rows = [_row(item) for item in spd_items]
    inns = [scoring.Innovation(key=inn.id, name=inn.name, urusan=frozenset(inn.urusan),
                               in_age_window=in_age_window(inn, cycle),
                               rows=tuple(_row(item) for item in inn.items))
            for inn in innovations]
    return rules_of(cycle), spd_rows, inns


def city_breakdown(cycle):
    """Both projections of the whole city, each innovation and the ranked fixes."""
    innovations, spd_items = load(cycle)
    rules, spd_rows, inns = inputs(cycle, innovations, spd_items)
    result = scoring.breakdown(rules, spd_rows, inns)
    result["innovation_objects"] = {inn.id: inn for inn in innovations}
    result["item_objects"] = {item.id: item for inn in innovations for item in inn.items}
    result["item_objects"].update({item.id: item for item in spd_items})
    return result


def _num(value):
    return float(scoring.round2(value))


def _item_json(item, row):
    return {
        "item_id": item.id, "indicator": row.indicator, "level": row.level,
        "status": row.status, "has_evidence": row.has_evidence, "mandatory": row.mandatory,
        "points_claimed": _num(row.points(scoring.CLAIMED)),
        "points_verified": _num(row.points(scoring.VERIFIED)),
    }


def as_json(cycle, result):
    """The machine-readable breakdown printed by `flask score --json` (documented in README)."""
    items = result["item_objects"]
    innovations = result["innovation_objects"]

    def totals(t):
        out = t.rounded()
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in out.items()}

    innovations_json = []
    for entry in result["innovations"]:
        inn = innovations[entry["key"]]
        innovations_json.append({
            "id": inn.id, "name": inn.name, "skpd": inn.skpd.code,
            "claimed_points": _num(entry["claimed_points"]),
            "verified_points": _num(entry["verified_points"]),
            "counted_verified": entry["counted_verified"],
            "in_age_window": entry["in_age_window"],
            "mandatory_missing": entry["mandatory_missing"],
            "items": [_item_json(items[row.key], row) for row in entry["rows"]],
        })
    spd = []
    for item in (i for i in items.values() if i.innovation_id is None):
        row = _row(item)
        spd.append({**_item_json(item, row), "skpd": item.skpd.code if item.skpd else None})
    fixes = []
    for fix in result["fixes"]:
        item = items[fix["key"]]
        inn = innovations.get(fix["innovation"])
        fixes.append({
            "item_id": item.id, "indicator": fix["indicator"], "status": fix["status"],
            "level": fix["level"], "gain": _num(fix["gain"]),
            "innovation_id": inn.id if inn else None, "innovation": inn.name if inn else None,
            "skpd": (inn.skpd.code if inn else (item.skpd.code if item.skpd else None)),
        })
    return {
        "cycle": {
            "year": cycle.year, "divisor_min": cycle.divisor_min,
            "basic_service_min": cycle.basic_service_min,
            "basic_service_urusan": list(cycle.basic_service_urusan or []),
            "count_points": float(cycle.count_points), "count_cap": cycle.count_cap,
            "index_max": float(cycle.index_max), "target_predicate": cycle.target_predicate,
            "bands": [{"name": b.name, "floor": float(b.floor)} for b in cycle.bands],
        },
        "claimed": totals(result["claimed"]),
        "verified": totals(result["verified"]),
        "basic_service_missing": result["basic_service_missing"],
        "spd": sorted(spd, key=lambda r: r["item_id"]),
        "innovations": innovations_json,
        "fixes": fixes,
    }
