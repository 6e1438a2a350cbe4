"""The score engine's SQL: read innovations' rows, score them, write and check the aggregates.

Everything here runs on the transaction's connection with Core statements (no ORM objects, no
session events), in a fixed number of queries per call whatever the size of the city (ids are
sent in chunks of 500).
"""
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, exists, func, insert, or_, select, update

from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel
from clinic.db_types import utcnow
from clinic.reporting import scoring
from clinic.reporting.models import CycleScore, Evidence, Innovation, InnovationScore, ReportItem

CHUNK = 500


def has_evidence():
    """True for an item with current evidence (a file or link not removed or replaced)."""
    return exists().where(Evidence.item_id == ReportItem.id, Evidence.removed_at.is_(None),
                          Evidence.is_replaced.is_(False))


def chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def bump(conn, cycle_ids):
    """Move the cycles' score version on (and take their row locks until commit)."""
    conn.execute(update(CycleScore).where(CycleScore.cycle_id.in_(sorted(cycle_ids)))
                 .values(version=CycleScore.version + 1, stamp=uuid.uuid4().hex,
                         updated_at=utcnow()))


@dataclass(frozen=True)
class Spec:
    code: str
    weight: Decimal
    mandatory: bool
    max_level: int


def indicator_specs(conn, cycle_ids, ids=()):
    """{indicator id: Spec} of the cycles' catalogues and of indicators ``ids`` (one query)."""
    top = (select(IndicatorLevel.indicator_id, func.max(IndicatorLevel.level).label("top"))
           .group_by(IndicatorLevel.indicator_id).subquery())
    rows = conn.execute(
        select(Indicator.id, Indicator.code, Indicator.weight, Indicator.is_mandatory, top.c.top)
        .outerjoin(top, top.c.indicator_id == Indicator.id)
        .where(or_(Indicator.cycle_id.in_(sorted(cycle_ids)), Indicator.id.in_(sorted(ids)))))
    return {r.id: Spec(r.code, Decimal(r.weight), bool(r.is_mandatory), r.top or 0)
            for r in rows}


def _item_stmt(conn):
    stmt = select(ReportItem.id, ReportItem.cycle_id, ReportItem.innovation_id,
                  ReportItem.indicator_id, ReportItem.level, ReportItem.status,
                  has_evidence().label("has_evidence")
                  ).order_by(ReportItem.position, ReportItem.id)
    if conn.dialect.name in ("mysql", "mariadb"):
        # REPEATABLE READ would read the snapshot of the transaction's first read: a locking
        # read sees what the writer before us (who held the cycle's lock) committed.
        stmt = stmt.with_for_update(read=True)
    return stmt


def row_of(item, specs):
    spec = specs[item.indicator_id]
    return scoring.Row(key=item.id, indicator=spec.code, weight=spec.weight, level=item.level,
                       status=item.status, has_evidence=bool(item.has_evidence),
                       mandatory=spec.mandatory, max_level=spec.max_level)


def _innovations(conn, whole, ids):
    """Innovation rows of every innovation of the ``whole`` cycles and of ``ids``."""
    columns = (Innovation.id, Innovation.cycle_id, Innovation.skpd_id, Innovation.main_urusan,
               Innovation.related_urusan, Innovation.implemented_on, Innovation.developed_on,
               Innovation.development_note)
    found = []
    if whole:
        found += conn.execute(select(*columns).where(Innovation.cycle_id.in_(sorted(whole))))
    for chunk in chunks(ids):
        found += conn.execute(select(*columns).where(Innovation.id.in_(chunk),
                                                     Innovation.cycle_id.not_in(whole or [0])))
    return found


def _items(conn, cycle_ids, whole, ids):
    """Item rows of the innovations, plus every SPD item of the cycles."""
    stmt = _item_stmt(conn)
    found = list(conn.execute(stmt.where(ReportItem.cycle_id.in_(sorted(cycle_ids)),
                                         ReportItem.innovation_id.is_(None))))
    if whole:
        found += conn.execute(stmt.where(ReportItem.innovation_id.in_(
            select(Innovation.id).where(Innovation.cycle_id.in_(sorted(whole))))))
    for chunk in chunks(ids):
        found += conn.execute(stmt.where(ReportItem.innovation_id.in_(chunk)))
    return found


def compute(conn, cycle_ids, innovation_ids=(), whole=()):
    """The aggregates of the innovations named (all of the ``whole`` cycles'), and the SPD points
    of ``cycle_ids`` (and ``whole``): (records for innovation_scores, {cycle: (claimed,
    verified)})."""
    whole = set(whole)
    innovations = _innovations(conn, whole, set(innovation_ids))
    cycle_ids = set(cycle_ids) | whole | {inn.cycle_id for inn in innovations}
    if not cycle_ids:
        return [], {}
    items = _items(conn, cycle_ids, whole, {inn.id for inn in innovations
                                            if inn.cycle_id not in whole})
    specs = indicator_specs(conn, cycle_ids, {item.indicator_id for item in items})
    windows = {c.id: c for c in conn.execute(
        select(Cycle.id, Cycle.implementation_from_on, Cycle.implementation_to_on)
        .where(Cycle.id.in_(sorted(cycle_ids))))}
    rows_of, spd = defaultdict(list), {c: [] for c in cycle_ids}
    for item in items:
        if item.innovation_id is None:
            spd[item.cycle_id].append(row_of(item, specs))
        else:
            rows_of[item.innovation_id].append(row_of(item, specs))
    records = [_record(inn, rows_of[inn.id], windows[inn.cycle_id]) for inn in innovations]
    sums = {c: (_sum(rows, scoring.CLAIMED), _sum(rows, scoring.VERIFIED))
            for c, rows in spd.items() if c in windows}
    return records, sums


