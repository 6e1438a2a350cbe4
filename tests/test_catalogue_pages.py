"""The cycle and catalogue pages: who may use them, edits that persist, bad input kept."""
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
from clinic.catalogue.models import Cycle, Indicator, PredicateBand
from clinic.extensions import db

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogue"


@functools.cache
def _parsed(name):
    return yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=services.SAFE_LOADER)


def read(name):
    """A fresh copy of a shipped catalogue file, parsed once per run."""
    return copy.deepcopy(_parsed(name))


@pytest.fixture
def cycle(app):
    loaded = services.load_catalogue(read("iid-2026.yaml"), 2026)
    db.session.commit()
    return loaded


@pytest.fixture
def staff(client, auth, make_user):
    user = make_user(role="staff")
    auth.login_as(user)
    return user


def cycle_form(cycle, **changes):
    """The edit form as the browser would post it, unchanged unless told."""
    def iso(day):
        return day.isoformat() if day else ""

    data = {
        "year": str(cycle.year), "name": cycle.name,
        "internal_deadline_on": iso(cycle.internal_deadline_on),
        "portal_opens_on": iso(cycle.portal_opens_on),
        "portal_closes_on": iso(cycle.portal_closes_on),
        "divisor_min": str(cycle.divisor_min), "basic_service_min": str(cycle.basic_service_min),
        "basic_service_urusan": "\r\n".join(cycle.basic_service_urusan),
        "count_points": str(cycle.count_points).replace(".", ","),
        "count_cap": str(cycle.count_cap), "index_max": str(cycle.index_max),
        "implementation_from_on": iso(cycle.implementation_from_on),
        "implementation_to_on": iso(cycle.implementation_to_on),
        "design_min_words": str(cycle.design_min_words),
        "target_predicate": cycle.target_predicate, "timezone": cycle.timezone,
        "notes": cycle.notes or "",
    }
    for n, band in enumerate(cycle.bands):
        data[f"bands-{n}-name"] = band.name
        data[f"bands-{n}-floor"] = str(band.floor)
    data[f"bands-{len(cycle.bands)}-name"] = ""
    data[f"bands-{len(cycle.bands)}-floor"] = ""
    data.update(changes)
    return data


def indicator_form(indicator, **changes):
    data = {
        "code": indicator.code, "aspect": indicator.aspect, "number": str(indicator.number),
        "sub": indicator.sub or "", "variable": indicator.variable or "", "name": indicator.name,
        "name_en": indicator.name_en or "", "weight": str(indicator.weight),
        "evidence_hint": indicator.evidence_hint or "", "position": str(indicator.position),
    }
    if indicator.is_mandatory:
        data["is_mandatory"] = "y"
    if indicator.accepts_link:
        data["accepts_link"] = "y"
    for n, level in enumerate(indicator.levels):
        data[f"labels-{n}"] = level.label
    data[f"labels-{len(indicator.levels)}"] = ""
    data.update(changes)
    return data


def the(code, cycle_year=2026):
    return db.session.scalars(select(Indicator).join(Cycle).where(
        Cycle.year == cycle_year, Indicator.code == code)).one()


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def body(response):
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- access

@pytest.mark.parametrize("role", ["trainer", "contact"])
def test_trainers_and_contacts_are_refused(client, auth, make_user, cycle, role):
    auth.login_as(make_user(role=role))
    indicator = cycle.indicators[0]
    for url in ("/admin/cycles/", "/admin/cycles/new", f"/admin/cycles/{cycle.id}/",
                f"/admin/cycles/{cycle.id}/indicators/", f"/admin/cycles/{cycle.id}/import",
                f"/admin/cycles/{cycle.id}/indicators/new",
                f"/admin/cycles/indicators/{indicator.id}"):
        assert client.get(url).status_code == 403, url
    for url in (f"/admin/cycles/{cycle.id}/make-current",
                f"/admin/cycles/indicators/{indicator.id}/delete",
                f"/admin/cycles/{cycle.id}/"):
        assert client.post(url, data=cycle_form(cycle, divisor_min="1")).status_code == 403
    db.session.expire_all()
    assert db.session.get(Indicator, indicator.id) is not None
    assert not db.session.get(Cycle, cycle.id).is_current and cycle.divisor_min == 12


