"""Catalogue rules: loading the shipped files, reloading, refusing broken files, predicates."""
import copy
import functools
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from clinic.audit import AuditEvent
from clinic.catalogue import services
from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel, PredicateBand
from clinic.catalogue.services import CatalogueError, CycleError
from clinic.extensions import db

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogue"


@functools.cache
def _parsed(name):
    return yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=services.SAFE_LOADER)


def read(name):
    """A fresh copy of a shipped catalogue file, parsed once per run."""
    return copy.deepcopy(_parsed(name))


def write(tmp_path, data, name="catalogue.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def load(runner, path, year):
    return runner.invoke(args=["catalogue", "load", path, "--cycle", str(year)])


def cycle_of(year):
    return db.session.scalars(select(Cycle).where(Cycle.year == year)).one()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def loaded(app):
    """Both shipped catalogues, loaded the way seed-demo does."""
    cycles = {year: services.load_catalogue(read(f"iid-{year}.yaml"), year)
              for year in (2023, 2026)}
    db.session.commit()
    return cycles


def test_cli_loads_the_2026_catalogue(runner):
    spec = read("iid-2026.yaml")
    result = load(runner, "iid-2026.yaml", 2026)
    assert result.exit_code == 0, result.output
    cycle = cycle_of(2026)
    rows = spec["indicators"]
    assert len(cycle.indicators) == len(rows) == 40
    assert len([i for i in cycle.indicators if i.aspect == "SPD"]) == 20
    assert len([i for i in cycle.indicators if i.aspect == "SID"]) == 20
    totals = services.catalogue_totals(cycle)
    assert totals["max"]["SPD"] == Decimal("63")
    assert totals["max"]["SID"] == Decimal("111")
    assert totals["count_max"] == Decimal("76")
    assert totals["sum"] == cycle.index_max == Decimal("250")
    assert [(b.name, b.floor) for b in cycle.bands] == [
        (b["name"], Decimal(b["floor"])) for b in spec["cycle"]["predicate_bands"]]
    sid35 = next(i for i in cycle.indicators if i.code == "SID-35")
    assert sid35.accepts_link and sid35.is_mandatory
    assert [lv.level for lv in sid35.levels] == [1, 2, 3]
    assert cycle.divisor_min == 12 and cycle.basic_service_min == 5
    assert len(cycle.basic_service_urusan) == 6
    assert "40 indicators, 4 predicate bands" in result.output


def test_reloading_a_corrected_file_updates_in_place(runner, tmp_path):
    assert load(runner, "iid-2026.yaml", 2026).exit_code == 0
    cycle = cycle_of(2026)
    ids = {i.code: i.id for i in cycle.indicators}
    data = read("iid-2026.yaml")
    sid16 = next(i for i in data["indicators"] if i["code"] == "SID-16")
    sid16["weight"] = "2,5"
    sid16["levels"][1]["label"] = "Label yang dikoreksi"
    data["cycle"]["divisor_min"] = 14
    data["cycle"]["predicate_bands"][1]["floor"] = "40.50"
    result = load(runner, write(tmp_path, data), 2026)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    cycle = cycle_of(2026)
    assert count(Cycle) == 1
    assert count(Indicator) == 40
    assert count(IndicatorLevel) == 120
    assert count(PredicateBand) == 4
    assert {i.code: i.id for i in cycle.indicators} == ids
    indicator = db.session.get(Indicator, ids["SID-16"])
    assert indicator.weight == Decimal("2.50")
    assert indicator.levels[1].label == "Label yang dikoreksi"
    assert cycle.divisor_min == 14
    assert services.predicate_for(Decimal("40.49"), cycle.bands) == "Kurang Inovatif"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "catalogue_loaded")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.changes["SID-16.weight"] == ["3.00", "2.50"]
    assert event.changes["cycle.divisor_min"] == [12, 14]


def _broken():
    data = read("iid-2026.yaml")
    data["format"] = "klinik-inovasi/catalogue-0"
    data["indicators"][0]["weight"] = "abc"
    data["indicators"][2]["code"] = data["indicators"][1]["code"]
    data["cycle"]["target_predicate"] = "Juara Umum"
    data["indicators"][5]["weight"] = "9"  # a valid change that must not be applied either
    return data


def test_broken_file_lists_every_problem_and_changes_nothing(runner, tmp_path):
    assert load(runner, "iid-2026.yaml", 2026).exit_code == 0
    before = {i.code: i.weight for i in cycle_of(2026).indicators}
    events = count(AuditEvent)
    result = load(runner, write(tmp_path, _broken()), 2026)
    assert result.exit_code != 0
    assert "nothing loaded" in result.output
    assert "klinik-inovasi/catalogue-1" in result.output  # wrong format key
    assert "'abc' bukan angka" in result.output  # bad weight
    assert "SPD-02a (#3): kode dipakai lebih dari sekali" in result.output  # duplicate code
    assert "Target predikat 'Juara Umum'" in result.output
    db.session.expire_all()
    assert {i.code: i.weight for i in cycle_of(2026).indicators} == before
    assert count(Indicator) == 40 and count(AuditEvent) == events


