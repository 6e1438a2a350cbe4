"""Evidence hints: contacts read Indonesian instructions; research notes stay with staff."""
import copy
import re
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, text

from clinic.catalogue import services
from clinic.catalogue.models import Cycle, Indicator
from clinic.demo.catalogue import seed_cycles
from clinic.extensions import db
from tests.test_migrations import _flask_db, empty_database, keep_logging  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "catalogue"
MARKERS = ("unconfirmed", "per ", "note", "json_", "evt_", "selayar_", "repo", "derived")
ENGLISH = {"the", "of", "and", "or", "with", "showing", "from", "for", "to", "by", "which",
           "that", "last", "years", "upload", "document", "documents", "photos", "screenshots"}
INSTRUCTION = re.compile(r"^(Unggah|Lampirkan|Sertakan|Tempel)\b")


def hint_problems(code, hint):
    problems = []
    if not hint:
        return [f"{code}: no hint"]
    lowered = hint.lower()
    problems += [f"{code}: research-note marker {m!r}" for m in MARKERS if m in lowered]
    english = set(re.findall(r"[a-z]+", lowered)) & ENGLISH
    if english:
        problems.append(f"{code}: English words {sorted(english)}")
    if not INSTRUCTION.match(hint):
        problems.append(f"{code}: not an instruction to the contact: {hint[:40]!r}")
    return problems


def test_every_seeded_hint_of_both_catalogues_is_an_indonesian_instruction(app):
    seed_cycles(date(2026, 5, 4))  # the demo's catalogues: 2026 (current) and 2023
    db.session.commit()
    rows = db.session.execute(select(Cycle.year, Indicator.code, Indicator.evidence_hint,
                                     Indicator.evidence_source, Indicator.evidence_confidence)
                              .join(Cycle)).all()
    assert {row.year for row in rows} == {2023, 2026}
    assert len(rows) == 80
    problems = [p for row in rows for p in hint_problems(f"{row.year} {row.code}",
                                                         row.evidence_hint)]
    assert problems == []
    # The research note is kept, for staff: every row says where its hint comes from.
    assert all(row.evidence_source and row.evidence_confidence in ("LOW", "MED", "HIGH")
               for row in rows)
    spd01 = next(row for row in rows if row.code == "SPD-01")
    assert "unconfirmed" in spd01.evidence_source and "JSON_70291004433" in spd01.evidence_source


def test_the_hints_source_file_covers_every_shipped_indicator():
    hints = yaml.safe_load((ROOT / "data" / "evidence-hints.yaml").read_text(encoding="utf-8"))
    for name in ("iid-2023.yaml", "iid-2026.yaml"):
        data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        for item in data["indicators"]:
            assert " ".join(hints[item["code"]].split()) == item["evidence_hint"], item["code"]


@pytest.fixture
def shipped(app):
    data = yaml.safe_load((DATA / "iid-2026.yaml").read_text(encoding="utf-8"))
    loaded = services.load_catalogue(data, 2026)
    services.make_current(loaded)
    db.session.commit()
    return loaded


def _indicator(code):
    return db.session.scalars(select(Indicator).where(Indicator.code == code)).one()


def test_the_contact_sees_the_hint_and_never_its_source(innovation, contact, staff, login):
    indicator = _indicator("SID-16")
    indicator.evidence_source = "Catatan riset: per JSON_70291004433 note ZZSUMBER"
    indicator.evidence_confidence = "LOWZZ"
    db.session.commit()
    item = next(i for i in innovation.items if i.indicator.code == "SID-16")
    page = login(contact).get(f"/items/{item.id}").get_data(as_text=True)
    assert "Unggah Perda, Perkada, SK Kepala Daerah" in page
    assert "ZZSUMBER" not in page and "LOWZZ" not in page and "JSON_" not in page
    staff_list = login(staff).get(f"/admin/cycles/{indicator.cycle_id}/indicators/")
    listing = staff_list.get_data(as_text=True)
    assert "ZZSUMBER" in listing and "LOWZZ" in listing


def _form(indicator, **changes):
    data = {
        "code": indicator.code, "aspect": indicator.aspect, "number": str(indicator.number),
        "sub": indicator.sub or "", "variable": indicator.variable or "", "name": indicator.name,
        "name_en": indicator.name_en or "", "weight": str(indicator.weight),
        "evidence_hint": indicator.evidence_hint or "",
        "evidence_source": indicator.evidence_source or "",
        "evidence_confidence": indicator.evidence_confidence or "",
        "position": str(indicator.position), "is_mandatory": "y",
    }
    for n, level in enumerate(indicator.levels):
        data[f"labels-{n}"] = level.label
    data[f"labels-{len(indicator.levels)}"] = ""
    data.update(changes)
    return data


