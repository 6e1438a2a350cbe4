"""Every row of a cycle's score, for `flask score --json`: the inputs in a fixed number of queries.

Pages read the score engine (clinic.reporting.engine), which never loads items; this module
loads them all, for the full machine-readable breakdown and for checks against the engine.
"""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from clinic.catalogue.models import Indicator
from clinic.extensions import db
from clinic.reporting import scoring
from clinic.reporting.engine import city_score, rules_of
from clinic.reporting.models import Evidence, Innovation, ReportItem


def _row(item):
    indicator = item.indicator
    return scoring.Row(
        key=item.id, indicator=indicator.code, weight=Decimal(indicator.weight),
        level=item.level, status=item.status, has_evidence=item.has_evidence,
        mandatory=indicator.is_mandatory,
        max_level=max((lv.level for lv in indicator.levels), default=0),
    )


def load(cycle, skpd_ids=None):
    """The cycle's innovations and SPD items with their items, indicators and evidence.

    Five queries whatever the size of the city: each table is read once for the whole cycle and
    the relationships are filled in from those rows (selectinload would add a query per 500).
    """
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.cycle_id == cycle.id)
        .options(selectinload(Indicator.levels))
    ).all()
    inn_stmt = (select(Innovation).where(Innovation.cycle_id == cycle.id)
                .options(joinedload(Innovation.skpd))
                .order_by(Innovation.skpd_id, Innovation.id))
    item_stmt = (select(ReportItem).where(ReportItem.cycle_id == cycle.id)
                 .options(joinedload(ReportItem.skpd))
                 .order_by(ReportItem.position, ReportItem.id))
    if skpd_ids is not None:
        chosen = select(Innovation.id).where(Innovation.cycle_id == cycle.id,
                                             Innovation.skpd_id.in_(skpd_ids))
        inn_stmt = inn_stmt.where(Innovation.skpd_id.in_(skpd_ids))
        item_stmt = item_stmt.where(or_(ReportItem.innovation_id.is_(None),
                                        ReportItem.innovation_id.in_(chosen)))
    innovations = db.session.scalars(inn_stmt).unique().all()
    items = db.session.scalars(item_stmt).unique().all()
    evidence = db.session.scalars(
        select(Evidence).where(Evidence.item_id.in_(select(ReportItem.id).where(
            ReportItem.cycle_id == cycle.id))).order_by(Evidence.created_at, Evidence.id)
    ).all()
    by_indicator = {indicator.id: indicator for indicator in indicators}
    evidence_of = defaultdict(list)
    for row in evidence:
        evidence_of[row.item_id].append(row)
    items_of = defaultdict(list)
    spd_items = []
    for item in items:
        set_committed_value(item, "indicator", by_indicator[item.indicator_id])
        set_committed_value(item, "evidence", evidence_of.get(item.id, []))
        (items_of[item.innovation_id] if item.innovation_id else spd_items).append(item)
    for innovation in innovations:
        set_committed_value(innovation, "items", items_of.get(innovation.id, []))
    return innovations, spd_items


def inputs(cycle, innovations, spd_items):
    spd_rows = [_row(item) for item in spd_items]
    inns = [scoring.Innovation(key=inn.id, name=inn.name, urusan=frozenset(inn.urusan),
                               in_age_window=scoring.in_age_window(inn, cycle),
                               rows=tuple(_row(item) for item in inn.items))
            for inn in innovations]
    return rules_of(cycle), spd_rows, inns


def city_breakdown(cycle):
    """Both projections of the whole city, each innovation and the ranked fixes."""
    innovations, spd_items = load(cycle)
    rules, spd_rows, inns = inputs(cycle, innovations, spd_items)
    result = scoring.breakdown(rules, spd_rows, inns)
    engine = city_score(cycle)
    result["fixes"] = [entry._asdict() for entry in engine.ranked()]
    result["lowering"] = [entry._asdict() for entry in engine.lowering()]
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
    """The machine-readable breakdown printed by `flask score --json` (docs/score-json.md)."""
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
        item = items[fix["item_id"]]
        inn = innovations.get(fix["innovation_id"])
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
        "lowering": [{"innovation_id": low["innovation_id"],
                      "innovation": innovations[low["innovation_id"]].name,
                      "skpd": innovations[low["innovation_id"]].skpd.code,
                      "by": _num(low["by"]), "counted": low["counted"]}
                     for low in result["lowering"]],
    }
