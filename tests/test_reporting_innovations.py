"""Innovation pages: list, profile form, detail, conflicts, "submit again" and profile documents."""
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import event, func, select, update

from clinic.audit import AuditEvent
from clinic.catalogue.services import load_catalogue
from clinic.extensions import db
from clinic.reporting import queries
from clinic.reporting.models import Innovation, InnovationDocument, ItemStatus
from clinic.reporting.services import (
    add_link, create_innovation, save_item, submit_item, verify_item,
)

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LONG_DESIGN = " ".join(["kata"] * 320)


@pytest.fixture(autouse=True)
def unlink_copies(app):
    """Clear innovations.previous_id before conftest empties the tables.

    MariaDB checks the self-referencing foreign key row by row, so a plain DELETE FROM innovations
    fails when a copy still points at its original.
    """
    yield
    db.session.rollback()
    db.session.execute(update(Innovation).values(previous_id=None))
    db.session.commit()


@pytest.fixture
def old_cycle(app, cycle):
    data = yaml.safe_load((CATALOGUE / "iid-2023.yaml").read_text(encoding="utf-8"))
    old = load_catalogue(data, 2023)
    db.session.commit()
    return old


@pytest.fixture
def folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def contact(make_user, make_skpd):
    return make_user(role="contact", skpd=make_skpd(code="DINKES", name="Dinas Kesehatan"))


@pytest.fixture
def other_contact(make_user, make_skpd):
    return make_user(role="contact", skpd=make_skpd(code="DISDIK", name="Dinas Pendidikan"))


@pytest.fixture
def innovation(cycle, contact):
    inn = create_innovation(contact.skpd, cycle, {
        "name": "Sistem Antrean Puskesmas Rahasia", "main_urusan": "Kesehatan",
        "implemented_on": date(2024, 6, 1), "design_text": LONG_DESIGN,
    }, contact)
    db.session.commit()
    return inn


def login(app, auth_cls, user):
    """A fresh client logged in as ``user`` (for tests with two people at once)."""
    client = app.test_client()
    auth_cls(client).login_as(user)
    return client


def profile(**overrides):
    data = {
        "name": "Layanan Antar Obat", "stage": "penerapan", "initiator_kind": "asn",
        "initiator_name": "dr. Sari", "jenis": "digital", "bentuk": "pelayanan_publik",
        "main_urusan": "Kesehatan", "related_urusan": ["Sosial", "Komunikasi dan Informatika"],
        "trial_on": "2024-01-15", "implemented_on": "2024-06-01", "developed_on": "",
        "development_note": "", "design_text": "Rancang bangun singkat", "goals": "Obat sampai",
        "benefits": "Pasien tidak antre", "results": "500 pasien", "budget_amount": "1.500.000",
    }
    data.update(overrides)
    return data


def count_innovations():
    return db.session.scalar(select(func.count()).select_from(Innovation))


# -- create -----------------------------------------------------------------------------------

def test_contact_creates_an_innovation_with_its_items(client, auth, cycle, contact):
    auth.login_as(contact)
    page = client.get("/innovations/new")
    assert page.status_code == 200
    assert 'name="skpd_id"' not in page.get_data(as_text=True)
    response = client.post("/innovations/new", data=profile())
    assert response.status_code == 302
    innovation = db.session.scalars(select(Innovation)).one()
    assert response.headers["Location"].endswith(f"/innovations/{innovation.id}")
    assert (innovation.skpd_id, innovation.cycle_id) == (contact.skpd_id, cycle.id)
    assert innovation.created_by_id == contact.id
    assert innovation.budget_amount == Decimal(1500000)
    assert innovation.is_digital and innovation.form == "pelayanan_publik"
    assert innovation.related_urusan == ["Sosial", "Komunikasi dan Informatika"]
    assert innovation.trial_on == date(2024, 1, 15)
    assert len(innovation.items) == 20
    assert {item.skpd_id for item in innovation.items} == {contact.skpd_id}
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "innovation_created")).object_id == str(innovation.id)
    # Soft checks never block saving; they show on the detail page.
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rancang bangun baru 3 kata; minimal 300 kata." in detail
    assert "Rp 1.500.000" in detail


