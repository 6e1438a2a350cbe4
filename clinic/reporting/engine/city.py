"""The city's score read from the aggregates, cached per cycle and data version.

``city_score(cycle)`` costs one query (the cycle's version stamp) when nothing changed since the
worker last computed it; after a change, three more: the innovations' aggregates, the items'
status counts and the predicate bands. The ranked fixes are computed on first use, once per
version: one query for the rows not yet verified and one for the catalogue, then O(1) per row
(clinic.reporting.gains).
"""
from collections import Counter, defaultdict, namedtuple
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.reporting import gains, scoring
from clinic.reporting.engine import hooks
from clinic.reporting.engine.store import indicator_specs, rebuild
from clinic.reporting.models import CycleScore, InnovationScore, ItemStatus, ReportItem

CACHE_SIZE = 16
# One row not yet verified and what verifying it adds to the verified index.
Ranked = namedtuple("Ranked", "gain item_id innovation_id skpd_id status level indicator")
# An innovation that lowers the city's verified index by ``by`` (counted now, or once verified).
Lowering = namedtuple("Lowering", "innovation_id skpd_id by counted")


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


class CityScore:
    """Both projections of one cycle at one data version, and what is derived from them."""

    def __init__(self, cycle, stamp, row):
        conn = db.session.connection()
        self.cycle_id, self.stamp, self.rules = cycle.id, stamp, rules_of(cycle)
        self.claimed_of, self.verified_of, self.skpd_of = {}, {}, {}
        for r in conn.execute(select(*InnovationScore.__table__.c)
                              .where(InnovationScore.cycle_id == cycle.id)):
            urusan = frozenset(r.urusan or ())
            self.skpd_of[r.innovation_id] = r.skpd_id
            self.claimed_of[r.innovation_id] = scoring.Standing(
                Decimal(r.claimed_points), (), r.in_age_window, urusan, scoring.CLAIMED)
            self.verified_of[r.innovation_id] = scoring.Standing(
                Decimal(r.verified_points), tuple(r.missing_verified or ()), r.in_age_window,
                urusan)
        spd = (Decimal(row.spd_claimed), Decimal(row.spd_verified))
        self.states = {
            scoring.CLAIMED: scoring.state_of(self.rules, spd[0], self.claimed_of.values()),
            scoring.VERIFIED: scoring.state_of(self.rules, spd[1], self.verified_of.values()),
        }
        self.claimed = self.states[scoring.CLAIMED].totals(self.rules)
        self.verified = self.states[scoring.VERIFIED].totals(self.rules)
        self.status_counts = defaultdict(Counter)  # (skpd_id, innovation_id) -> status -> n
        for skpd_id, innovation_id, status, n in conn.execute(
                select(ReportItem.skpd_id, ReportItem.innovation_id, ReportItem.status,
                       func.count()).where(ReportItem.cycle_id == cycle.id)
                .group_by(ReportItem.skpd_id, ReportItem.innovation_id, ReportItem.status)):
            self.status_counts[(skpd_id, innovation_id)][status] += n
        self._ranked = self._lowering = None
        self._derived = {}

    def derived(self, key, compute):
        """``compute(self)``, computed once per data version (e.g. a page's per-SKPD table)."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def share(self, innovation_id, version):
        """SID points an innovation adds to a projection: its part of the average term and an
        equal part of the count term (the shares of all innovations add up to the city's SID)."""
        one = (self.claimed_of if version == scoring.CLAIMED else self.verified_of)[innovation_id]
        totals = self.claimed if version == scoring.CLAIMED else self.verified
        if not one.counted or not totals.n:
            return Decimal(0)
        return one.points / totals.divisor + totals.count_term / totals.n

    def ranked(self):
        """Every row not yet verified with a gain >= 0, best first (computed once)."""
        if self._ranked is None:
            self._rank()
        return self._ranked

    def lowering(self):
        """Innovations that lower the verified index, most first."""
        if self._lowering is None:
            self._rank()
        return self._lowering

    def _rank(self):
        conn = db.session.connection()
        specs = indicator_specs(conn, {self.cycle_id})
        found = gains.Gains(self.rules, self.states[scoring.VERIFIED])
        ranked, worst = [], {}
        for item in conn.execute(
                select(ReportItem.id, ReportItem.innovation_id, ReportItem.skpd_id,
                       ReportItem.indicator_id, ReportItem.level, ReportItem.status)
                .where(ReportItem.cycle_id == self.cycle_id,
                       ReportItem.status != ItemStatus.VERIFIED)):
            spec, standing = specs.get(item.indicator_id), None
            if item.innovation_id is not None:
                standing = self.verified_of.get(item.innovation_id)
                if standing is None:
                    continue  # an item left in this cycle by an innovation moved to another
            if spec is None:
                continue
            row = scoring.Row(item.id, spec.code, spec.weight, item.level, item.status, False,
                              spec.mandatory, spec.max_level)
            if item.innovation_id is None:
                gain = found.spd_row(row)
            else:
                gain = found.sid_row(row, standing)
            if gain < 0:
                worst[item.innovation_id] = min(gain, worst.get(item.innovation_id, gain))
                continue
            ranked.append(Ranked(gain, item.id, item.innovation_id, item.skpd_id, item.status,
                                 item.level or spec.max_level, spec.code))
        ranked.sort(key=lambda r: (-r.gain, r.indicator, str(r.item_id)))
        self._ranked = ranked
        lowering = [Lowering(key, self.skpd_of[key], -gain, False) for key, gain in worst.items()]
        for key, one in self.verified_of.items():
            raised = found.replace(one, None) if one.counted else 0
            if raised > 0:  # withdrawing it would raise the index
                lowering.append(Lowering(key, self.skpd_of[key], raised, True))
        self._lowering = sorted(lowering, key=lambda low: (-low.by, low.innovation_id))


def _cache():
    return current_app.extensions.setdefault("score_cache", {})


def city_score(cycle):
    """The CityScore of ``cycle`` now: read from the cache when its version has not moved."""
    hooks.settle()
    row = db.session.execute(select(*CycleScore.__table__.c)
                             .where(CycleScore.cycle_id == cycle.id)).first()
    if row is None:  # a database from before the engine: build the aggregates once
        rebuild(db.session.connection(), {cycle.id})
        row = db.session.execute(select(*CycleScore.__table__.c)
                                 .where(CycleScore.cycle_id == cycle.id)).first()
    key = (cycle.id, row.stamp)
    cache = _cache()
    found = cache.get(key)
    if found is None:
        found = CityScore(cycle, row.stamp, row)
        if len(cache) >= CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = found
    return found