def test_anonymous_visitors_go_to_the_login_page(client, cycle):
    response = client.get("/admin/cycles/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_may_use_the_pages(client, auth, make_user, cycle):
    auth.login_as(make_user(role="admin"))
    assert client.get(f"/admin/cycles/{cycle.id}/").status_code == 200


def test_unknown_cycle_or_indicator_is_404(client, staff):
    assert client.get("/admin/cycles/999/").status_code == 404
    assert client.get("/admin/cycles/indicators/999").status_code == 404


# ---------------------------------------------------------------- cycle list and creation

def test_empty_list_invites_to_create_a_cycle(client, staff):
    page = body(client.get("/admin/cycles/"))
    assert "Belum ada siklus penilaian" in page
    assert 'href="/admin/cycles/new"' in page


def test_list_shows_each_cycle_with_its_facts(client, staff, cycle):
    cycle.portal_opens_on = cycle.implementation_from_on.replace(year=2026, month=6, day=1)
    cycle.portal_closes_on = cycle.portal_opens_on.replace(month=8, day=21)
    cycle.internal_deadline_on = cycle.portal_opens_on.replace(month=8, day=11)
    services.make_current(cycle)
    db.session.commit()
    page = body(client.get("/admin/cycles/"))
    assert "IID 2026" in page and "Siklus aktif" in page
    assert "11 Agu 2026" in page and "1 Jun 2026" in page and "21 Agu 2026" in page
    assert ">40</a>" in page


def test_create_a_cycle_by_copying_another(client, staff, cycle):
    response = client.post("/admin/cycles/new", data={
        "year": "2027", "name": "", "source": "copy", "copy_from": str(cycle.id)})
    assert response.status_code == 302, body(response)[:2000]
    new = db.session.scalars(select(Cycle).where(Cycle.year == 2027)).one()
    assert new.name == "IID 2027"
    assert len(new.indicators) == 40 and len(new.bands) == 4
    assert sum(len(i.levels) for i in new.indicators) == 120
    assert the("SID-35", 2027).accepts_link
    assert events("cycle_created")[-1].actor_id == staff.id


def test_create_an_empty_cycle(client, staff):
    response = client.post("/admin/cycles/new", data={
        "year": "2027", "name": "IID 2027 (uji)", "source": "empty"})
    assert response.status_code == 302
    new = db.session.scalars(select(Cycle)).one()
    assert new.name == "IID 2027 (uji)" and new.indicators == [] and new.bands == []
    page = body(client.get(response.headers["Location"]))
    assert "belum memiliki predikat" in page


def test_create_a_cycle_from_an_uploaded_file(client, staff):
    raw = (DATA / "iid-2023.yaml").read_bytes()
    response = client.post("/admin/cycles/new", content_type="multipart/form-data", data={
        "year": "2023", "source": "file", "file": (io.BytesIO(raw), "iid-2023.yaml")})
    assert response.status_code == 302, body(response)[:2000]
    new = db.session.scalars(select(Cycle)).one()
    assert new.year == 2023 and len(new.indicators) == 40 and new.divisor_min == 10
    assert services.predicate_for(Decimal("60.00"), new.bands) == "Inovatif"


def test_uploaded_broken_file_lists_every_problem_and_creates_nothing(client, staff):
    data = read("iid-2026.yaml")
    data["format"] = "something-else"
    data["indicators"][0]["weight"] = "abc"
    data["indicators"][2]["code"] = data["indicators"][1]["code"]
    data["cycle"]["target_predicate"] = "Juara"
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    response = client.post("/admin/cycles/new", content_type="multipart/form-data", data={
        "year": "2026", "source": "file", "file": (io.BytesIO(raw), "x.yaml")})
    assert response.status_code == 200
    page = body(response)
    assert "tidak ada yang diubah" in page
    for problem in ("Kunci format harus", "&#39;abc&#39; bukan angka",
                    "kode dipakai lebih dari sekali", "Target predikat &#39;Juara&#39;"):
        assert problem in page, problem
    assert db.session.scalar(select(func.count()).select_from(Cycle)) == 0


def test_upload_that_is_not_yaml_is_refused_with_a_message(client, staff):
    response = client.post("/admin/cycles/new", content_type="multipart/form-data", data={
        "year": "2026", "source": "file", "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00"), "a.yaml")})
    assert response.status_code == 200 and "UTF-8" in body(response)
    assert db.session.scalar(select(func.count()).select_from(Cycle)) == 0