def test_broken_file_for_a_new_year_creates_nothing(runner, tmp_path):
    data = _broken()
    data["cycle"]["year"] = 2027
    result = load(runner, write(tmp_path, data), 2027)
    assert result.exit_code != 0
    assert count(Cycle) == 0 and count(Indicator) == 0


def test_file_for_another_year_is_refused(runner):
    result = load(runner, "iid-2023.yaml", 2026)
    assert result.exit_code != 0
    assert "untuk siklus 2023, bukan 2026" in result.output
    assert count(Cycle) == 0


def test_unreadable_files_are_refused_with_a_reason(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: [unclosed\n", encoding="utf-8")
    result = load(runner, str(bad), 2026)
    assert result.exit_code != 0 and "bukan YAML yang sah" in result.output
    result = load(runner, str(tmp_path / "missing.yaml"), 2026)
    assert result.exit_code != 0 and "cannot read" in result.output


def test_validation_survives_any_shape(app):
    """Odd shapes give messages, never an exception."""
    with app.test_request_context():
        problems = services.validate_catalogue(
            {"format": services.FORMAT, "cycle": ["x"],
             "indicators": [1, {"code": "A", "aspect": "X", "number": "one", "name": "n",
                                "weight": "NaN", "levels": [{"level": 2, "label": ""}]}]},
            2026)
        text = " | ".join(str(p) for p in problems)
    assert "Bagian 'cycle'" in text
    assert "Indikator ke-1" in text
    assert "aspect harus SPD atau SID" in text
    assert "'NaN' bukan angka" in text
    assert "bernomor 1, 2, 3" in text
    assert "predicate_bands" in text
    assert services.validate_catalogue("just text", 2026)


@pytest.mark.parametrize("raw, message", [
    (b"\xff\xfe\x00bad", "UTF-8"),
    (b"a: b: c", "bukan YAML yang sah"),
    (b"day: 2026-02-30", "tidak dapat dibaca"),
    (b"x" * (services.MAX_FILE_BYTES + 1), "terlalu besar"),
])
def test_read_catalogue_file_refuses_unreadable_input(app, raw, message):
    with pytest.raises(CatalogueError) as info, app.test_request_context():
        services.read_catalogue_file(io.BytesIO(raw))
    with app.test_request_context():
        assert message in str(info.value)


@pytest.mark.parametrize("year, index, expected", [
    (2023, "60.00", "Inovatif"),
    (2023, "60.01", "Sangat Inovatif"),
    (2023, "35.00", "Inovatif"),
    (2023, "34.99", "Kurang Inovatif"),
    (2026, "65.00", "Inovatif"),
    (2026, "65.01", "Sangat Inovatif"),
    (2026, "65.009", "Inovatif"),
    (2026, "40.00", "Kurang Inovatif"),
    (2026, "0", "Tidak Dapat Dinilai"),
])
def test_predicate_at_band_edges_from_the_loaded_files(loaded, year, index, expected):
    db.session.expire_all()
    assert services.predicate_for(Decimal(index), cycle_of(year).bands) == expected


@pytest.mark.parametrize("text, value", [
    ("65,01", Decimal("65.01")), ("65.01", Decimal("65.01")), (" 0,38 ", Decimal("0.38")),
    ("1.234,5", Decimal("1234.5")), ("1,234.5", Decimal("1234.5")), ("3", Decimal(3)),
    (0.75, Decimal("0.75")), (2, Decimal(2)),
])
def test_parse_decimal_accepts_both_decimal_marks(text, value):
    assert services.parse_decimal(text) == value


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "1e3", "", "1,2,3", None, True])
def test_parse_decimal_refuses_what_is_not_a_plain_number(text):
    with pytest.raises(ValueError):
        services.parse_decimal(text)


def test_make_current_leaves_exactly_one_current_cycle(loaded):
    services.make_current(loaded[2026])
    services.make_current(loaded[2023])
    db.session.commit()
    db.session.expire_all()
    current = db.session.scalars(select(Cycle).where(Cycle.is_current)).all()
    assert [c.year for c in current] == [2023]
    assert services.current_cycle().year == 2023


