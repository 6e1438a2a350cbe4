"""The IID score from explicit inputs: claimed and verified projections, gaps and next best fixes.

Formula (../shared/domain/README.md):
    SPD = sum of SPD rows (weight x level)
    SID = sum of the counted innovations' SID rows / MAX(divisor_min, n) + count term
    count term = min(n, count_cap) x count_points, or 0 when fewer than basic_service_min of
                 the basic-service urusan are covered by the counted innovations
    IID = (SPD + SID) / index_max x 100
A row scores only with a chosen level backed by evidence (claimed) or verified (verified).
Claimed counts every reported innovation; verified counts the eligible ones: every mandatory
indicator verified at a level and the implementation date inside the cycle's age window.
Everything is computed with exact decimals; the predicate compares the unrounded index (>=
floor); each displayed figure is rounded half-to-even to two decimals on its own.
"""
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

CLAIMED = "claimed"
VERIFIED = "verified"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def round2(value):
    """Round a figure for display: half-to-even, two decimals."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Rules:
    """A cycle's scoring rules (all of them master data that staff can correct)."""

    divisor_min: int
    basic_service_min: int
    basic_service_urusan: tuple
    count_points: Decimal
    count_cap: int
    index_max: Decimal
    bands: tuple  # ((name, floor), ...)
    target_predicate: str | None = None

    def predicate(self, index, n_innovations):
        ordered = sorted(self.bands, key=lambda band: Decimal(band[1]), reverse=True)
        if n_innovations == 0:
            return ordered[-1][0] if ordered else None  # no innovation: cannot be assessed
        for name, floor in ordered:
            if index >= Decimal(floor):
                return name
        return None

    def floor_of(self, name):
        return next((Decimal(floor) for band, floor in self.bands if band == name), None)


@dataclass(frozen=True)
class Row:
    """One reporting item: an indicator row of an innovation (SID) or of the city (SPD)."""

    key: object
    indicator: str
    weight: Decimal
    level: int | None = None
    status: str = "empty"
    has_evidence: bool = False
    mandatory: bool = False
    max_level: int = 3

    def points(self, version):
        if not self.level:
            return Decimal(0)
        if version == CLAIMED and not self.has_evidence:
            return Decimal(0)
        if version == VERIFIED and (self.status != "verified" or not self.has_evidence):
            return Decimal(0)  # a verified row whose evidence is gone scores nothing either
        return Decimal(self.weight) * self.level

    def counts_as_filled(self, version):
        return self.points(version) > 0


@dataclass(frozen=True)
class Innovation:
    key: object
    name: str
    urusan: frozenset = frozenset()
    in_age_window: bool = True
    rows: tuple = ()


def in_age_window(innovation, cycle):
    """Implemented, or developed with a documented note, within the cycle's age window
    (``innovation`` and ``cycle`` as their rows; gives Innovation.in_age_window)."""
    start, end = cycle.implementation_from_on, cycle.implementation_to_on
    if not start or not end:
        return True

    def inside(day):
        return day is not None and start <= day <= end

    return inside(innovation.implemented_on) or (
        inside(innovation.developed_on) and bool((innovation.development_note or "").strip())
    )


def _missing_mandatory(innovation, version):
    return [row.indicator for row in innovation.rows
            if row.mandatory and not row.counts_as_filled(version)]


def _sid_points(innovation, version):
    return sum((row.points(version) for row in innovation.rows), Decimal(0))


@dataclass(frozen=True)
class Standing:
    """One innovation in one projection: what the score engine keeps per innovation."""

    points: Decimal
    missing: tuple  # mandatory indicators not yet filled in this projection
    in_age_window: bool
    urusan: frozenset
    version: str = VERIFIED

    @property
    def counted(self):
        return self.version == CLAIMED or (self.in_age_window and not self.missing)


def standing(innovation, version):
    return Standing(_sid_points(innovation, version), tuple(_missing_mandatory(innovation, version)),
                    innovation.in_age_window, frozenset(innovation.urusan), version)


def _is_counted(innovation, version):
    return standing(innovation, version).counted