def test_create_refuses_a_year_in_use_and_keeps_input(client, staff, cycle):
    response = client.post("/admin/cycles/new", data={
        "year": "2026", "name": "Nama saya", "source": "copy", "copy_from": str(cycle.id)})
    assert response.status_code == 200
    page = body(response)
    assert "Tahun 2026 sudah dipakai siklus lain." in page
    assert 'value="Nama saya"' in page
    assert db.session.scalar(select(func.count()).select_from(Cycle)) == 1


def test_create_without_a_file_or_a_valid_year_explains_why(client, staff):
    response = client.post("/admin/cycles/new", data={"year": "dua ribu", "source": "file"})
    page = body(response)
    assert response.status_code == 200
    assert "Isi dengan bilangan bulat." in page and 'value="dua ribu"' in page
    assert "Pilih berkas katalog YAML" in page


# ---------------------------------------------------------------- cycle edit

def test_cycle_edits_persist_and_are_audited(client, staff, cycle):
    response = client.post(f"/admin/cycles/{cycle.id}/", data=cycle_form(
        cycle, divisor_min="14", count_points="0,40", internal_deadline_on="2026-08-11",
        portal_opens_on="2026-06-01", portal_closes_on="2026-08-21", notes="Angka 2027 belum pasti",
        **{"bands-1-floor": "40,50", "bands-0-name": "Sangat Inovatif"}))
    assert response.status_code == 302, body(response)[:3000]
    db.session.expire_all()
    saved = db.session.get(Cycle, cycle.id)
    assert saved.divisor_min == 14 and saved.count_points == Decimal("0.40")
    assert saved.portal_closes_on.isoformat() == "2026-08-21"
    assert [b.floor for b in saved.bands][:2] == [Decimal("65.01"), Decimal("40.50")]
    event = events("cycle_updated")[-1]
    assert event.actor_id == staff.id and event.ip == "127.0.0.1"
    assert event.changes["divisor_min"] == [12, 14]
    assert event.changes["count_points"] == ["0.38", "0.40"]
    assert event.changes["internal_deadline_on"] == [None, "2026-08-11"]
    assert event.changes["notes"] == [None, "Angka 2027 belum pasti"]
    assert ["Inovatif", "40.50"] in event.changes["bands"][1]
    assert "basic_service_urusan" not in event.changes  # unchanged lines are not noise
    page = body(client.get(response.headers["Location"]))
    assert 'value="0,40"' in page and 'value="40,50"' in page


def test_a_band_can_be_renamed_removed_and_added(client, staff, cycle):
    data = cycle_form(cycle, **{"bands-2-remove": "y", "bands-3-name": "Tidak Dinilai",
                                "bands-4-name": "Cukup Inovatif", "bands-4-floor": "20",
                                "bands-0-name": "Inovatif", "bands-1-name": "Sangat Inovatif",
                                "bands-1-floor": "70", "target_predicate": "Sangat Inovatif"})
    response = client.post(f"/admin/cycles/{cycle.id}/", data=data)
    assert response.status_code == 302, body(response)[:3000]
    db.session.expire_all()
    bands = [(b.name, b.floor) for b in db.session.get(Cycle, cycle.id).bands]
    assert bands == [("Sangat Inovatif", Decimal("70.00")), ("Inovatif", Decimal("65.01")),
                     ("Cukup Inovatif", Decimal("20.00")), ("Tidak Dinilai", Decimal("0.00"))]


