"""Issue 13, certificates: eligibility by days attended, bulk issue with its counts, unguessable
codes, the PDF, the mail over real SMTP, re-issue after a name correction (the old code then
says "replaced"), downloads only for those entitled, and the public verification page that
shows nothing more than it should and is rate-limited."""
import io
import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from clinic.bimtek.models import Certificate
from clinic.bimtek.services import certificates as certs
from clinic.extensions import db
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification
from tests.bimtek_records_world import make_held_event
from tests.smtp_sink import MAIL

CODE = re.compile(r"^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$")
NIP = "198501012010012001"


@pytest.fixture
def held(app, make_bimtek, make_user, make_skpd):
    """A held two-day event: Rina (SKPD A) both days, Ahmad (A) day one, Budi (B) never."""
    found = make_held_event(make_bimtek, make_user, make_skpd)
    found.people[0].nip = NIP
    db.session.commit()
    return found


def _issue(client, event):
    response = client.post(f"/bimtek/{event.id}/sertifikat/terbitkan")
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _valid():
    return db.session.scalars(select(Certificate).where(Certificate.replaced_at.is_(None))
                              .order_by(Certificate.id)).all()


def _pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(page.extract_text() for page in reader.pages)


def test_codes_are_unguessable_and_unambiguous():
    codes = {certs.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE.match(code) for code in codes)
    assert not any(set(code) & set("01IOL") for code in codes)
    assert certs.normal_code(" k7qm 2xwd-9hta pz4r ") == "K7QM-2XWD-9HTA-PZ4R"


def test_every_day_is_required_by_default(held, login):
    page = _issue(login(held.staff), held.event)
    assert [c.participant_id for c in _valid()] == [held.people[0].id]
    assert ("Sertifikat diterbitkan: 1 baru, 0 diterbitkan ulang; 2 peserta belum memenuhi "
            "syarat kehadiran; 0 sudah memiliki sertifikat.") in page
    certificate = _valid()[0]
    assert CODE.match(certificate.code) and certificate.name == "Rina Wulandari"
    assert certificate.issued_by_id == held.staff.id


def test_required_days_setting_and_a_second_run_counts_the_issued(held, login):
    held.event.required_days = 1
    db.session.commit()
    staff = login(held.staff)
    _issue(staff, held.event)
    assert {c.participant_id for c in _valid()} == {held.people[0].id, held.people[1].id}
    again = _issue(staff, held.event)
    assert "0 baru, 0 diterbitkan ulang; 1 peserta belum memenuhi syarat kehadiran; " \
           "2 sudah memiliki sertifikat." in again
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_no_certificates_before_the_event_is_held(held, login):
    held.event.status = "closed"
    db.session.commit()
    page = _issue(login(held.staff), held.event)
    assert "Sertifikat dibuat setelah bimtek ditandai terlaksana." in page
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_issue_writes_one_mail_per_certificate_with_the_pdf(held, login):
    held.event.required_days = 1
    db.session.commit()
    _issue(login(held.staff), held.event)
    rows = db.session.scalars(select(Notification).where(
        Notification.kind == "bimtek_certificate").order_by(Notification.id)).all()
    assert sorted(r.to_email for r in rows) == ["ahmad@example.test", "rina@example.test"]
    assert {r.dedupe_key for r in rows} == {
        f"event:{held.event.id}:certificate:c{c.id}" for c in _valid()}
    assert all(r.attachments[0]["content_type"] == "application/pdf" for r in rows)


def test_certificate_pdf_is_landscape_and_holds_name_code_and_event(held):
    certs.issue_all(held.event, held.staff)
    db.session.commit()
    certificate = _valid()[0]
    reader, text = _pdf_text(certs.certificate_pdf(certificate))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height
    assert "SERTIFIKAT" in text and "Rina Wulandari" in text and "sebagai Peserta" in text
    assert certificate.code in text and held.event.title in text
    assert "15-16 Juli 2026" in text and "Hotel Kindai" in text
    assert f"/bimtek/sertifikat/{certificate.code}" in text.replace("\n", "")
    assert len(reader.pages[0].images) == 1  # the QR code


@pytest.mark.app_config(**MAIL)
def test_certificate_mail_arrives_over_smtp_with_the_pdf(held, sink):
    certs.issue_all(held.event, held.staff)
    db.session.commit()
    deliver_pending()
    certificate = _valid()[0]
    message = next(m["message"] for m in sink.messages
                   if m["rcpt_tos"] == ["rina@example.test"])
    pdf = next(p for p in message.walk() if p.get_content_type() == "application/pdf")
    assert pdf.get_filename() == f"sertifikat-{certificate.code}.pdf"
    _reader, text = _pdf_text(pdf.get_content())
    assert "Rina Wulandari" in text and certificate.code in text
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert f"/bimtek/sertifikat/{certificate.code}" in body.get_content()


