"""`flask score --cycle YEAR [--json]` on a small city whose figures are worked out by hand.

The cycle (hand-built, every rule is the cycle's own data):
  divisor_min 12, count 0.38 per innovation (cap 200), index_max 250, basic-service rule: at
  least 2 of the 6 urusan (low on purpose, so the count term shows), bands of 2026.
  SPD-01 w1, SPD-06 w1.5; SID-16 w3 (mandatory), SID-18 w2, SID-20 w1, SID-33 w3 (mandatory).

  SPD-01 level 3 verified        -> claimed 3, verified 3
  SPD-06 level 2 submitted       -> claimed 3, verified 0

  "Si Pandai Dinkes" (DINKES; Kesehatan + Sosial)
    SID-16 L3 verified 9 | SID-18 L2 returned (evidence kept) claimed 4 | SID-20 empty
    SID-33 L2 verified 6                 -> claimed 19, verified 15, counted
  "Sekolah Sungai" (DISDIK; Pendidikan)
    SID-16 L2 verified 6 | SID-18 L3 submitted claimed 6 | SID-20 empty
    SID-33 L3 draft without evidence 0   -> claimed 12, verified 6 but NOT counted
                                            (mandatory SID-33 missing)

  claimed:  SPD 6; n 2, divisor 12; SID sum 31, average 31/12 = 2.58333;
            covered Kesehatan, Sosial, Pendidikan = 3 >= 2 -> count term 2 x 0.38 = 0.76;
            SID 3.34333; index (6 + 3.34333) / 250 x 100 = 3.73733 -> 3.74 (Kurang Inovatif);
            gap to 65.01: 61.27267 -> 61.27
  verified: SPD 3; n 1, divisor 12; SID sum 15, average 1.25; covered Kesehatan, Sosial = 2
            -> count term 0.38; SID 1.63; index 4.63 / 2.5 = 1.852 -> 1.85; gap 63.158 -> 63.16

  next best fixes (verified index gain, base 1.852):
    SPD-06 at L2: SPD 6 -> (6 + 1.63) / 2.5 = 3.052           gain 1.2      -> 1.20
    Sekolah SID-33 at L3: the innovation becomes counted, 6 + 9 = 15 points; n 2; sum 30,
      average 2.5; covered 3 -> count 0.76; (3 + 3.26) / 2.5 = 2.504   gain 0.652 -> 0.65
    Si Pandai SID-18 at L2: sum 19, average 1.58333; (3 + 1.96333) / 2.5   gain 0.13333 -> 0.13
    Si Pandai SID-20 at its highest level 3 (none chosen): +3 points / 12 / 2.5   gain 0.1
    Sekolah SID-18, Sekolah SID-20: the innovation stays uncounted             gain 0
"""
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel, PredicateBand
from clinic.extensions import db
from clinic.reporting.models import ItemStatus, ReportItem
from clinic.reporting.services import (
    add_link, create_innovation, ensure_spd_items, return_item, save_item, submit_item,
    verify_item,
)

BASIC = ["Pendidikan", "Kesehatan", "Pekerjaan Umum dan Penataan Ruang",
         "Perumahan Rakyat dan Kawasan Permukiman",
         "Ketenteraman, Ketertiban Umum, dan Perlindungan Masyarakat", "Sosial"]


def indicator(code, aspect, weight, mandatory=False, position=0):
    return Indicator(code=code, aspect=aspect, number=int(code.split("-")[1][:2]),
                     name=f"Indikator {code}", weight=Decimal(weight), is_mandatory=mandatory,
                     position=position,
                     levels=[IndicatorLevel(level=n, label=f"Tingkat {n}") for n in (1, 2, 3)])


