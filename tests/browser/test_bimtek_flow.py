"""Issue 13's "Done when", end to end in Chromium: staff create a two-day Bimtek with an agenda
and invite three SKPDs with quotas; opening registration puts the invitation letter PDF and the
.ics in the outbox; a contact registers a participant and is stopped at the quota; staff open the
participant's QR check-in URL and mark them present; certificates are issued and verified by
code on the public page; the accountability pack (berkas SPJ) downloads with every part in it.

The app has no clock to move, and a QR code only counts on an event day (in the event's zone,
WITA by default), so the event's days are today and tomorrow there. A certificate needs every
day attended (the event sets no fewer), so day 2 is ticked on its list, as staff do from a
paper list.
"""
import base64
import io
import re
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import select

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.bimtek.models import Certificate, CheckIn, Participant
from clinic.bimtek.services import qr
from clinic.extensions import db
from clinic.outbox.models import Notification
from tests.browser.conftest import login

PASSWORD = "Rahasia-Kota-2026"
WITA = ZoneInfo("Asia/Makassar")  # the zone of a new event
TITLE = "Bimtek Alur Uji Inovasi Daerah"
SPEAKER = "Dr. Rina Hartati"
AGENDA_ITEM = "Strategi penyusunan profil inovasi"
PERSON = "Siti Rahmawati"
SECOND = "Budi Santoso"
CODE = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")


def _pdf_text(data):
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def flow(live_app):
    """Three SKPDs, each with a contact (the first with a head's address too), and staff."""
    with live_app.app_context():
        skpds = [Skpd(code=f"BTK{n}", name=f"Dinas Bimtek Uji {n}", short_name=f"Bimtek {n}",
                      head_email="kepala.btk1@example.test" if n == 1 else None)
                 for n in (1, 2, 3)]
        db.session.add_all(skpds)
        people = {}
        for key, role, unit in (("staff", "staff", None), ("contact1", "contact", skpds[0]),
                                ("contact2", "contact", skpds[1]),
                                ("contact3", "contact", skpds[2])):
            user = User(email=f"bimtek.{key}@example.test", name=f"Bimtek {key.title()}",
                        role=role, skpd=unit)
            user.set_password(PASSWORD)
            db.session.add(user)
            people[key] = user
        db.session.commit()
        return {"skpd_ids": [s.id for s in skpds], "skpd_names": [s.name for s in skpds],
                **{key: user.email for key, user in people.items()}}