def test_name_correction_reissues_and_the_old_code_says_replaced(held, login, client):
    staff = login(held.staff)
    _issue(staff, held.event)
    old = _valid()[0]
    rina = held.people[0]
    response = staff.post(f"/bimtek/{held.event.id}/peserta/{rina.id}/nama",
                          data={"name": "Rina Wulandari, S.E."})
    assert response.status_code == 302
    db.session.refresh(old)
    new = _valid()[0]
    assert new.id != old.id and new.code != old.code and new.name == "Rina Wulandari, S.E."
    assert old.replaced_at is not None and old.replaced_by_id == new.id
    assert f"kode {new.code}" in staff.get(response.headers["Location"]).get_data(as_text=True)
    old_page = client.get(f"/bimtek/sertifikat/{old.code}").get_data(as_text=True)
    assert "Sertifikat ini sudah diganti" in old_page and "diganti" in old_page
    assert "Sertifikat sah" not in old_page
    new_page = client.get(f"/bimtek/sertifikat/{new.code}").get_data(as_text=True)
    assert "Sertifikat sah" in new_page and "Rina Wulandari, S.E." in new_page
    # The old certificate's mail, still waiting, is superseded; the new one goes.
    keys = dict(db.session.execute(select(Notification.status, Notification.dedupe_key).where(
        Notification.kind == "bimtek_certificate")).all())
    assert keys["superseded"].endswith(f"certificate:c{old.id}")
    assert keys["pending"].endswith(f"certificate:c{new.id}")
    # Issuing again finds nothing to do.
    assert "1 sudah memiliki sertifikat" in _issue(staff, held.event)


def test_empty_name_is_refused(held, login):
    staff = login(held.staff)
    rina = held.people[0]
    response = staff.post(f"/bimtek/{held.event.id}/peserta/{rina.id}/nama", data={"name": " "})
    assert "Nama wajib diisi." in staff.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(rina)
    assert rina.name == "Rina Wulandari"


def test_verification_page_shows_only_name_event_dates_and_validity(held, client):
    certs.issue_all(held.event, held.staff)
    db.session.commit()
    certificate = _valid()[0]
    response = client.get(f"/bimtek/sertifikat/{certificate.code.lower()}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Sertifikat sah" in text and "Rina Wulandari" in text
    assert held.event.title in text and "15-16 Juli 2026" in text
    for secret in ("Dinas Kesehatan", "rina@example.test", NIP, "Analis", "0812",
                   "Hotel Kindai"):
        assert secret not in text
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_code_gets_the_same_page_shape(held, client):
    certs.issue_all(held.event, held.staff)
    db.session.commit()
    known = client.get(f"/bimtek/sertifikat/{_valid()[0].code}").get_data(as_text=True)
    unknown = client.get("/bimtek/sertifikat/ABCD-EFGH-JKMN-PQRS")
    text = unknown.get_data(as_text=True)
    assert unknown.status_code == 200 and "Kode tidak dikenal" in text
    assert "Rina" not in text
    shape = re.compile(r"<dt[^>]*>[^<]*</dt>")
    assert shape.findall(known) == shape.findall(text)


def test_typed_code_goes_to_its_page(held, client):
    response = client.get("/bimtek/sertifikat?kode=abcd efgh jkmn pqrs")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bimtek/sertifikat/ABCD-EFGH-JKMN-PQRS")
    form = client.get("/bimtek/sertifikat")
    assert form.status_code == 200 and 'name="kode"' in form.get_data(as_text=True)


def test_verification_is_rate_limited(held, client):
    for _ in range(30):
        assert client.get("/bimtek/sertifikat/ABCD-EFGH-JKMN-PQRS").status_code == 200
    assert client.get("/bimtek/sertifikat/ABCD-EFGH-JKMN-PQRS").status_code == 429
    other_ip = client.get("/bimtek/sertifikat/ABCD-EFGH-JKMN-PQRS",
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_ip.status_code == 200


def test_downloads_for_staff_and_the_own_skpds_contact_only(held, login):
    held.event.required_days = 1
    db.session.commit()
    certs.issue_all(held.event, held.staff)
    db.session.commit()
    certificate = _valid()[0]
    url = f"/bimtek/{held.event.id}/sertifikat/{certificate.id}.pdf"
    for user, status in ((held.staff, 200), (held.contact_a, 200), (held.contact_b, 404),
                         (held.trainer, 404)):
        response = login(user).get(url)
        assert response.status_code == status, user.role
        if status == 200:
            assert response.data.startswith(b"%PDF")
            assert response.headers["Content-Disposition"].startswith("attachment")


def test_contact_list_shows_only_their_skpds_participants(held, login):
    held.event.required_days = 1
    db.session.commit()
    certs.issue_all(held.event, held.staff)
    db.session.commit()
    page = login(held.contact_b).get(f"/bimtek/{held.event.id}/sertifikat")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Budi Santoso" in text
    for code in (c.code for c in _valid()):
        assert code not in text
    assert "Rina" not in text and "Ahmad" not in text and "terbitkan" not in text
    own = login(held.contact_a).get(f"/bimtek/{held.event.id}/sertifikat").get_data(as_text=True)
    assert "Rina Wulandari" in own and "Budi" not in own
    assert login(held.trainer).get(f"/bimtek/{held.event.id}/sertifikat").status_code == 403


def test_cancelled_participant_gets_no_certificate(held):
    held.people[0].cancelled_at = datetime(2026, 7, 17, tzinfo=timezone.utc)
    db.session.commit()
    summary = certs.issue_all(held.event, held.staff)
    assert (summary.issued, summary.skipped) == (0, 2)