def test_validation_errors_keep_the_input(client, auth, cycle, contact):
    auth.login_as(contact)
    response = client.post("/innovations/new", data=profile(
        name="", trial_on="2025-03-01", implemented_on="2024-06-01", developed_on="2024-13-45",
        budget_amount="1,5 juta", goals="Tujuan yang sudah saya ketik"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nama inovasi wajib diisi." in body
    assert "Waktu penerapan tidak boleh sebelum waktu uji coba." in body
    assert "Tanggal tidak valid" in body
    assert "Isi anggaran dalam Rupiah" in body
    assert "Tujuan yang sudah saya ketik" in body and 'value="1,5 juta"' in body
    assert count_innovations() == 0


def test_no_current_cycle_is_explained_and_nothing_is_saved(client, auth, cycle, contact):
    cycle.is_current = False
    db.session.commit()
    auth.login_as(contact)
    response = client.post("/innovations/new", data=profile())
    assert response.status_code == 200
    assert "Belum ada siklus berjalan" in response.get_data(as_text=True)
    assert count_innovations() == 0


def test_mass_assignment_is_ignored(client, auth, cycle, old_cycle, contact, other_contact):
    auth.login_as(contact)
    response = client.post("/innovations/new", data=profile(
        skpd_id=other_contact.skpd_id, cycle_id=old_cycle.id, created_by_id=other_contact.id,
        previous_id=999, version_id=""))
    assert response.status_code == 302
    innovation = db.session.scalars(select(Innovation)).one()
    assert innovation.skpd_id == contact.skpd_id
    assert innovation.cycle_id == cycle.id
    assert innovation.created_by_id == contact.id and innovation.previous_id is None
    # The same on edit: the SKPD and cycle of a saved innovation do not move.
    client.post(f"/innovations/{innovation.id}/edit", data=profile(
        name="Baru", skpd_id=other_contact.skpd_id, cycle_id=old_cycle.id))
    db.session.expire_all()
    assert (innovation.name, innovation.skpd_id, innovation.cycle_id) == (
        "Baru", contact.skpd_id, cycle.id)
    assert {item.skpd_id for item in innovation.items} == {contact.skpd_id}


def test_staff_chooses_the_skpd(client, auth, cycle, make_user, contact):
    staff = make_user(role="staff")
    auth.login_as(staff)
    assert 'name="skpd_id"' in client.get("/innovations/new").get_data(as_text=True)
    missing = client.post("/innovations/new", data=profile())
    assert "Pilih Perangkat Daerah pemilik inovasi." in missing.get_data(as_text=True)
    response = client.post("/innovations/new", data=profile(skpd_id=contact.skpd_id))
    assert response.status_code == 302
    innovation = db.session.scalars(select(Innovation)).one()
    assert innovation.skpd_id == contact.skpd_id and innovation.created_by_id == staff.id


def test_trainer_reads_but_does_not_create(client, auth, cycle, make_user, innovation):
    auth.login_as(make_user(role="trainer"))
    assert client.get("/innovations/").status_code == 200
    assert client.get("/innovations/new").status_code == 403
    assert client.get(f"/innovations/{innovation.id}").status_code == 404  # empty scope for now


# -- isolation --------------------------------------------------------------------------------

def _stored_document(innovation, folder, client):
    client.post(f"/innovations/{innovation.id}/documents",
                data={"kind": "anggaran", "file": (io.BytesIO(PDF), "rahasia-anggaran.pdf")})
    return db.session.scalars(select(InnovationDocument)).one()


@pytest.mark.parametrize("method, path, data", [
    ("GET", "/innovations/{i}", None),
    ("GET", "/innovations/{i}/edit", None),
    ("POST", "/innovations/{i}/edit", "profile"),
    ("GET", "/innovations/{i}/resubmit", None),
    ("POST", "/innovations/{i}/resubmit", {"development_note": "Versi baru"}),
    ("POST", "/innovations/{i}/documents", "file"),
    ("GET", "/innovations/{i}/documents/{d}", None),
    ("HEAD", "/innovations/{i}/documents/{d}", None),
    ("POST", "/innovations/{i}/documents/{d}/remove", {}),
])
def test_contact_of_another_skpd_gets_404(app, client, auth, innovation, contact, other_contact,
                                          folder, old_cycle, method, path, data):
    innovation.cycle = old_cycle  # so that "submit again" would be possible for its own SKPD
    db.session.commit()
    owner = login(app, type(auth), contact)
    document = _stored_document(innovation, folder, owner)
    before = (innovation.name, innovation.version_id, count_innovations())
    auth.login_as(other_contact)
    if data == "profile":
        data = profile(name="Diambil alih", version_id=innovation.version_id)
    elif data == "file":
        data = {"kind": "haki", "file": (io.BytesIO(PDF), "b.pdf")}
    response = client.open(path.format(i=innovation.id, d=document.id), method=method, data=data)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Antrean Puskesmas Rahasia" not in body and "rahasia-anggaran" not in body
    db.session.expire_all()
    assert (innovation.name, innovation.version_id, count_innovations()) == before
    assert db.session.scalar(select(func.count()).select_from(InnovationDocument)) == 1
    assert (folder / document.stored_name).is_file()
    assert len(list(folder.iterdir())) == 1


def test_contact_list_shows_only_their_own_skpd(client, auth, cycle, innovation, other_contact):
    create_innovation(other_contact.skpd, cycle, {"name": "Inovasi Dinas Lain"}, other_contact)
    db.session.commit()
    auth.login_as(other_contact)
    body = client.get(f"/innovations/?skpd={innovation.skpd_id}").get_data(as_text=True)
    assert "Inovasi Dinas Lain" in body and "Antrean Puskesmas" not in body
    assert "Inovasi Perangkat Daerah Anda" in body


def test_staff_sees_all_and_filters_by_skpd(client, auth, cycle, innovation, other_contact,
                                           make_user):
    create_innovation(other_contact.skpd, cycle, {"name": "Inovasi Dinas Lain"}, other_contact)
    db.session.commit()
    auth.login_as(make_user(role="staff"))
    body = client.get("/innovations/").get_data(as_text=True)
    assert "Inovasi Dinas Lain" in body and "Antrean Puskesmas" in body
    body = client.get(f"/innovations/?skpd={other_contact.skpd_id}").get_data(as_text=True)
    assert "Inovasi Dinas Lain" in body and "Antrean Puskesmas" not in body
    body = client.get("/innovations/?q=antrean").get_data(as_text=True)
    assert "Inovasi Dinas Lain" not in body and "Antrean Puskesmas" in body
    body = client.get("/innovations/?stage=uji_coba").get_data(as_text=True)
    assert "Tidak ada inovasi yang cocok" in body


# -- list figures -----------------------------------------------------------------------------

def _fill(innovation, contact, staff, codes_verified=(), codes_submitted=(), codes_draft=()):
    items = {item.indicator.code: item for item in innovation.items}
    for code in (*codes_verified, *codes_submitted, *codes_draft):
        save_item(items[code], 2, None, contact)
        add_link(items[code], "https://example.go.id/bukti", contact)
    for code in (*codes_verified, *codes_submitted):
        submit_item(items[code], contact)
    for code in codes_verified:
        verify_item(items[code], staff)


def test_list_figures_match_the_scoring_service(client, auth, cycle, innovation, contact,
                                                make_user):
    staff = make_user(role="staff")
    _fill(innovation, contact, staff, codes_verified=("SID-16", "SID-17"),
          codes_submitted=("SID-18",), codes_draft=("SID-19",))
    save_item(next(i for i in innovation.items if i.indicator.code == "SID-20"), 3, None, contact)
    db.session.commit()
    figures = queries.innovation_figures([innovation.id])[innovation.id]
    summary = queries.innovation_summary(innovation)
    assert (figures.total, figures.with_evidence, figures.submitted, figures.verified) == (
        20, 4, 1, 2)
    assert figures.claimed_points == summary["claimed_points"] > figures.verified_points
    assert figures.verified_points == summary["verified_points"] > 0
    auth.login_as(contact)
    body = client.get("/innovations/").get_data(as_text=True)
    assert "4 dari 20 butir ada data pendukung" in body
    assert "1 diajukan" in body and "2 terverifikasi" in body
    number = f"{summary['claimed_points']:.2f}".replace(".", ",")
    assert number in body


def test_completeness_filter(client, auth, cycle, innovation, contact, make_user):
    staff = make_user(role="staff")
    empty = create_innovation(contact.skpd, cycle, {"name": "Inovasi Kosong"}, contact)
    _fill(innovation, contact, staff, codes_draft=("SID-16",))
    db.session.commit()
    auth.login_as(contact)
    body = client.get("/innovations/?completeness=empty").get_data(as_text=True)
    assert "Inovasi Kosong" in body and "Antrean Puskesmas" not in body
    body = client.get("/innovations/?completeness=incomplete").get_data(as_text=True)
    assert "Inovasi Kosong" in body and "Antrean Puskesmas" in body
    for item in empty.items:
        add_link(item, "https://example.go.id/x", contact)
    db.session.commit()
    body = client.get("/innovations/?completeness=complete").get_data(as_text=True)
    assert "Inovasi Kosong" in body and "Antrean Puskesmas" not in body


@pytest.mark.parametrize("role", ["contact", "staff"])
def test_list_query_count_does_not_grow(client, auth, cycle, contact, make_user, role):
    staff = make_user(role="staff")
    viewer = contact if role == "contact" else staff

    def add(n):
        start = count_innovations()
        for k in range(start, start + n):
            inn = create_innovation(contact.skpd, cycle, {"name": f"Inovasi {k:02d}",
                                                          "main_urusan": "Kesehatan"}, contact)
            _fill(inn, contact, staff, codes_verified=("SID-16",), codes_draft=("SID-17",))
        db.session.commit()

    def count_queries():
        db.session.expire_all()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get("/innovations/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        return response.get_data(as_text=True), len(statements)

    auth.login_as(viewer)
    add(2)
    body, few = count_queries()
    assert body.count("/innovations/") >= 2
    add(6)
    body, many = count_queries()
    assert "Inovasi 07" in body
    assert many == few


def test_empty_state_invites_the_first_innovation(client, auth, cycle, contact):
    auth.login_as(contact)
    body = client.get("/innovations/").get_data(as_text=True)
    assert "Belum ada inovasi. Tambahkan inovasi pertama Perangkat Daerah Anda." in body
    assert 'href="/innovations/new"' in body


def test_list_switches_cycle(client, auth, old_cycle, innovation, contact):
    old = create_innovation(contact.skpd, old_cycle, {"name": "Inovasi Lama"}, contact)
    db.session.commit()
    auth.login_as(contact)
    body = client.get("/innovations/").get_data(as_text=True)
    assert "Antrean Puskesmas" in body and "Inovasi Lama" not in body
    body = client.get("/innovations/?cycle=2023").get_data(as_text=True)
    assert "Inovasi Lama" in body and "Antrean Puskesmas" not in body
    assert f"/innovations/{old.id}" in body


# -- detail, edit, conflict -------------------------------------------------------------------

def test_detail_shows_items_points_problems_and_mandatory_gaps(client, auth, innovation,
                                                               contact, make_user):
    _fill(innovation, contact, make_user(role="staff"), codes_verified=("SID-16",))
    db.session.commit()
    auth.login_as(contact)
    body = client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    item = next(i for i in innovation.items if i.indicator.code == "SID-16")
    assert f'href="/items/{item.id}"' in body
    assert "Terverifikasi" in body and "status-verified" in body
    assert "Wajib" in body
    assert "Indikator wajib yang belum terverifikasi" in body and "SID-17" in body
    assert "Data wajib belum diisi: tujuan, manfaat, hasil." in body
    assert "320 kata (minimal 300)" in body
    assert "Ajukan ulang di siklus berjalan" not in body  # already in the current cycle


def test_second_editor_gets_a_conflict_and_loses_nothing(app, auth, innovation, contact,
                                                         make_user):
    first = login(app, type(auth), contact)
    second = login(app, type(auth), make_user(role="staff"))
    url = f"/innovations/{innovation.id}/edit"
    pages = [c.get(url).get_data(as_text=True) for c in (first, second)]
    versions = [re.search(r'name="version_id" type="hidden" value="(\d+)"', p).group(1)
                for p in pages]
    assert versions[0] == versions[1] == str(innovation.version_id)
    assert first.post(url, data=profile(name="Nama dari pertama", version_id=versions[0])
                      ).status_code == 302
    response = second.post(url, data=profile(name="Nama dari kedua", goals="Tujuan kedua",
                                             version_id=versions[1]))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "telah diubah oleh pengguna lain" in body
    assert 'value="Nama dari kedua"' in body and "Tujuan kedua" in body  # input kept
    assert "Nama dari pertama" in body  # the saved version is shown beside it
    db.session.expire_all()
    assert innovation.name == "Nama dari pertama"
    # Saving again from the conflict page knowingly replaces the newer version.
    new_version = re.search(r'name="version_id" type="hidden" value="(\d+)"', body).group(1)
    assert new_version == str(innovation.version_id)
    assert second.post(url, data=profile(name="Nama dari kedua", version_id=new_version)
                       ).status_code == 302
    db.session.expire_all()
    assert innovation.name == "Nama dari kedua"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "innovation_updated")) == 2


def test_edit_form_shows_the_saved_profile(client, auth, innovation, contact):
    innovation.budget_amount = Decimal(2500000)
    innovation.related_urusan = ["Sosial"]
    db.session.commit()
    auth.login_as(contact)
    body = client.get(f"/innovations/{innovation.id}/edit").get_data(as_text=True)
    assert 'value="2.500.000"' in body
    assert '<option selected value="Sosial">' in body
    assert "Tersimpan: 320 kata." in body


# -- submit again -----------------------------------------------------------------------------

def test_submit_again_copies_into_the_current_cycle(client, auth, cycle, old_cycle, contact):
    old = create_innovation(contact.skpd, old_cycle, {"name": "Inovasi 2023",
                                                      "main_urusan": "Kesehatan"}, contact)
    db.session.commit()
    auth.login_as(contact)
    detail = client.get(f"/innovations/{old.id}").get_data(as_text=True)
    assert f'href="/innovations/{old.id}/resubmit"' in detail
    url = f"/innovations/{old.id}/resubmit"
    form = client.get(url)
    assert form.status_code == 200
    # Like a new one, the copy enters the claimed index's divisor at once: the page says so.
    assert "Inovasi baru langsung masuk hitungan indeks kota." in form.get_data(as_text=True)
    refused = client.post(url, data={"development_note": "   "})
    assert "Jelaskan pengembangan inovasi" in refused.get_data(as_text=True)
    response = client.post(url, data={"development_note": "Kini terhubung ke SATUSEHAT"})
    assert response.status_code == 302
    copy = db.session.scalars(select(Innovation).where(Innovation.cycle_id == cycle.id)).one()
    assert response.headers["Location"].endswith(f"/innovations/{copy.id}")
    assert (copy.previous_id, copy.name, copy.skpd_id) == (old.id, "Inovasi 2023", old.skpd_id)
    assert copy.development_note == "Kini terhubung ke SATUSEHAT"
    assert len(copy.items) == 20 and all(i.status == ItemStatus.EMPTY for i in copy.items)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "innovation_resubmitted")).object_id == str(copy.id)
    # A second copy is refused with a message, and the old page links to the copy.
    again = client.post(url, data={"development_note": "Lagi"}, follow_redirects=True)
    assert "sudah diajukan ulang pada siklus 2026" in again.get_data(as_text=True)
    assert count_innovations() == 2
    assert f'href="/innovations/{copy.id}"' in again.get_data(as_text=True)