@pytest.mark.parametrize("changes, message, kept", [
    ({"count_points": "abc"}, "Isi dengan angka, misalnya 0,75.", 'value="abc"'),
    ({"divisor_min": "0"}, "Harus antara 1 dan 1000.", 'value="0"'),
    ({"basic_service_min": "7"}, "Harus antara 0 dan 6.", 'value="7"'),
    ({"count_points": "0,385"}, "Paling banyak dua angka di belakang koma.", 'value="0,385"'),
    ({"year": "2023"}, "Tahun 2023 sudah dipakai siklus lain.", 'value="2023"'),
    ({"bands-1-name": "Sangat Inovatif"}, "Nama predikat &#39;Sangat Inovatif&#39; dipakai lebih",
     None),
    ({"bands-1-floor": "65,01"}, "Batas bawah 65,01 dipakai lebih dari satu predikat",
     'value="65,01"'),
    ({"target_predicate": "Juara"}, "Target predikat &#39;Juara&#39; tidak ada", 'value="Juara"'),
    ({"bands-1-floor": ""}, "Isi batas bawah predikat ini.", None),
    ({"bands-4-floor": "12,5"}, "Isi juga nama predikat untuk batas bawah ini.", 'value="12,5"'),
    ({"bands-1-floor": "-1"}, "Tidak boleh negatif.", 'value="-1"'),
    ({"portal_opens_on": "2026-08-01", "portal_closes_on": "2026-07-01"},
     "Portal ditutup tidak boleh sebelum portal dibuka.", 'value="2026-07-01"'),
    ({"internal_deadline_on": "2026-08-30", "portal_closes_on": "2026-08-21"},
     "Tenggat internal harus sebelum portal nasional ditutup", 'value="2026-08-30"'),
    ({"implementation_from_on": "2026-02-30"}, "Tanggal tidak valid", None),
    ({"basic_service_urusan": "Pendidikan\nPendidikan"}, "lebih dari sekali", None),
])
def test_bad_cycle_input_is_explained_kept_and_changes_nothing(client, staff, cycle, changes,
                                                               message, kept):
    make_user_year = Cycle(year=2023, name="IID 2023")
    db.session.add(make_user_year)
    db.session.commit()
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post(f"/admin/cycles/{cycle.id}/", data=cycle_form(
        cycle, name="Nama baru yang belum tersimpan", **changes))
    assert response.status_code == 200
    page = body(response)
    assert message in page
    assert "Perubahan belum disimpan" in page
    assert 'value="Nama baru yang belum tersimpan"' in page
    if kept:
        assert kept in page
    db.session.expire_all()
    saved = db.session.get(Cycle, cycle.id)
    assert saved.name == "IID 2026" and saved.count_points == Decimal("0.38")
    assert [b.floor for b in saved.bands] == [Decimal("65.01"), Decimal("40.01"),
                                              Decimal("0.01"), Decimal("0.00")]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_make_current_by_post_leaves_exactly_one_current(client, staff, cycle):
    other = services.load_catalogue(read("iid-2023.yaml"), 2023)
    services.make_current(other)
    db.session.commit()
    page = body(client.get("/admin/cycles/"))
    assert 'data-confirm="Jadikan IID 2026 siklus aktif?' in page
    response = client.post(f"/admin/cycles/{cycle.id}/make-current")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Cycle.year).where(Cycle.is_current)).all() == [2026]
    event = events("cycle_made_current")[-1]
    assert event.actor_id == staff.id and event.changes["previous_current"] == [[2023], []]
    assert client.get(f"/admin/cycles/{cycle.id}/make-current").status_code == 405


# ---------------------------------------------------------------- catalogue and indicators

def test_catalogue_page_groups_aspects_and_shows_totals(client, staff, cycle):
    page = body(client.get(f"/admin/cycles/{cycle.id}/indicators/"))
    assert page.index("SPD: satuan pemerintah daerah") < page.index("SID: satuan inovasi daerah")
    assert ">63,00<" in page and ">111,00<" in page and ">76,00<" in page
    assert "Menampilkan 40 dari 40 indikator." in page
    # SID-16 Regulasi: weight 3, levels worth 3, 6 and 9 points.
    assert "(9,00 poin)" in page and ">3,00<" in page
    assert 'id="SPD-02a"' in page and ">2a<" in page


@pytest.mark.parametrize("query, present, absent", [
    ({"aspect": "SID"}, ["SID-16"], ["SPD-01"]),
    ({"aspect": "SPD"}, ["SPD-01"], ["SID-16"]),
    ({"mandatory": "1", "aspect": "SID"}, ["SID-16", "SID-35"], ["SID-18"]),
    ({"mandatory": "0", "aspect": "SID"}, ["SID-18"], ["SID-35"]),
    ({"q": "video"}, ["SID-35"], ["SID-16"]),
    ({"q": "sid-3"}, ["SID-30", "SID-35"], ["SID-16", "SPD-01"]),
    ({"q": "100%_"}, [], ["SID-35"]),
])
def test_catalogue_filters(client, staff, cycle, query, present, absent):
    page = body(client.get(f"/admin/cycles/{cycle.id}/indicators/", query_string=query))
    for code in present:
        assert f'id="{code}"' in page
    for code in absent:
        assert f'id="{code}"' not in page


