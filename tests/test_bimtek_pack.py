"""Issue 13, records: the accountability pack (berkas SPJ) of an event: one ZIP for staff with
every part, an XLSX safe against formula injection, and a manifest whose checksums match."""
import hashlib
import io
import zipfile
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from clinic.bimtek.models import Certificate, EventFinding, EventPhoto
from clinic.bimtek.services.pack import build_pack, slug
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from tests.bimtek_records_world import columns, image_bytes, make_held_event, stored

EVIL = '=HYPERLINK("http://evil.example","klik")'


@pytest.fixture
def held(app, uploads_dir, make_bimtek, make_user, make_skpd):
    found = make_held_event(make_bimtek, make_user, make_skpd,
                            names=["Rina Wulandari", EVIL, "Budi Santoso"])
    photos = [EventPhoto(event_id=found.event.id, caption=f"Sesi {n}",
                         **columns(*stored(image_bytes("JPEG", color=c), f"{n}.jpg")))
              for n, c in ((1, "red"), (2, "green"))]
    finding = EventFinding(event_id=found.event.id, skpd_id=found.skpd_a.id,
                           text="Profil inovasi belum lengkap")
    db.session.add_all([*photos, finding])
    issued = Certificate(participant_id=found.people[0].id, skpd_id=found.skpd_a.id,
                         code="KODE-SAH-1", name="Rina Wulandari")
    old = Certificate(participant_id=found.people[1].id, skpd_id=found.skpd_a.id,
                      code="KODE-LAMA-2", name="Nama Lama",
                      replaced_at=datetime(2026, 7, 20, tzinfo=timezone.utc))
    db.session.add_all([issued, old])
    db.session.commit()
    found.photos, found.finding, found.issued, found.old = photos, finding, issued, old
    return found


def _pack(client, url, event):
    response = client.get(url("bimtek.pack", event_id=event.id))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return zipfile.ZipFile(io.BytesIO(response.data))


def _pdf_text(archive, name):
    reader = PdfReader(io.BytesIO(archive.read(name)))
    return " ".join(page.extract_text() for page in reader.pages)


def test_pack_holds_every_part(held, login, url):
    archive = _pack(login(held.staff), url, held.event)
    names = archive.namelist()
    assert "02-susunan-acara.pdf" in names and "05-notulen-dan-temuan.pdf" in names
    assert "04-peserta-dan-kehadiran.xlsx" in names and names[-1] == "daftar-isi.txt"
    assert [n for n in names if n.startswith("06-foto/")] == ["06-foto/001-sesi-1.jpg",
                                                              "06-foto/002-sesi-2.jpg"]
    assert archive.read("06-foto/002-sesi-2.jpg")[:3] == b"\xff\xd8\xff"
    assert archive.getinfo("06-foto/001-sesi-1.jpg").compress_type == zipfile.ZIP_STORED
    agenda = _pdf_text(archive, "02-susunan-acara.pdf")
    assert "SUSUNAN ACARA" in agenda and "Kebijakan inovasi" in agenda
    assert "Narasumber BRIN" in agenda
    findings = _pdf_text(archive, "05-notulen-dan-temuan.pdf")
    assert "Profil inovasi belum lengkap" in findings and "Dinas Kesehatan" in findings
    assert "01-surat-undangan.pdf" in names
    letter = _pdf_text(archive, "01-surat-undangan.pdf")
    assert "Dinas Kesehatan" in letter and "Dinas Pendidikan" in letter
    days = [n for n in names if n.startswith("03-daftar-hadir-")]
    assert days == [f"03-daftar-hadir-hari-{n}-{d.day_on.isoformat()}.pdf"
                    for n, d in enumerate(held.event.days, 1)]
    assert "Rina Wulandari" in _pdf_text(archive, days[0])
    assert "Budi Santoso" in _pdf_text(archive, days[1])
    # The issued certificate only: the replaced one gave way to its new code.
    certificates = [n for n in names if n.startswith("07-sertifikat/")]
    assert certificates == ["07-sertifikat/001-rina-wulandari.pdf"]
    certificate = _pdf_text(archive, certificates[0])
    assert "Rina Wulandari" in certificate and "KODE-SAH-1" in certificate


def test_manifest_checksums_match(held, login, url):
    archive = _pack(login(held.staff), url, held.event)
    lines = archive.read("daftar-isi.txt").decode().splitlines()
    entries = [line.split("  ") for line in lines if len(line.split("  ")) == 3
               and len(line.split("  ")[0]) == 64]
    listed = {name for _d, _s, name in entries}
    assert listed == set(archive.namelist()) - {"daftar-isi.txt"}
    for digest, size, name in entries:
        data = archive.read(name)
        assert hashlib.sha256(data).hexdigest() == digest and len(data) == int(size)
    photo = held.photos[0]
    assert any(d == photo.sha256 for d, _s, _n in entries)  # the stored file, unchanged


