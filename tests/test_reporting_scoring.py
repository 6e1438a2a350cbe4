"""The IID score, computed by hand for each case (see the comment beside each row)."""
from decimal import Decimal as D

import pytest

from clinic.reporting.gains import next_best_fixes
from clinic.reporting.scoring import (
    CLAIMED, VERIFIED, Innovation, Row, Rules, breakdown, round2, score,
)

BASIC = ("Pendidikan", "Kesehatan", "Pekerjaan Umum dan Penataan Ruang",
         "Perumahan Rakyat dan Kawasan Permukiman",
         "Ketenteraman, Ketertiban Umum, dan Perlindungan Masyarakat", "Sosial")
BANDS_2026 = (("Sangat Inovatif", D("65.01")), ("Inovatif", D("40.01")),
              ("Kurang Inovatif", D("0.01")), ("Tidak Dapat Dinilai", D("0")))
BANDS_2023 = (("Sangat Inovatif", D("60.01")), ("Inovatif", D("35.00")),
              ("Kurang Inovatif", D("0.01")), ("Tidak Dapat Dinilai", D("0")))


def rules(year=2026, basic_min=5):
    return Rules(divisor_min=12 if year == 2026 else 10, basic_service_min=basic_min,
                 basic_service_urusan=BASIC, count_points=D("0.38"), count_cap=200,
                 index_max=D(250), bands=BANDS_2026 if year == 2026 else BANDS_2023,
                 target_predicate="Sangat Inovatif")


def verified_row(key, weight, level, mandatory=False):
    return Row(key, f"SID-{key}", D(weight), level, "verified", True, mandatory)


def innovations(count, urusan_count, points_row=("3", 3)):
    """``count`` innovations of one verified row each, covering the first urusan_count urusan."""
    made = []
    for i in range(count):
        urusan = frozenset(BASIC[: urusan_count]) if i == 0 else frozenset()
        made.append(Innovation(i, f"Inovasi {i}", urusan, True, (verified_row(i, *points_row),)))
    return made


def spd(weight, level=1, status="verified"):
    return [Row("spd", "SPD-01", D(weight), level, status, True)]


CASES = [
    # id, rules, spd rows, innovations, expected rounded index, expected predicate
    # 3 innovations x 9 points, coverage 5: SID = 27/12 + 3*0.38 = 3.39; (3+3.39)/2.5 = 2.556
    ("fewer-than-divisor", rules(), spd("1", 3), innovations(3, 5), D("2.56"), "Kurang Inovatif"),
    # 210 x 9 points, coverage 6: SID = 1890/210 + 200*0.38 = 85; 85/2.5 = 34.00
    ("over-200", rules(), [], innovations(210, 6), D("34.00"), "Kurang Inovatif"),
    # 12 x 9, coverage 4 of 6 (need 5): SID = 108/12 + 0 = 9; 9/2.5 = 3.60
    ("coverage-4-of-6", rules(), [], innovations(12, 4), D("3.60"), "Kurang Inovatif"),
    # coverage 5 of 6: SID = 9 + 12*0.38 = 13.56; 13.56/2.5 = 5.424
    ("coverage-5-of-6", rules(), [], innovations(12, 5), D("5.42"), "Kurang Inovatif"),
    # rule 6 of 6 (2027), coverage 5: count term 0 again -> 3.60
    ("coverage-5-rule-6", rules(basic_min=6), [], innovations(12, 5), D("3.60"), "Kurang Inovatif"),
    # rule 6 of 6, coverage 6: 13.56/2.5 = 5.424
    ("coverage-6-rule-6", rules(basic_min=6), [], innovations(12, 6), D("5.42"), "Kurang Inovatif"),
    # no innovation: SPD 3 -> 1.20, but nothing to assess
    ("no-innovations", rules(), spd("1", 3), [], D("1.20"), "Tidak Dapat Dinilai"),
    # band edges: one innovation without rows (SID 0); index = SPD / 2.5
    ("2026-65.00", rules(), spd("162.5"), innovations(1, 0, ("0", 0)), D("65.00"), "Inovatif"),
    ("2026-65.01", rules(), spd("162.525"), innovations(1, 0, ("0", 0)), D("65.01"), "Sangat Inovatif"),
    # 65.009 displays as 65.01 but is below the floor
    ("2026-65.009", rules(), spd("162.5225"), innovations(1, 0, ("0", 0)), D("65.01"), "Inovatif"),
    ("2023-60.00", rules(2023), spd("150"), innovations(1, 0, ("0", 0)), D("60.00"), "Inovatif"),
    ("2023-60.01", rules(2023), spd("150.025"), innovations(1, 0, ("0", 0)), D("60.01"), "Sangat Inovatif"),
    ("2023-35.00", rules(2023), spd("87.5"), innovations(1, 0, ("0", 0)), D("35.00"), "Inovatif"),
    # rounding half-to-even: 6.4125 / 2.5 = 2.565 -> 2.56 (half-up would say 2.57)
    ("half-even", rules(), spd("6.4125"), innovations(1, 0, ("0", 0)), D("2.56"), "Kurang Inovatif"),
]