def test_indicator_weight_and_labels_persist_and_are_audited(client, staff, cycle):
    indicator = the("SID-16")
    response = client.post(f"/admin/cycles/indicators/{indicator.id}", data=indicator_form(
        indicator, weight="2,5", **{"labels-1": "Peraturan Kepala Daerah (dikoreksi)"}))
    assert response.status_code == 302, body(response)[:3000]
    db.session.expire_all()
    saved = db.session.get(Indicator, indicator.id)
    assert saved.weight == Decimal("2.50")
    assert saved.levels[1].label == "Peraturan Kepala Daerah (dikoreksi)"
    assert saved.max_points == Decimal("7.50")
    event = events("indicator_updated")[-1]
    assert event.changes["weight"] == ["3.00", "2.50"]
    assert event.changes["level_2"][1] == "Peraturan Kepala Daerah (dikoreksi)"
    assert set(event.changes) == {"weight", "level_2"}
    page = body(client.get(response.headers["Location"]))
    assert ">109,50<" in page  # SID maximum 111 - 0.5 x 3 levels


def test_indicator_levels_can_be_added_and_the_top_removed(client, staff, cycle):
    indicator = the("SID-16")
    response = client.post(f"/admin/cycles/indicators/{indicator.id}", data=indicator_form(
        indicator, **{"labels-3": "Tingkat keempat"}))
    assert response.status_code == 302
    db.session.expire_all()
    assert [lv.level for lv in the("SID-16").levels] == [1, 2, 3, 4]
    indicator = the("SID-16")
    response = client.post(f"/admin/cycles/indicators/{indicator.id}", data=indicator_form(
        indicator, remove_top="y"))
    assert response.status_code == 302
    db.session.expire_all()
    assert [lv.level for lv in the("SID-16").levels] == [1, 2, 3]
    assert events("indicator_updated")[-1].changes == {"level_4": ["Tingkat keempat", None]}


@pytest.mark.parametrize("changes, message, kept", [
    ({"weight": "abc"}, "Isi dengan angka, misalnya 0,75.", 'value="abc"'),
    ({"weight": "-1"}, "Tidak boleh negatif.", 'value="-1"'),
    ({"weight": "1,234"}, "Paling banyak dua angka di belakang koma.", 'value="1,234"'),
    ({"weight": ""}, "Wajib diisi.", None),
    ({"code": "SID-17"}, "Kode SID-17 sudah dipakai indikator lain", 'value="SID-17"'),
    ({"code": "SID 17!"}, "Kode hanya boleh berisi", None),
    ({"aspect": "XYZ"}, "Pilih salah satu pilihan yang tersedia.", None),
    ({"labels-1": ""}, "tanpa melompati tingkat", None),
    ({"number": "x"}, "Isi dengan bilangan bulat.", 'value="x"'),
    ({"name": "n" * 256}, "Paling banyak 255 karakter.", None),
])
def test_bad_indicator_input_is_explained_kept_and_changes_nothing(client, staff, cycle,
                                                                   changes, message, kept):
    indicator = the("SID-16")
    response = client.post(f"/admin/cycles/indicators/{indicator.id}", data=indicator_form(
        indicator, evidence_hint="Petunjuk baru yang belum tersimpan", **changes))
    assert response.status_code == 200
    page = body(response)
    assert message in page
    assert "Petunjuk baru yang belum tersimpan" in page
    if kept:
        assert kept in page
    db.session.expire_all()
    saved = the("SID-16")
    assert saved.weight == Decimal("3.00")
    assert saved.evidence_hint != "Petunjuk baru yang belum tersimpan"
    assert not events("indicator_updated")