@pytest.fixture
def hand_city(app, make_skpd, make_user):
    cycle = Cycle(year=2026, name="IID 2026", is_current=True, divisor_min=12,
                  basic_service_min=2, basic_service_urusan=BASIC, count_points=Decimal("0.38"),
                  count_cap=200, index_max=Decimal(250), target_predicate="Sangat Inovatif",
                  implementation_from_on=date(2024, 1, 1), implementation_to_on=date(2025, 12, 31))
    cycle.bands = [PredicateBand(name=name, floor=Decimal(floor)) for name, floor in (
        ("Sangat Inovatif", "65.01"), ("Inovatif", "40.01"), ("Kurang Inovatif", "0.01"),
        ("Tidak Dapat Dinilai", "0"))]
    cycle.indicators = [
        indicator("SPD-01", "SPD", "1", position=1), indicator("SPD-06", "SPD", "1.5", position=2),
        indicator("SID-16", "SID", "3", True, 3), indicator("SID-18", "SID", "2", position=4),
        indicator("SID-20", "SID", "1", position=5), indicator("SID-33", "SID", "3", True, 6),
    ]
    db.session.add(cycle)
    db.session.flush()
    dinkes = make_skpd(code="DINKES", name="Dinas Kesehatan")
    disdik = make_skpd(code="DISDIK", name="Dinas Pendidikan")
    staff = make_user("staff")
    ca, cb = make_user("contact", skpd=dinkes), make_user("contact", skpd=disdik)

    def step(item, actor, level, status):
        save_item(item, level, None, actor)
        if status != "draft":
            add_link(item, f"https://data.banjarmasinkota.go.id/{item.id}.pdf", actor)
            submit_item(item, actor)
        if status == ItemStatus.VERIFIED:
            verify_item(item, staff)
        if status == ItemStatus.RETURNED:
            return_item(item, "Dokumen tidak menyebut nama inovasi", staff)

    def make(skpd, actor, name, main, related, plan):
        inn = create_innovation(skpd, cycle, {"name": name, "main_urusan": main,
                                              "related_urusan": related,
                                              "implemented_on": date(2025, 2, 1)}, actor)
        items = {i.indicator.code: i for i in inn.items}
        for code, (level, status) in plan.items():
            step(items[code], actor, level, status)
        return inn, items

    pandai, p_items = make(dinkes, ca, "Si Pandai Dinkes", "Kesehatan", ["Sosial"], {
        "SID-16": (3, "verified"), "SID-18": (2, "returned"), "SID-33": (2, "verified")})
    sekolah, s_items = make(disdik, cb, "Sekolah Sungai", "Pendidikan", [], {
        "SID-16": (2, "verified"), "SID-18": (3, "submitted"), "SID-33": (3, "draft")})
    ensure_spd_items(cycle)
    spd = {i.indicator.code: i for i in cycle_items(cycle)}
    step(spd["SPD-01"], staff, 3, "verified")
    step(spd["SPD-06"], staff, 2, "submitted")
    db.session.commit()
    return {"pandai": pandai, "sekolah": sekolah, "p": p_items, "s": s_items, "spd": spd}


def cycle_items(cycle):
    return db.session.scalars(select(ReportItem).where(ReportItem.cycle_id == cycle.id,
                                                       ReportItem.innovation_id.is_(None))).all()