def _sum(rows, version):
    return sum((row.points(version) for row in rows), Decimal(0))


def _record(inn, rows, cycle):
    urusan = frozenset(u for u in [inn.main_urusan, *(inn.related_urusan or [])] if u)
    scored = scoring.Innovation(key=inn.id, name="", urusan=urusan,
                                in_age_window=scoring.in_age_window(inn, cycle),
                                rows=tuple(rows))
    claimed = scoring.standing(scored, scoring.CLAIMED)
    verified = scoring.standing(scored, scoring.VERIFIED)
    return {"innovation_id": inn.id, "cycle_id": inn.cycle_id, "skpd_id": inn.skpd_id,
            "claimed_points": claimed.points, "verified_points": verified.points,
            "missing_verified": list(verified.missing), "in_age_window": scored.in_age_window,
            "urusan": sorted(urusan)}


def recompute(conn, cycles, innovations, items, whole):
    """Recompute what a transaction touched and move the cycles' versions on."""
    innovations, cycles = set(innovations) - {None}, set(cycles) - {None}
    for chunk in chunks(set(items) - {None}):
        for row in conn.execute(select(ReportItem.innovation_id, ReportItem.cycle_id)
                                .where(ReportItem.id.in_(chunk))):
            innovations.add(row.innovation_id)
            cycles.add(row.cycle_id)
    innovations.discard(None)
    records, sums = compute(conn, cycles, innovations, whole)
    if whole:
        conn.execute(delete(InnovationScore).where(InnovationScore.cycle_id.in_(sorted(whole))))
    for chunk in chunks(innovations):
        conn.execute(delete(InnovationScore).where(InnovationScore.innovation_id.in_(chunk)))
    if records:
        conn.execute(insert(InnovationScore), records)
    for cycle_id, (claimed, verified) in sums.items():
        _save_cycle(conn, cycle_id, claimed, verified)


def _save_cycle(conn, cycle_id, claimed, verified):
    values = {"spd_claimed": claimed, "spd_verified": verified, "stamp": uuid.uuid4().hex,
              "updated_at": utcnow()}
    done = conn.execute(update(CycleScore).where(CycleScore.cycle_id == cycle_id)
                        .values(version=CycleScore.version + 1, **values))
    if not done.rowcount:
        conn.execute(insert(CycleScore).values(cycle_id=cycle_id, version=1, **values))


def rebuild(conn, cycle_ids=None):
    """Recompute every aggregate of the cycles (all cycles when None)."""
    if cycle_ids is None:
        cycle_ids = set(conn.scalars(select(Cycle.id)))
    if cycle_ids:
        recompute(conn, set(cycle_ids), (), (), set(cycle_ids))


def differences(conn, cycle_id):
    """What the stored aggregates of a cycle get wrong, recomputed from its rows (one line
    each; empty when they agree)."""
    records, sums = compute(conn, (), (), {cycle_id})
    fresh = {r["innovation_id"]: r for r in records}
    stored = {r.innovation_id: r._asdict() for r in conn.execute(
        select(*InnovationScore.__table__.c).where(InnovationScore.cycle_id == cycle_id))}
    found = [f"innovation {i}: no aggregate" for i in sorted(fresh.keys() - stored.keys())]
    found += [f"innovation {i}: aggregate of a missing innovation"
              for i in sorted(stored.keys() - fresh.keys())]
    for key in sorted(fresh.keys() & stored.keys()):
        found += [f"innovation {key}: {name} is {stored[key][name]!r}, rows give {value!r}"
                  for name, value in fresh[key].items() if not _same(stored[key][name], value)]
    row = conn.execute(select(CycleScore).where(CycleScore.cycle_id == cycle_id)).first()
    claimed, verified = sums.get(cycle_id, (Decimal(0), Decimal(0)))
    if row is None:
        found.append(f"cycle {cycle_id}: no cycle_scores row")
    elif not (_same(row.spd_claimed, claimed) and _same(row.spd_verified, verified)):
        found.append(f"cycle {cycle_id}: SPD points {row.spd_claimed}/{row.spd_verified}, "
                     f"rows give {claimed}/{verified}")
    return found


def _same(stored, fresh):
    if isinstance(fresh, Decimal):
        return Decimal(stored or 0).quantize(Decimal("0.01")) == fresh.quantize(Decimal("0.01"))
    if isinstance(fresh, list):
        return list(stored or []) == fresh
    return stored == fresh