def test_an_innovation_of_the_current_cycle_cannot_be_submitted_again(client, auth, innovation,
                                                                      contact):
    auth.login_as(contact)
    response = client.post(f"/innovations/{innovation.id}/resubmit",
                           data={"development_note": "x"}, follow_redirects=True)
    assert "sudah terdaftar pada siklus 2026" in response.get_data(as_text=True)
    assert count_innovations() == 1


# -- profile documents ------------------------------------------------------------------------

def test_document_upload_download_and_remove(client, auth, innovation, contact, folder):
    auth.login_as(contact)
    response = client.post(f"/innovations/{innovation.id}/documents", data={
        "kind": "anggaran", "file": (io.BytesIO(PDF), "Anggaran 2025.PDF")})
    assert response.status_code == 302
    document = db.session.scalars(select(InnovationDocument)).one()
    assert (document.kind, document.content_type, document.size) == (
        "anggaran", "application/pdf", len(PDF))
    assert (folder / document.stored_name).read_bytes() == PDF
    assert document.stored_name != "Anggaran 2025.PDF"
    url = f"/innovations/{innovation.id}/documents/{document.id}"
    assert url in client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"
    assert client.head(url).status_code == 200
    removed = client.post(f"{url}/remove")
    assert removed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(InnovationDocument)) == 0
    assert list(folder.iterdir()) == []
    actions = set(db.session.scalars(select(AuditEvent.action)).all())
    assert {"innovation_document_uploaded", "innovation_document_removed"} <= actions


@pytest.mark.parametrize("name, body", [
    ("laporan.pdf", b"<html><script>alert(1)</script></html>"),
    ("kosong.pdf", b""),
    ("gambar.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
])
def test_rejected_document_stores_nothing(client, auth, innovation, contact, folder, name, body):
    auth.login_as(contact)
    response = client.post(f"/innovations/{innovation.id}/documents", data={
        "kind": "haki", "file": (io.BytesIO(body), name)})
    assert response.status_code == 200
    assert "Berkas ditolak" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(InnovationDocument)) == 0
    assert not folder.exists() or list(folder.iterdir()) == []


def test_document_of_another_innovation_is_not_served(client, auth, cycle, innovation, contact,
                                                      folder):
    auth.login_as(contact)
    document = _stored_document(innovation, folder, client)
    sibling = create_innovation(contact.skpd, cycle, {"name": "Lain"}, contact)
    db.session.commit()
    assert client.get(f"/innovations/{sibling.id}/documents/{document.id}").status_code == 404
    assert client.post(f"/innovations/{sibling.id}/documents/{document.id}/remove"
                       ).status_code == 404
    assert db.session.get(InnovationDocument, document.id) is not None