def test_add_an_indicator_to_a_cycle(client, staff, cycle):
    assert client.get(f"/admin/cycles/{cycle.id}/indicators/new").status_code == 200
    response = client.post(f"/admin/cycles/{cycle.id}/indicators/new", data={
        "code": "SID-37", "aspect": "SID", "number": "37", "name": "Indikator percobaan",
        "weight": "0,5", "labels-0": "Ada", "labels-1": "Lengkap", "labels-2": ""})
    assert response.status_code == 302, body(response)[:3000]
    new = the("SID-37")
    assert [lv.label for lv in new.levels] == ["Ada", "Lengkap"]
    assert new.weight == Decimal("0.50") and new.position == 41
    assert events("indicator_created")[-1].changes["weight"] == [None, "0.50"]
    duplicate = client.post(f"/admin/cycles/{cycle.id}/indicators/new", data={
        "code": "sid-37", "aspect": "SID", "number": "37", "name": "Lagi", "weight": "1",
        "labels-0": "Ada"})
    assert duplicate.status_code == 200
    assert "Kode sid-37 sudah dipakai indikator lain di siklus ini." in body(duplicate)
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 41


def test_the_same_code_may_exist_in_another_cycle(client, staff, cycle):
    other = Cycle(year=2027, name="IID 2027")
    db.session.add(other)
    db.session.commit()
    response = client.post(f"/admin/cycles/{other.id}/indicators/new", data={
        "code": "SID-16", "aspect": "SID", "number": "16", "name": "Regulasi", "weight": "3",
        "labels-0": "Ada"})
    assert response.status_code == 302


def test_delete_an_indicator_after_confirmation(client, staff, cycle):
    indicator = the("SID-35")
    page = body(client.get(f"/admin/cycles/indicators/{indicator.id}"))
    assert "data-confirm=\"Hapus indikator SID-35" in page and "tidak dapat dibatalkan" in page
    response = client.post(f"/admin/cycles/indicators/{indicator.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Indicator, indicator.id) is None
    assert events("indicator_deleted")[-1].changes["code"] == ["SID-35", None]


def test_delete_refused_while_in_use(client, staff, cycle, monkeypatch):
    indicator = the("SID-35")
    monkeypatch.setattr(services.indicators, "usage_checks",
                        [lambda ind, level=None: "Masih dipakai 2 butir laporan."])
    response = client.post(f"/admin/cycles/indicators/{indicator.id}/delete",
                           follow_redirects=True)
    assert "Masih dipakai 2 butir laporan." in body(response)
    db.session.expire_all()
    assert db.session.get(Indicator, indicator.id) is not None


def test_import_a_corrected_file_into_an_existing_cycle(client, staff, cycle):
    data = read("iid-2026.yaml")
    data["indicators"][0]["weight"] = "1,5"
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    response = client.post(f"/admin/cycles/{cycle.id}/import",
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(raw), "iid-2026.yaml")})
    assert response.status_code == 302, body(response)[:3000]
    db.session.expire_all()
    assert the("SPD-01").weight == Decimal("1.50")
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 40
    assert db.session.scalar(select(func.count()).select_from(PredicateBand)) == 4
    event = events("catalogue_loaded")[-1]
    assert event.actor_id == staff.id and event.changes["SPD-01.weight"] == ["1.00", "1.50"]


def test_indicators_with_report_items_cannot_lose_what_the_items_use(client, staff, cycle):
    from clinic.reporting.models import ReportItem
    from clinic.reporting.services import ensure_spd_items

    ensure_spd_items(cycle)
    item = db.session.scalars(select(ReportItem).where(
        ReportItem.indicator_id == the("SPD-02a").id)).one()
    item.level = 3
    db.session.commit()
    indicator = the("SPD-01")
    response = client.post(f"/admin/cycles/indicators/{indicator.id}/delete",
                           follow_redirects=True)
    assert "Indikator SPD-01 masih dipakai 1 butir laporan" in body(response)
    indicator = the("SPD-02a")
    response = client.post(f"/admin/cycles/indicators/{indicator.id}",
                           data=indicator_form(indicator, remove_top="y"))
    assert response.status_code == 200
    assert "Tingkat 3 ke atas masih dipilih di 1 butir laporan" in body(response)
    response = client.post(f"/admin/cycles/indicators/{indicator.id}",
                           data=indicator_form(indicator, aspect="SID"))
    assert "masih dipakai 1 butir laporan" in body(response)
    response = client.post(f"/admin/cycles/indicators/{indicator.id}",
                           data=indicator_form(indicator, weight="1,25"))
    assert response.status_code == 302  # other corrections stay possible
    db.session.expire_all()
    assert len(the("SPD-02a").levels) == 3 and the("SPD-02a").aspect == "SPD"
    assert the("SPD-01") is not None


