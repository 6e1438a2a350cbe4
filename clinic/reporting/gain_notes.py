"""Words for index changes that a bare figure would mislead with: a fix that adds nothing
("+0,00 poin indeks" said nothing useful) and innovations without points that lower the
claimed index by enlarging its divisor. Everything is read from the score engine's CityScore."""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from clinic.reporting import gains, scoring


def zero_gain_reason(score, fix):
    """Why verifying ``fix`` adds no index points that show, or None when it adds some."""
    if fix.points > 0:
        return None
    if fix.gain > 0:
        return _l("Menambah kurang dari 0,01 poin indeks.")
    if fix.indicator.points(fix.level) <= 0:
        return _l("Tidak menambah indeks: tingkat %(level)s bernilai 0 poin.", level=fix.level)
    standing = score.verified_of.get(fix.innovation.id) if fix.innovation is not None else None
    if standing is not None and not standing.in_age_window:
        return _l("Tidak menambah indeks: waktu penerapan inovasi di luar rentang siklus, "
                  "jadi inovasi ini belum dihitung.")
    others = [code for code in (standing.missing if standing else ())
              if code != fix.indicator.code]
    if others:
        return _l("Belum menambah indeks: inovasi ini baru dihitung setelah indikator wajib "
                  "%(codes)s juga terverifikasi.", codes=", ".join(others))
    return _l("Tidak mengubah indeks.")


def zero_gain_notes(score, fixes):
    """{item id: reason} for the fixes among ``fixes`` that add nothing that shows."""
    notes = {}
    for fix in fixes:
        reason = zero_gain_reason(score, fix)
        if reason is not None:
            notes[fix.item.id] = reason
    return notes


@dataclass(frozen=True)
class EmptyLowering:
    """Innovations with no claimed points that lower the city's claimed index (each one is
    counted in the claimed projection, so it enlarges the divisor MAX(divisor, n))."""

    innovation_ids: tuple  # most lowering first, then by id
    by: Decimal  # claimed index points the city would have without all of them
    divisor: int  # the claimed projection's divisor now

    def __len__(self):
        return len(self.innovation_ids)


def _empty_lowering(score):
    claimed = score.states[scoring.CLAIMED]
    found = gains.Gains(score.rules, claimed)
    empty = {key: one for key, one in score.claimed_of.items() if one.points <= 0}
    raising = {key: found.replace(one, None) for key, one in empty.items()}
    lowering = sorted((key for key, by in raising.items() if by > 0),
                      key=lambda key: (-raising[key], key))
    if not lowering:
        return EmptyLowering((), Decimal(0), score.claimed.divisor)
    without = scoring.State(claimed.spd, claimed.sid_sum, claimed.n - len(lowering),
                            claimed.urusan.copy())
    for key in lowering:
        without.urusan.subtract(empty[key].urusan & found.basic)
    by = without.totals(score.rules).index - score.claimed.index
    return EmptyLowering(tuple(lowering), by, score.claimed.divisor)


def empty_lowering(score, skpd_ids=None):
    """The EmptyLowering of a CityScore (computed once per data version), narrowed to the
    innovations of ``skpd_ids`` when given (``by`` stays the city's figure for all of them)."""
    found = score.derived("empty_lowering", _empty_lowering)
    if skpd_ids is None:
        return found
    return EmptyLowering(tuple(key for key in found.innovation_ids
                               if score.skpd_of.get(key) in skpd_ids), found.by, found.divisor)