def test_bimtek_flow(page_factory, live_app, flow):
    today = datetime.now(WITA).date()
    tomorrow = today + timedelta(days=1)

    # 1. Staff create a two-day event (a draft).
    staff = page_factory()
    login(staff, flow["staff"], PASSWORD)
    staff.goto("/bimtek/baru")
    staff.get_by_role("heading", name="Buat bimtek").wait_for()
    staff.get_by_label("Judul", exact=True).fill(TITLE)
    staff.get_by_label("Penyelenggara").fill("Bappeda Kota")
    staff.get_by_label("Ruang kantor").fill("Aula Bappeda")
    staff.get_by_label("Nomor surat undangan").fill("005/123/Bappeda")
    for n, day in enumerate((today, tomorrow)):
        staff.locator(f"[name='days-{n}-day_on']").fill(day.isoformat())
        staff.locator(f"[name='days-{n}-starts']").fill("08:00")
        staff.locator(f"[name='days-{n}-ends']").fill("16:00")
    staff.get_by_role("button", name="Simpan").click()
    staff.wait_for_url(re.compile(r"/bimtek/\d+$"))
    event_id = int(staff.url.rsplit("/", 1)[1])
    event_path = f"/bimtek/{event_id}"
    staff.get_by_text("Bimtek disimpan sebagai draf.").wait_for()
    assert TITLE in staff.get_by_role("heading", level=1).inner_text()

    # 2. An agenda item with an external speaker.
    staff.get_by_role("link", name="Agenda", exact=True).click()
    staff.wait_for_url(re.compile(rf"{event_path}/agenda$"))
    staff.get_by_label("Hari", exact=True).select_option(label=today.isoformat())
    staff.get_by_label("Mulai", exact=True).fill("09:00")
    staff.get_by_label("Selesai", exact=True).fill("11:00")
    staff.get_by_label("Acara", exact=True).fill(AGENDA_ITEM)
    staff.get_by_label("Narasumber luar").fill(f"{SPEAKER} | BRIN | Peneliti Ahli Utama")
    staff.get_by_role("button", name="Tambah", exact=True).click()
    staff.get_by_text("Acara ditambahkan ke agenda.").wait_for()
    row = staff.locator("table.bimtek-agenda tbody tr").filter(has_text=AGENDA_ITEM)
    assert f"{SPEAKER}, Peneliti Ahli Utama, BRIN" in row.inner_text()

    # 3. Three SKPDs invited: two with a quota of 10, the third with a quota of 1.
    staff.get_by_role("link", name="Kembali ke bimtek").click()
    staff.wait_for_url(re.compile(rf"{event_path}$"))
    invite = staff.locator(f"form[action='{event_path}/undangan']")
    for skpd_ids, quota in ((flow["skpd_ids"][:2], "10"), (flow["skpd_ids"][2:], "1")):
        invite.locator("select[name=skpds]").select_option([str(i) for i in skpd_ids])
        invite.get_by_label("Kuota peserta").fill(quota)
        invite.get_by_label("Batas pendaftaran (tanggal)").fill(tomorrow.isoformat())
        invite.get_by_label("Batas pendaftaran (jam)").fill("07:00")
        invite.get_by_role("button", name="Undang").click()
        staff.get_by_text(f"{len(skpd_ids)} Perangkat Daerah diundang.").wait_for()
        staff.get_by_text("E-mail undangan dikirim saat pendaftaran dibuka.").wait_for()
    invited = staff.locator("table.bimtek-invitations tbody tr")
    assert invited.count() == 3
    quotas = {r.locator("td").nth(0).inner_text().strip(): r.locator("td").nth(1).inner_text()
              for r in invited.all()}
    assert quotas == dict(zip(flow["skpd_names"], ["10", "10", "1"]))

    # 4. Registration opens: the invitation mail, with the letter and the .ics, is in the outbox.
    staff.get_by_role("button", name="Buka pendaftaran").click()
    staff.get_by_text("Status bimtek:").wait_for()
    assert staff.get_by_role("button", name="Tutup pendaftaran").is_visible()
    staff.goto(f"/admin/outbox/?kind=bimtek_invited&q={TITLE.replace(' ', '+')}")
    rows = staff.locator("tbody tr")
    expected = sorted([flow["contact1"], flow["contact2"], flow["contact3"],
                       "kepala.btk1@example.test"])
    assert sorted(r.strip() for r in rows.locator("td:nth-child(2)").all_inner_texts()) == expected
    assert all(f"Undangan bimtek: {TITLE}" in s
               for s in rows.locator("td:nth-child(3)").all_inner_texts())
    with live_app.app_context():
        invitations = db.session.scalars(select(Notification).where(
            Notification.kind == "bimtek_invited",
            Notification.dedupe_key.startswith(f"event:{event_id}:invited:"))).all()
        mailed = sorted(n.to_email for n in invitations)
        attachments = invitations[0].attachments
    assert mailed == expected
    files = {a["filename"]: a for a in attachments}
    assert set(files) == {f"surat-undangan-bimtek-{event_id}.pdf", "bimtek.ics"}
    letter = base64.b64decode(files[f"surat-undangan-bimtek-{event_id}.pdf"]["data"])
    assert letter.startswith(b"%PDF")
    assert "005/123/Bappeda" in _pdf_text(letter)
    cal = Calendar.from_ical(files["bimtek.ics"]["data"])
    assert str(cal["method"]) == "REQUEST"
    days = sorted(e.decoded("dtstart").astimezone(WITA).date() for e in cal.walk("VEVENT"))
    assert days == [today, tomorrow]
    assert staff.problems == []

    # 5. The contact of the SKPD with a quota of 1 registers one participant, then is stopped.
    contact = page_factory()
    login(contact, flow["contact3"], PASSWORD)
    contact.goto(event_path)
    contact.get_by_role("link", name="Daftarkan peserta", exact=True).click()
    contact.get_by_role("heading", name="Pendaftaran peserta").wait_for()

    def register(name, nip, email):
        contact.get_by_label("Nama", exact=True).fill(name)
        contact.get_by_label("NIP (opsional)").fill(nip)
        contact.get_by_label("Jabatan", exact=True).fill("Analis Kebijakan")
        contact.get_by_label("E-mail", exact=True).fill(email)
        contact.get_by_label("Nomor WhatsApp").fill("081234567890")
        contact.get_by_role("button", name="Daftarkan").click()

    register(PERSON, "198705122010012003", "siti.rahmawati@example.test")
    contact.get_by_text(f"{PERSON} terdaftar; konfirmasi dikirim ke e-mailnya.").wait_for()
    assert "Terdaftar 1 dari kuota 1 orang" in contact.locator(".bimtek-seats").inner_text()
    register(SECOND, "", "budi.santoso@example.test")
    refusal = contact.locator("main form").get_by_role("alert")
    refusal.wait_for()
    assert re.search(r"Kuota peserta .* sudah penuh \(1 orang\)", refusal.inner_text())
    assert contact.get_by_label("Nama", exact=True).input_value() == SECOND  # input kept
    assert "Terdaftar 1 dari kuota 1 orang" in contact.locator(".bimtek-seats").inner_text()
    # The refusal is answered 409, which Chromium logs as a failed load: nothing else.
    assert contact.problems == ["Failed to load resource: the server responded with a status "
                                "of 409 (CONFLICT)"]
    with live_app.app_context():
        people = db.session.scalars(select(Participant).where(
            Participant.skpd_id == flow["skpd_ids"][2])).all()
        assert [p.name for p in people] == [PERSON]
        participant_id = people[0].id
        confirmation = db.session.scalars(select(Notification).where(
            Notification.dedupe_key == f"event:{event_id}:registered:p{participant_id}")).one()
        assert {a["filename"] for a in confirmation.attachments} == {"bimtek.ics",
                                                                      qr.FILENAME}
        scan_url = qr.checkin_url(people[0])
    assert scan_url.startswith(live_app.config["BASE_URL"] + "/bimtek/hadir/")

    # 6. Staff open the scanned QR URL today (day 1) and confirm: the participant is present.
    staff.goto(scan_url)
    staff.get_by_role("heading", name="Catat kehadiran").wait_for()
    assert staff.get_by_text(PERSON, exact=True).is_visible()
    staff.get_by_role("button", name="Catat hadir").click()
    staff.get_by_text(f"{PERSON} tercatat hadir pukul").wait_for()
    assert f"{PERSON} sudah hadir pukul" in staff.locator(".bimtek-scan-done").inner_text()
    staff.get_by_role("link", name="Buka daftar hadir hari ini").click()
    present = staff.locator("table.bimtek-checkin tbody tr").filter(has_text=PERSON)
    assert re.search(r"Hadir \d\d\.\d\d", present.inner_text())
    assert staff.locator("[data-count=present]").inner_text() == "1"
    # Day 2 is ticked on its list (the QR code counts only today).
    staff.get_by_role("link", name="Hari 2").click()
    staff.get_by_role("heading", name="Daftar hadir hari 2").wait_for()
    staff.locator("table.bimtek-checkin tbody tr").filter(has_text=PERSON).get_by_role(
        "button", name="Hadir", exact=True).click()
    staff.get_by_text(f"{PERSON} tercatat hadir.").wait_for()
    with live_app.app_context():
        checkins = db.session.scalars(select(CheckIn).where(
            CheckIn.participant_id == participant_id)).all()
        assert sorted(c.method for c in checkins) == ["list", "qr"]

    # 7. Registration closes, the event is held; certificates are issued.
    staff.goto(event_path)
    staff.get_by_role("button", name="Tutup pendaftaran").click()
    staff.get_by_role("button", name="Tandai terlaksana").click()
    staff.get_by_text("Status bimtek: Terlaksana").wait_for()
    staff.get_by_role("link", name="Sertifikat peserta").click()
    staff.get_by_role("heading", name="Sertifikat", exact=True).wait_for()
    staff.get_by_role("button", name="Terbitkan sertifikat").click()  # confirm() accepted
    staff.get_by_text("Sertifikat diterbitkan: 1 baru").wait_for()
    certified = staff.locator("table.bimtek-certificates tbody tr").filter(has_text=PERSON)
    code = certified.get_by_role("link").inner_text().strip()
    assert CODE.match(code), code
    with live_app.app_context():
        stored = db.session.scalars(select(Certificate).where(
            Certificate.participant_id == participant_id)).one()
        assert (stored.code, stored.name) == (code, PERSON)
    assert staff.problems == []

    # 8. Anyone, signed out, verifies the code on the public page.
    public = page_factory()
    public.goto(f"/bimtek/sertifikat/{code}")
    result = public.locator(".certificate-result")
    result.get_by_text("Sertifikat sah").wait_for()
    assert PERSON in result.inner_text()
    assert TITLE in result.inner_text()
    assert "/login" not in public.url
    assert public.problems == []

    # 9. Staff download the accountability pack: every part is in it.
    staff.goto(event_path)
    with staff.expect_download() as download_info:
        staff.get_by_role("link", name="Unduh berkas SPJ (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == f"berkas-spj-bimtek-{event_id}.zip"
    with zipfile.ZipFile(download.path()) as pack:
        names = pack.namelist()
        assert "01-surat-undangan.pdf" in names
        assert "02-susunan-acara.pdf" in names
        hadir = [n for n in names if n.startswith("03-daftar-hadir-hari-")]
        assert hadir == [f"03-daftar-hadir-hari-1-{today.isoformat()}.pdf",
                         f"03-daftar-hadir-hari-2-{tomorrow.isoformat()}.pdf"]
        assert "04-peserta-dan-kehadiran.xlsx" in names
        certificates = [n for n in names if n.startswith("07-sertifikat/")]
        assert len(certificates) == 1
        assert "daftar-isi.txt" in names
        assert pack.read("01-surat-undangan.pdf").startswith(b"%PDF")
        assert AGENDA_ITEM in _pdf_text(pack.read("02-susunan-acara.pdf"))
        assert PERSON in _pdf_text(pack.read(hadir[0]))
        certificate = _pdf_text(pack.read(certificates[0]))
        assert PERSON in certificate and code in certificate
        workbook = openpyxl.load_workbook(io.BytesIO(pack.read("04-peserta-dan-kehadiran.xlsx")),
                                          read_only=True)
        cells = {str(c) for sheet in workbook.worksheets
                 for r in sheet.iter_rows(values_only=True) for c in r if c is not None}
        assert PERSON in cells
    assert staff.problems == []