def score_json(runner, *args):
    result = runner.invoke(args=["score", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_totals_of_both_projections(runner, hand_city):
    data = score_json(runner, "--cycle", "2026")
    assert data["claimed"] == {
        "spd": 6.0, "sid_average": 2.58, "count_term": 0.76, "sid": 3.34, "index": 3.74,
        "innovations_counted": 2, "divisor": 12, "predicate": "Kurang Inovatif",
        "basic_service_covered": ["Pendidikan", "Kesehatan", "Sosial"], "gap_to_target": 61.27,
    }
    assert data["verified"] == {
        "spd": 3.0, "sid_average": 1.25, "count_term": 0.38, "sid": 1.63, "index": 1.85,
        "innovations_counted": 1, "divisor": 12, "predicate": "Kurang Inovatif",
        "basic_service_covered": ["Kesehatan", "Sosial"], "gap_to_target": 63.16,
    }
    assert data["basic_service_missing"] == [
        "Pendidikan", "Pekerjaan Umum dan Penataan Ruang",
        "Perumahan Rakyat dan Kawasan Permukiman",
        "Ketenteraman, Ketertiban Umum, dan Perlindungan Masyarakat"]
    assert data["cycle"]["year"] == 2026 and data["cycle"]["divisor_min"] == 12
    assert data["cycle"]["bands"][0] == {"name": "Sangat Inovatif", "floor": 65.01}


def test_innovations_items_and_a_missing_mandatory_indicator(runner, hand_city):
    data = score_json(runner, "--cycle", "2026")
    by_name = {inn["name"]: inn for inn in data["innovations"]}
    pandai, sekolah = by_name["Si Pandai Dinkes"], by_name["Sekolah Sungai"]
    assert (pandai["skpd"], pandai["claimed_points"], pandai["verified_points"]) == (
        "DINKES", 19.0, 15.0)
    assert pandai["counted_verified"] and pandai["mandatory_missing"] == []
    # Sekolah Sungai: SID-33 chosen at level 3 but without evidence, so it scores 0 in both
    # projections and keeps the innovation out of the verified count
    assert (sekolah["claimed_points"], sekolah["verified_points"]) == (12.0, 6.0)
    assert not sekolah["counted_verified"] and sekolah["mandatory_missing"] == ["SID-33"]
    assert sekolah["in_age_window"]
    items = {i["indicator"]: i for i in pandai["items"]}
    # the returned item keeps its evidence: it counts as claimed, not as verified
    assert items["SID-18"] == {
        "item_id": hand_city["p"]["SID-18"].id, "indicator": "SID-18", "level": 2,
        "status": "returned", "has_evidence": True, "mandatory": False,
        "points_claimed": 4.0, "points_verified": 0.0}
    assert items["SID-20"]["status"] == "empty" and items["SID-20"]["level"] is None
    no_evidence = next(i for i in sekolah["items"] if i["indicator"] == "SID-33")
    assert (no_evidence["status"], no_evidence["has_evidence"], no_evidence["points_claimed"]) == (
        "draft", False, 0.0)
    spd = {row["indicator"]: row for row in data["spd"]}
    assert spd["SPD-01"]["points_verified"] == 3.0 and spd["SPD-06"]["points_claimed"] == 3.0
    assert spd["SPD-06"]["points_verified"] == 0.0 and spd["SPD-06"]["skpd"] is None


def test_fixes_are_ranked_by_verified_index_gain(runner, hand_city):
    data = score_json(runner, "--cycle", "2026")
    got = [(f["indicator"], f["innovation"], f["status"], f["level"], f["gain"])
           for f in data["fixes"]]
    assert got == [
        ("SPD-06", None, "submitted", 2, 1.2),
        ("SID-33", "Sekolah Sungai", "draft", 3, 0.65),
        ("SID-18", "Si Pandai Dinkes", "returned", 2, 0.13),
        ("SID-20", "Si Pandai Dinkes", "empty", 3, 0.1),  # no level chosen: the highest
        ("SID-18", "Sekolah Sungai", "submitted", 3, 0.0),
        ("SID-20", "Sekolah Sungai", "empty", 3, 0.0),
    ]
    first = data["fixes"][1]
    assert first["item_id"] == hand_city["s"]["SID-33"].id and first["skpd"] == "DISDIK"
    assert first["innovation_id"] == hand_city["sekolah"].id
    # verified items are never a fix
    verified = {hand_city["p"]["SID-16"].id, hand_city["p"]["SID-33"].id,
                hand_city["spd"]["SPD-01"].id}
    assert not verified & {f["item_id"] for f in data["fixes"]}


def test_verifying_the_top_fix_moves_the_verified_score(runner, hand_city, make_user):
    verify_item(hand_city["spd"]["SPD-06"], make_user("staff"))
    db.session.commit()
    data = score_json(runner)  # the current cycle
    assert data["verified"]["index"] == 3.05  # 1.852 + 1.2 = 3.052
    assert data["claimed"]["index"] == 3.74  # unchanged: it was already claimed


def test_text_output_and_unknown_cycle(runner, hand_city):
    result = runner.invoke(args=["score", "--cycle", "2026"])
    assert result.exit_code == 0, result.output
    assert "claimed: IID 3.74 (Kurang Inovatif)" in result.output
    assert "verified: IID 1.85 (Kurang Inovatif)" in result.output
    assert "SPD-06 +1.20" in result.output
    missing = runner.invoke(args=["score", "--cycle", "1999", "--json"])
    assert missing.exit_code != 0 and "no cycle 1999" in missing.output
