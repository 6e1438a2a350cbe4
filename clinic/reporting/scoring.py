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
        if version == VERIFIED and self.status != "verified":
            return Decimal(0)
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


def _is_counted(innovation, version):
    if version == CLAIMED:
        return True
    return innovation.in_age_window and not _missing_mandatory(innovation, version)


def _sid_points(innovation, version):
    return sum((row.points(version) for row in innovation.rows), Decimal(0))


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


def _totals(rules, spd, sid_sum, n, covered_counter):
    covered = tuple(u for u in rules.basic_service_urusan if covered_counter.get(u))
    divisor = max(rules.divisor_min, n)
    sid_average = sid_sum / divisor if divisor else Decimal(0)
    count_term = Decimal(0)
    if len(covered) >= rules.basic_service_min:
        count_term = min(n, rules.count_cap) * Decimal(rules.count_points)
    sid = sid_average + count_term
    index = (spd + sid) / Decimal(rules.index_max) * HUNDRED
    target = rules.floor_of(rules.target_predicate) if rules.target_predicate else None
    gap = max(target - index, Decimal(0)) if target is not None else None
    return Totals(spd, sid_sum, n, divisor, sid_average, covered, count_term, sid, index,
                  rules.predicate(index, n), gap)


@dataclass
class _State:
    """Aggregates of one projection, kept so that one changed row is re-scored in O(1)."""

    spd: Decimal
    sid_sum: Decimal
    n: int
    urusan: Counter = field(default_factory=Counter)


def _state(rules, spd_rows, innovations, version):
    state = _State(sum((r.points(version) for r in spd_rows), Decimal(0)), Decimal(0), 0)
    basic = set(rules.basic_service_urusan)
    for innovation in innovations:
        if _is_counted(innovation, version):
            state.n += 1
            state.sid_sum += _sid_points(innovation, version)
            state.urusan.update(innovation.urusan & basic)
    return state


def score(rules, spd_rows, innovations, version):
    """Totals of one projection (CLAIMED or VERIFIED)."""
    state = _state(rules, spd_rows, innovations, version)
    return _totals(rules, state.spd, state.sid_sum, state.n, state.urusan)


def _verified_row(row):
    level = row.level or row.max_level
    return Row(row.key, row.indicator, row.weight, level, "verified", True, row.mandatory,
               row.max_level)


def next_best_fixes(rules, spd_rows, innovations):
    """Every row not yet verified, ranked by the verified index points it would add.

    The gain assumes the row is verified at its chosen level (or its highest level when none is
    chosen), everything else unchanged; it includes an innovation becoming countable because its
    last mandatory indicator is verified.
    """
    state = _state(rules, spd_rows, innovations, VERIFIED)
    base = _totals(rules, state.spd, state.sid_sum, state.n, state.urusan).index
    basic = set(rules.basic_service_urusan)
    fixes = []
    for row in spd_rows:
        if row.status == "verified":
            continue
        gain_spd = _verified_row(row).points(VERIFIED) - row.points(VERIFIED)
        index = _totals(rules, state.spd + gain_spd, state.sid_sum, state.n, state.urusan).index
        fixes.append(_fix(row, None, index - base))
    for innovation in innovations:
        counted = _is_counted(innovation, VERIFIED)
        points = _sid_points(innovation, VERIFIED)
        for position, row in enumerate(innovation.rows):
            if row.status == "verified":
                continue
            rows = list(innovation.rows)
            rows[position] = _verified_row(row)
            changed = Innovation(innovation.key, innovation.name, innovation.urusan,
                                 innovation.in_age_window, tuple(rows))
            now_counted = _is_counted(changed, VERIFIED)
            sid_sum, n, urusan = state.sid_sum, state.n, Counter(state.urusan)
            if counted:
                sid_sum -= points
                n -= 1
                urusan.subtract(innovation.urusan & basic)
            if now_counted:
                sid_sum += _sid_points(changed, VERIFIED)
                n += 1
                urusan.update(innovation.urusan & basic)
            index = _totals(rules, state.spd, sid_sum, n, +urusan).index
            fixes.append(_fix(row, innovation, index - base))
    fixes.sort(key=lambda fix: (-fix["gain"], str(fix["indicator"]), str(fix["key"])))
    return fixes


def _fix(row, innovation, gain):
    return {
        "key": row.key,
        "indicator": row.indicator,
        "innovation": None if innovation is None else innovation.key,
        "status": row.status,
        "level": row.level or row.max_level,
        "gain": gain,
    }


def breakdown(rules, spd_rows, innovations):
    """The whole picture: both projections, each innovation's rows and the ranked fixes."""
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
        "fixes": next_best_fixes(rules, spd_rows, innovations),
    }