def test_xlsx_names_attendance_and_formula_safety(held, login, url):
    archive = _pack(login(held.staff), url, held.event)
    book = load_workbook(io.BytesIO(archive.read("04-peserta-dan-kehadiran.xlsx")))
    assert book.sheetnames == ["Peserta", "Kehadiran"]
    peserta, kehadiran = book["Peserta"], book["Kehadiran"]
    assert peserta.freeze_panes == "A2" and kehadiran.freeze_panes == "A2"
    assert peserta.column_dimensions["B"].width == 32
    assert [c.value for c in peserta[1]][:5] == ["No", "Nama", "NIP", "Jabatan",
                                                 "Perangkat Daerah"]
    names = [row[1].value for row in peserta.iter_rows(min_row=2)]
    assert sorted(names) == sorted(["Rina Wulandari", EVIL, "Budi Santoso"])
    evil = next(row[1] for row in peserta.iter_rows(min_row=2) if row[1].value == EVIL)
    assert evil.data_type == "s" and evil.quotePrefix  # text, never a formula
    # No formula anywhere in the raw sheet XML either.
    raw = zipfile.ZipFile(io.BytesIO(archive.read("04-peserta-dan-kehadiran.xlsx")))
    assert not any(b"<f>" in raw.read(n) for n in raw.namelist() if n.startswith("xl/worksheets"))
    rows = {row[1].value: [c.value for c in row] for row in kehadiran.iter_rows(min_row=2)}
    assert rows["Rina Wulandari"][3:] == ["Hadir 08.12", "Hadir 08.12", 2]
    assert rows[EVIL][3:] == ["Hadir 08.12", "Tidak hadir", 1]
    assert rows["Budi Santoso"][3:] == ["Tidak hadir", "Tidak hadir", 0]


def test_pack_is_staff_only(held, login, url, make_user, client):
    path = url("bimtek.pack", event_id=held.event.id)
    for user in (held.contact_a, held.trainer):
        assert login(user).get(path).status_code == 404
    assert client.get(path).status_code == 302
    assert login(make_user("admin")).get(path).status_code == 200


def test_missing_photo_is_noted_not_a_failure(held, uploads_dir, app):
    (uploads_dir / held.photos[0].stored_name).unlink()
    target = build_pack(held.event, app.config["UPLOAD_FOLDER"])
    try:
        assert target.fileno() >= 0  # a temporary file on disk, not bytes in memory
        archive = zipfile.ZipFile(target)
        assert [n for n in archive.namelist() if n.startswith("06-")] == [
            "06-foto/002-sesi-2.jpg"]
        assert "06 Foto 1: berkas tidak ditemukan" in archive.read("daftar-isi.txt").decode()
    finally:
        target.close()


def test_finding_task_number_in_findings_pdf(held, login, url):
    task = FollowUpTask(skpd_id=held.skpd_a.id, title="Lengkapi profil", source="event",
                        event_id=held.event.id)
    db.session.add(task)
    db.session.flush()
    held.finding.task_id = task.id
    db.session.commit()
    archive = _pack(login(held.staff), url, held.event)
    assert f"#{task.id}" in _pdf_text(archive, "05-notulen-dan-temuan.pdf")


def test_slug():
    assert slug("Foto Pembukaan: Wakil Wali Kota!") == "foto-pembukaan-wakil-wali-kota"
    assert slug("") == "berkas" and slug("Çakra") == "cakra"


def test_notes_are_staff_only_and_filed_in_the_pack(held, login, url):
    staff = login(held.staff)
    page = url("bimtek.findings_page", event_id=held.event.id)
    save = url("bimtek.notes_save", event_id=held.event.id)
    response = staff.post(save, data={"notes": "Dibuka **Wakil Wali Kota**.\n\n<script>x</script>"})
    assert response.status_code == 302
    html = staff.get(page).get_data(as_text=True)
    assert "<strong>Wakil Wali Kota</strong>" in html and "<script>x" not in html
    assert staff.post(save, data={"notes": "x" * 20001}).status_code == 400
    assert db.session.get(type(held.event), held.event.id).notes.startswith("Dibuka")
    findings = _pdf_text(_pack(staff, url, held.event), "05-notulen-dan-temuan.pdf")
    assert "Wakil Wali Kota" in findings and "Profil inovasi belum lengkap" in findings
    contact = login(held.contact_a)
    assert "Wakil Wali Kota" not in contact.get(page).get_data(as_text=True)
    assert contact.post(save, data={"notes": "Diubah"}).status_code == 403