def test_copy_cycle_copies_indicators_levels_bands_and_rules(loaded):
    source = loaded[2026]
    source.internal_deadline_on = source.implementation_from_on
    copy_ = services.copy_cycle(source, 2027, actor=None, ip="127.0.0.1")
    db.session.commit()
    db.session.expire_all()
    copy_, source = cycle_of(2027), cycle_of(2026)
    assert copy_.name == "IID 2027"
    assert [(i.code, i.weight, [lv.label for lv in i.levels]) for i in copy_.indicators] == [
        (i.code, i.weight, [lv.label for lv in i.levels]) for i in source.indicators]
    assert {i.id for i in copy_.indicators}.isdisjoint({i.id for i in source.indicators})
    assert [(b.name, b.floor) for b in copy_.bands] == [(b.name, b.floor) for b in source.bands]
    assert (copy_.divisor_min, copy_.count_points, copy_.target_predicate) == (
        source.divisor_min, source.count_points, source.target_predicate)
    assert copy_.basic_service_urusan == source.basic_service_urusan
    assert copy_.implementation_from_on.isoformat() == "2025-01-01"
    assert copy_.internal_deadline_on is None and not copy_.is_current
    assert services.catalogue_totals(copy_)["max"] == services.catalogue_totals(source)["max"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cycle_created")).one()
    assert event.changes["source"] == [None, "copy of 2026"] and event.ip == "127.0.0.1"


def test_copy_to_a_year_in_use_is_refused(loaded):
    with pytest.raises(CycleError) as info:
        services.copy_cycle(loaded[2026], 2023)
    assert "year" in info.value.errors


def test_update_cycle_checks_bands_target_and_dates(loaded, app):
    cycle = loaded[2026]
    values = {"target_predicate": "Sangat Inovatif",
              "portal_opens_on": cycle.implementation_to_on,
              "portal_closes_on": cycle.implementation_from_on,
              "internal_deadline_on": cycle.implementation_to_on}
    bands = [("Inovatif", Decimal("40")), ("inovatif", Decimal("40"))]
    with pytest.raises(CycleError) as info:
        services.update_cycle(cycle, values, bands)
    errors = info.value.errors
    assert set(errors) == {"portal_closes_on", "internal_deadline_on", "bands",
                           "target_predicate"}
    assert len(errors["bands"]) == 2  # the name and the floor both repeat
    db.session.rollback()
    db.session.expire_all()
    assert [b.name for b in cycle_of(2026).bands][0] == "Sangat Inovatif"
    assert count(PredicateBand) == 8
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cycle_updated")).all()


def test_deleting_an_indicator_in_use_is_refused(loaded, monkeypatch):
    indicator = next(i for i in loaded[2026].indicators if i.code == "SID-16")
    monkeypatch.setattr(services.indicators, "usage_checks",
                        [lambda ind, level=None: "dipakai 3 butir laporan" if ind is indicator
                         else None])
    with pytest.raises(CatalogueError) as info:
        services.delete_indicator(indicator)
    assert info.value.problems == ["dipakai 3 butir laporan"]
    with pytest.raises(CycleError) as info:
        services.update_indicator(indicator, {}, [lv.label for lv in indicator.levels][:2])
    assert info.value.errors["labels"] == ["dipakai 3 butir laporan"]
    db.session.rollback()
    assert count(Indicator) == 80 and count(IndicatorLevel) == 240


def test_delete_indicator_removes_its_levels_and_is_audited(loaded):
    indicator = next(i for i in loaded[2026].indicators if i.code == "SID-16")
    services.delete_indicator(indicator, ip="10.0.0.1")
    db.session.commit()
    assert count(Indicator) == 79 and count(IndicatorLevel) == 237
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "indicator_deleted")).one()
    assert event.changes["code"] == ["SID-16", None]
    assert event.changes["weight"] == ["3.00", None]


def test_a_later_copy_of_a_file_loads_into_its_own_cycle(loaded):
    data = copy.deepcopy(read("iid-2026.yaml"))
    data["cycle"]["year"] = 2028
    cycle = services.load_catalogue(data, 2028)
    db.session.commit()
    assert len(cycle.indicators) == 40 and count(Cycle) == 3


@pytest.mark.parametrize("raw", [
    b"a: &x 1\nb: *x\n",
    b"levels: &labels [Ada]\n",
    b"- *undefined\n",
])
def test_yaml_anchors_and_aliases_are_refused(app, raw):
    with pytest.raises(CatalogueError) as info, app.test_request_context():
        services.read_catalogue_file(io.BytesIO(raw))
    with app.test_request_context():
        assert "alias" in str(info.value) and "baris 1" in str(info.value)


def test_echoed_values_are_checked_and_cut(app):
    """A value of any type or length appears in a message as at most a short quote."""
    nested = [["x" * 100] * 100] * 100  # shared, as an alias would build it
    with app.test_request_context():
        problems = services.validate_catalogue(
            {"format": nested, "cycle": {"year": "Y" * 10_000, "timezone": nested,
                                         "count_cap": "C" * 10_000,
                                         "target_predicate": "T" * 10_000},
             "indicators": [{"code": nested, "weight": {"w": nested}, "number": 1},
                            {"code": "K" * 10_000, "number": "N" * 10_000}]},
            2026)
        texts = [str(p) for p in problems]
    assert texts and max(len(t) for t in texts) < 300, max(texts, key=len)[:300]
    assert any("Y" * 30 + "…" in t for t in texts)


def test_odd_types_where_names_are_looked_up_give_messages(app):
    with app.test_request_context():
        problems = services.validate_catalogue(
            {"format": services.FORMAT, "cycle": {
                "target_predicate": [["Juara"]], "timezone": ["Asia/Makassar"],
                "internal_deadline": [2026, 1, 1],
                "predicate_bands": [{"name": ["A"], "floor": 10}, {"name": "B", "floor": [1]}]}},
            2026)
        text = " | ".join(str(p) for p in problems)
    assert "cycle target_predicate: harus berupa teks." in text
    assert "bukan zona waktu" in text and "bukan tanggal" in text and "bukan angka" in text