def test_values_quoted_in_messages_are_escaped(client, staff, cycle):
    data = read("iid-2026.yaml")
    data["indicators"][0]["weight"] = "<b>tebal</b>"
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    page = body(client.post(f"/admin/cycles/{cycle.id}/import", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(raw), "x.yaml")}))
    assert "&lt;b&gt;tebal&lt;/b&gt;" in page and "<b>tebal</b>" not in page
    page = body(client.post(f"/admin/cycles/{cycle.id}/", data=cycle_form(
        cycle, **{"bands-0-name": "<i>x</i>", "bands-1-name": "<i>x</i>"})))
    assert "&lt;i&gt;x&lt;/i&gt;" in page and "<i>x</i>" not in page


def test_create_form_tolerates_tampered_choices(client, staff, cycle):
    response = client.post("/admin/cycles/new", data={
        "year": "2027", "source": "hack", "copy_from": "abc"})
    page = body(response)
    assert response.status_code == 200
    assert "Pilih salah satu pilihan yang tersedia." in page
    assert "Invalid Choice" not in page and "Not a valid choice" not in page
    response = client.post("/admin/cycles/new", data={
        "year": "2027", "source": "copy", "copy_from": "987654"})
    assert "Pilih siklus yang akan disalin." in body(response)
    response = client.post(f"/admin/cycles/{cycle.id}/", data=cycle_form(
        cycle, timezone="Europe/Paris"))
    assert "Pilih salah satu pilihan yang tersedia." in body(response)
    assert db.session.scalar(select(func.count()).select_from(Cycle)) == 1


# ---------------------------------------------------------------- amplified error messages

def _nested_aliases(levels=6):
    """A 'billion laughs' file: each level holds nine aliases of the one before."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"[:levels + 1]
    for before, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{before}"] * 9) + "]")
    lines.append(f"format: *{names[-1]}")
    lines.append(f"cycle: {{year: *{names[-1]}, name: *{names[-1]}}}")
    return ("\n".join(lines) + "\n").encode()


def _import(client, cycle, raw):
    return client.post(f"/admin/cycles/{cycle.id}/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(raw), "x.yaml")})


def test_nested_yaml_aliases_are_refused_with_a_small_page(client, staff, cycle):
    raw = _nested_aliases()
    assert len(raw) < 400
    response = _import(client, cycle, raw)
    assert response.status_code == 200
    assert len(response.get_data()) < 30_000
    assert "alias" in body(response) and "lol" not in body(response)
    response = client.post("/admin/cycles/new", content_type="multipart/form-data", data={
        "year": "2027", "source": "file", "file": (io.BytesIO(raw), "x.yaml")})
    assert response.status_code == 200 and len(response.get_data()) < 30_000
    assert db.session.scalar(select(func.count()).select_from(Cycle)) == 1


def test_long_values_are_cut_in_the_messages_of_an_import(client, staff, cycle):
    data = read("iid-2026.yaml")
    data["indicators"][0]["weight"] = "W" * 10_000
    data["indicators"][1]["code"] = "K" * 10_000
    data["cycle"]["timezone"] = "Z" * 10_000
    response = _import(client, cycle, yaml.safe_dump(data, allow_unicode=True).encode())
    page = body(response)
    assert response.status_code == 200 and "tidak ada yang diubah" in page
    assert len(page) < 60_000
    for cut in ("W" * 40 + "…", "K" * 40 + "…", "Z" * 40 + "…"):
        assert cut in page, cut
    assert "W" * 100 not in page and "K" * 100 not in page and "Z" * 100 not in page


def test_a_file_with_thousands_of_problems_lists_the_first_and_counts_the_rest(client, staff,
                                                                               cycle):
    raw = yaml.safe_dump({"format": services.FORMAT, "indicators": [1] * 20_000}).encode()
    page = body(_import(client, cycle, raw))
    assert "Indikator ke-1:" in page and "Indikator ke-20000:" not in page
    assert "masalah lainnya" in page
    assert len(page) < 60_000