@dataclass
class Totals:
    """Unrounded figures of one projection; ``rounded()`` gives the displayed ones."""

    spd: Decimal
    sid_sum: Decimal
    n: int
    divisor: int
    sid_average: Decimal
    covered: tuple
    count_term: Decimal
    sid: Decimal
    index: Decimal
    predicate: str | None
    gap_to_target: Decimal | None

    def rounded(self):
        return {
            "spd": round2(self.spd), "sid_average": round2(self.sid_average),
            "count_term": round2(self.count_term), "sid": round2(self.sid),
            "index": round2(self.index), "innovations_counted": self.n,
            "divisor": self.divisor, "predicate": self.predicate,
            "basic_service_covered": list(self.covered),
            "gap_to_target": None if self.gap_to_target is None else round2(self.gap_to_target),
        }


def _terms(rules, spd, sid_sum, n, covered_count):
    """(divisor, SID average, count term, SID, index): the one place the formula is written."""
    divisor = max(rules.divisor_min, n)
    sid_average = sid_sum / divisor if divisor else Decimal(0)
    count_term = Decimal(0)
    if covered_count >= rules.basic_service_min:
        count_term = min(n, rules.count_cap) * Decimal(rules.count_points)
    sid = sid_average + count_term
    return divisor, sid_average, count_term, sid, (spd + sid) / Decimal(rules.index_max) * HUNDRED


def index_of(rules, spd, sid_sum, n, covered_count):
    """The unrounded index alone (what a gain needs), computed exactly as compute_totals does."""
    return _terms(rules, spd, sid_sum, n, covered_count)[4]


def compute_totals(rules, spd, sid_sum, n, covered_counter):
    covered = tuple(u for u in rules.basic_service_urusan if covered_counter.get(u))
    divisor, sid_average, count_term, sid, index = _terms(rules, spd, sid_sum, n, len(covered))
    target = rules.floor_of(rules.target_predicate) if rules.target_predicate else None
    gap = max(target - index, Decimal(0)) if target is not None else None
    return Totals(spd, sid_sum, n, divisor, sid_average, covered, count_term, sid, index,
                  rules.predicate(index, n), gap)


@dataclass
class State:
    """Aggregates of one projection: the sums the index is made of."""

    spd: Decimal
    sid_sum: Decimal
    n: int
    urusan: Counter = field(default_factory=Counter)

    def add(self, standing):
        if standing.counted:
            self.n += 1
            self.sid_sum += standing.points
            self.urusan.update(standing.urusan)

    def totals(self, rules):
        return compute_totals(rules, self.spd, self.sid_sum, self.n, self.urusan)


def state_of(rules, spd_points, standings):
    """The projection's State from its SPD points and the Standing of every innovation."""
    state = State(spd_points, Decimal(0), 0)
    basic = set(rules.basic_service_urusan)
    for one in standings:
        state.add(Standing(one.points, one.missing, one.in_age_window, one.urusan & basic,
                           one.version))
    return state


def score(rules, spd_rows, innovations, version):
    """Totals of one projection (CLAIMED or VERIFIED)."""
    spd = sum((r.points(version) for r in spd_rows), Decimal(0))
    return state_of(rules, spd, (standing(i, version) for i in innovations)).totals(rules)


def breakdown(rules, spd_rows, innovations):
    """The whole picture: both projections and each innovation's rows (fixes: clinic.reporting.gains)."""
    claimed = score(rules, spd_rows, innovations, CLAIMED)
    verified = score(rules, spd_rows, innovations, VERIFIED)
    basic = rules.basic_service_urusan
    per_innovation = []
    for innovation in innovations:
        per_innovation.append({
            "key": innovation.key,
            "name": innovation.name,
            "claimed_points": _sid_points(innovation, CLAIMED),
            "verified_points": _sid_points(innovation, VERIFIED),
            "counted_verified": _is_counted(innovation, VERIFIED),
            "in_age_window": innovation.in_age_window,
            "mandatory_missing": _missing_mandatory(innovation, VERIFIED),
            "rows": innovation.rows,
        })
    return {
        "claimed": claimed,
        "verified": verified,
        "basic_service_missing": [u for u in basic if u not in verified.covered],
        "innovations": per_innovation,
    }