def test_staff_edit_the_hint_source_and_confidence(shipped, client, auth, make_user):
    auth.login_as(make_user(role="staff"))
    indicator = _indicator("SID-17")
    page = client.get(f"/admin/cycles/indicators/{indicator.id}").get_data(as_text=True)
    assert "Hanya untuk staf" in page and 'name="evidence_source"' in page
    assert "Keyakinan nilai indikator" in page  # the shipped source is shown to staff
    response = client.post(f"/admin/cycles/indicators/{indicator.id}", data=_form(
        indicator, evidence_hint="Unggah SK Kepala Perangkat Daerah yang ditandatangani (PDF).",
        evidence_source="Dicek dengan juknis 2026 hlm. 12", evidence_confidence="HIGH"))
    assert response.status_code == 302
    db.session.expire_all()
    saved = _indicator("SID-17")
    assert saved.evidence_hint == "Unggah SK Kepala Perangkat Daerah yang ditandatangani (PDF)."
    assert (saved.evidence_source, saved.evidence_confidence) == (
        "Dicek dengan juknis 2026 hlm. 12", "HIGH")


def test_a_research_note_in_the_hint_is_refused_and_kept(shipped, client, auth, make_user):
    auth.login_as(make_user(role="staff"))
    indicator = _indicator("SID-18")
    before = indicator.evidence_hint
    typed = "Unggah DPA (unconfirmed; per repo note)"
    response = client.post(f"/admin/cycles/indicators/{indicator.id}",
                           data=_form(indicator, evidence_hint=typed))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Catatan riset" in page and "hanya staf" in page
    assert typed in page
    db.session.expire_all()
    assert _indicator("SID-18").evidence_hint == before


def test_a_catalogue_file_with_a_research_note_in_a_hint_is_refused(app):
    data = yaml.safe_load((DATA / "iid-2026.yaml").read_text(encoding="utf-8"))
    bad = copy.deepcopy(data)
    bad["indicators"][0]["evidence_hint"] = "RPJMD pages (unconfirmed; per repo note)"
    problems = [str(p) for p in services.validate_catalogue(bad, 2026)]
    assert len(problems) == 1 and "SPD-01" in problems[0] and "hanya staf" in problems[0]
    assert services.validate_catalogue(data, 2026) == []


OLD_HINTS = {  # what the first catalogue files put in the hint
    "SPD-01": "RPJMD / Perkada pages stating the vision/mission that mention innovation "
              "(unconfirmed; per repo note 'Berdasarkan dokumen RPJMD / Perkada')",
    "SID-16": "Perda, Perkada, SK Kepala Daerah or SK Kepala Perangkat Daerah, including the "
              "page/lampiran that NAMES the innovation; legally valid (signed/TTE) and valid "
              "for the year of penerapan (pdf). Since 2025 the SK format must follow "
              "Permendagri 1/2023 (Tata Naskah Dinas).",
    "X-99": "BPS TPT data (unconfirmed)",
    "X-98": "Unggah surat keputusan yang ditandatangani (PDF).",
}


def test_the_migration_moves_research_notes_out_of_existing_hints(empty_database):  # noqa: F811
    _flask_db(empty_database, "upgrade", "5d2e8c41a9b0")
    with db.engine.begin() as conn:
        # Bound values (booleans as booleans): the same rows on SQLite, PostgreSQL and MariaDB.
        conn.execute(text(
            "INSERT INTO cycles (id, year, name, divisor_min, basic_service_min, "
            "basic_service_urusan, count_points, count_cap, index_max, design_min_words, "
            "target_predicate, timezone, is_current, created_at, updated_at) VALUES "
            "(1, 2026, 'IID 2026', 12, 5, '[]', 0.38, 200, 250, 300, 'Sangat Inovatif', "
            "'Asia/Makassar', :no, :at, :at)"), {"no": False, "at": datetime(2026, 1, 1)})
        conn.execute(text(
            "INSERT INTO indicators (id, cycle_id, code, aspect, number, name, weight, "
            "is_mandatory, evidence_hint, accepts_link, position) VALUES "
            "(:id, 1, :code, 'SID', :id, :code, 1, :no, :hint, :no, :id)"),
            [{"id": n, "code": code, "hint": hint, "no": False}
             for n, (code, hint) in enumerate(OLD_HINTS.items(), start=1)])
    _flask_db(empty_database, "upgrade", "c12d2e3f4a53")
    with db.engine.connect() as conn:
        rows = {r.code: r for r in conn.exec_driver_sql(
            "SELECT code, evidence_hint, evidence_source, evidence_confidence FROM indicators")}
    assert rows["SPD-01"].evidence_hint.startswith("Unggah halaman RPJMD atau Perkada")
    assert "per repo note" in rows["SPD-01"].evidence_source
    assert rows["SPD-01"].evidence_confidence == "LOW"
    assert rows["SID-16"].evidence_hint.startswith("Unggah Perda, Perkada, SK Kepala Daerah")
    assert "NAMES the innovation" in rows["SID-16"].evidence_source
    assert (rows["X-99"].evidence_hint, rows["X-99"].evidence_source) == (
        "BPS TPT data", "Catatan riset: BPS TPT data (unconfirmed)")
    assert (rows["X-98"].evidence_hint, rows["X-98"].evidence_source) == (OLD_HINTS["X-98"], None)
    _flask_db(empty_database, "downgrade", "5d2e8c41a9b0")