@pytest.mark.parametrize("case_id, case_rules, spd_rows, inns, index, predicate", CASES,
                         ids=[c[0] for c in CASES])
def test_verified_index_and_predicate(case_id, case_rules, spd_rows, inns, index, predicate):
    totals = score(case_rules, spd_rows, inns, VERIFIED)
    assert totals.rounded()["index"] == index
    assert totals.predicate == predicate


def test_level_without_evidence_scores_zero_in_both_versions():
    row = Row(1, "SID-16", D(3), 3, "draft", has_evidence=False)
    inn = [Innovation(1, "A", frozenset(), True, (row,))]
    assert score(rules(), [], inn, CLAIMED).sid_sum == 0
    assert score(rules(), [], inn, VERIFIED).sid_sum == 0


def test_returned_item_counts_as_claimed_but_not_verified():
    returned = Row(1, "SID-16", D(3), 3, "returned", has_evidence=True)
    inn = [Innovation(1, "A", frozenset(), True, (returned,))]
    assert score(rules(), [], inn, CLAIMED).sid_sum == D(9)
    assert score(rules(), [], inn, VERIFIED).sid_sum == 0


def test_innovation_missing_a_mandatory_indicator_is_not_counted_when_verified():
    rows = (verified_row(1, "3", 3, mandatory=True),
            Row(2, "SID-35", D(4), 2, "submitted", True, mandatory=True))
    inn = [Innovation(1, "A", frozenset(BASIC), True, rows)]
    claimed = score(rules(), [], inn, CLAIMED)
    verified = score(rules(), [], inn, VERIFIED)
    # claimed: (9 + 8) / 12 + 1 x 0.38 = 1.796666.. ; index = 0.718666.. -> 0.72
    assert claimed.n == 1 and claimed.rounded()["index"] == D("0.72")
    assert verified.n == 0 and verified.index == 0
    assert breakdown(rules(), [], inn)["innovations"][0]["mandatory_missing"] == ["SID-35"]


def test_innovation_outside_the_age_window_is_not_counted_when_verified():
    inn = [Innovation(1, "A", frozenset(), False, (verified_row(1, "3", 3),))]
    assert score(rules(), [], inn, CLAIMED).n == 1
    assert score(rules(), [], inn, VERIFIED).n == 0


def test_gap_to_target_uses_the_target_band_floor():
    totals = score(rules(), spd("150"), innovations(1, 0, ("0", 0)), VERIFIED)  # index 60.00
    assert totals.rounded()["gap_to_target"] == D("5.01")


def test_next_best_fixes_ranked_by_gain():
    # SPD row without a level: verified at its highest level adds 1 x 3 / 2.5 = 1.2 points.
    spd_rows = [Row("spd-1", "SPD-01", D(1), None, "empty", False, max_level=3)]
    # The innovation counts only once its second mandatory row is verified:
    # SID = (9 + 4) / 12 (no count term: coverage 0) -> index 13/12/2.5 = 0.4333...
    rows = (verified_row("m1", "3", 3, mandatory=True),
            Row("m2", "SID-35", D(2), 2, "submitted", True, mandatory=True),
            Row("opt", "SID-20", D(1), None, "empty", False))
    inn = [Innovation(1, "A", frozenset(), True, rows)]
    fixes = next_best_fixes(rules(), spd_rows, inn)
    assert [f["key"] for f in fixes] == ["spd-1", "m2", "opt"]
    assert round2(fixes[0]["gain"]) == D("1.20")
    assert round2(fixes[1]["gain"]) == D("0.43")
    assert fixes[2]["gain"] == 0  # alone it adds nothing: the innovation still lacks m2
    assert fixes[2]["level"] == 3


def test_breakdown_lists_missing_basic_service_urusan():
    result = breakdown(rules(), [], innovations(3, 4))
    assert result["basic_service_missing"] == list(BASIC[4:])
    assert result["verified"].count_term == 0
