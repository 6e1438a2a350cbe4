"""The verified index points a change would add, each in O(1) from a projection's aggregates.

The next best fixes are the rows not yet verified ranked by that gain; an innovation that lowers
the city's index (eligible but weak: the average is over MAX(divisor, n)) is found the same way.
"""
from collections import Counter
from decimal import Decimal

from clinic.reporting.scoring import VERIFIED, Standing, index_of, standing, state_of


def verified_points(row):
    """A row's points once verified at its chosen level (its highest level when none is)."""
    return Decimal(row.weight) * (row.level or row.max_level)


class Gains:
    """The verified index points one change adds, each in O(1) from the verified State.

    The index is (SPD + sum / MAX(divisor, n) + count term) / max x 100: a change of one row
    moves one innovation's points, maybe whether it is counted (its last missing mandatory
    indicator), and with it n and the urusan covered; nothing else needs recomputing.
    """

    def __init__(self, rules, state):
        self.rules, self.state = rules, state
        self.basic = frozenset(rules.basic_service_urusan)
        self.covered = self._covered(state.urusan)
        self.base = self._index(state.spd, state.sid_sum, state.n, self.covered)

    def _covered(self, urusan):
        return sum(1 for u in self.basic if urusan.get(u))

    def _index(self, spd, sid_sum, n, covered):
        return index_of(self.rules, spd, sid_sum, n, covered)

    def spd_row(self, row):
        gain = verified_points(row) - row.points(VERIFIED)
        return self._index(self.state.spd + gain, self.state.sid_sum, self.state.n,
                           self.covered) - self.base

    def sid_row(self, row, standing):
        """Verifying ``row`` of the innovation whose verified Standing is ``standing``."""
        points = verified_points(row)
        missing = standing.missing
        if row.mandatory and points > 0 and row.indicator in missing:
            missing = tuple(code for code in missing if code != row.indicator)
        now = Standing(standing.points + points - row.points(VERIFIED), missing,
                       standing.in_age_window, standing.urusan)
        return self.replace(standing, now)

    def replace(self, old, new):
        """The index change when one innovation's Standing becomes ``new`` (None: withdrawn)."""
        was, will = old.counted, new is not None and new.counted
        if not was and not will:
            return Decimal(0)  # neither counted before nor after: the city does not move
        sid_sum, n = self.state.sid_sum, self.state.n
        removed = added = frozenset()
        if was:
            sid_sum, n, removed = sid_sum - old.points, n - 1, old.urusan & self.basic
        if will:
            sid_sum, n, added = sid_sum + new.points, n + 1, new.urusan & self.basic
        covered = self.covered
        if removed != added:
            urusan = Counter(self.state.urusan)
            urusan.subtract(removed)
            urusan.update(added)
            covered = self._covered(urusan)
        return self._index(self.state.spd, sid_sum, n, covered) - self.base


def next_best_fixes(rules, spd_rows, innovations):
    """Every row not yet verified, ranked by the verified index points it would add.

    The gain assumes the row is verified at its chosen level (or its highest level when none is
    chosen), everything else unchanged; it includes an innovation becoming countable because its
    last mandatory indicator is verified. A gain can be negative: an eligible but weak
    innovation lowers the average (the callers show those apart, never as a fix).
    """
    standings = [standing(inn, VERIFIED) for inn in innovations]
    spd = sum((r.points(VERIFIED) for r in spd_rows), Decimal(0))
    gains = Gains(rules, state_of(rules, spd, standings))
    fixes = [_fix(row, None, gains.spd_row(row)) for row in spd_rows if row.status != "verified"]
    for innovation, one in zip(innovations, standings):
        fixes.extend(_fix(row, innovation, gains.sid_row(row, one))
                     for row in innovation.rows if row.status != "verified")
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
