"""Issue 13: the invitation letter (surat undangan) as PDF, the agency's letterhead settings,
and the invitation mail with the letter and the .ics to each invited SKPD's head and contacts."""
import io
import re
from datetime import date, datetime, time, timezone

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from clinic.admin.letterhead import agency_settings
from clinic.admin.models import AgencySettings
from clinic.audit import AuditEvent
from clinic.bimtek import services
from clinic.bimtek.models import BimtekEvent
from clinic.bimtek.services.letter import invitation_letter_pdf
from clinic.demo.admin import seed_accounts
from clinic.extensions import db
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification
from tests.smtp_sink import MAIL

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
DEADLINE = datetime(2026, 7, 10, 8, 0, tzinfo=timezone.utc)
SIGNER = {"government": "PEMERINTAH KOTA BANJARMASIN", "agency": "Bappedalitbang Banjarmasin",
          "address": "Jl. R.E. Martadinata No. 1", "place": "Banjarmasin",
          "signer_name": "Dr. Hj. Rahmah Yulianti", "signer_position": "Kepala Bappedalitbang",
          "signer_rank": "Pembina Utama Muda (IV/c)", "signer_nip": "197005121996031004"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def signer(app):
    row = AgencySettings(**SIGNER)
    db.session.add(row)
    db.session.commit()
    return row


def pdf_text(data):
    """The text of every page, blanks collapsed (a line break is a blank)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _invited(kind="bimtek_invited"):
    return db.session.scalars(select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.id)).all()


def _with_agenda(event):
    services.add_item(event.days[0], time(8), time(9), "Pembukaan oleh Wakil Wali Kota",
                      "Ballroom")
    services.add_item(event.days[1], time(9), time(11), "Praktik baik inovasi", None,
                      [{"name": "Dr. Hendra Gunawan", "institution": "BRIN"}])
    db.session.commit()
    return event


# -- the letter ---------------------------------------------------------------------------


def test_letter_holds_title_heads_days_venue_agenda_and_signer(make_skpd, make_bimtek, signer):
    skpds = [make_skpd(name=n) for n in ("Dinas Kesehatan", "Dinas Pendidikan",
                                         "Dinas Perhubungan")]
    event = make_bimtek(invite=[(s, 3) for s in skpds], status="draft")
    event.letter_number, event.letter_date = "005/117/Bappedalitbang/2026", date(2026, 6, 24)
    text = pdf_text(invitation_letter_pdf(_with_agenda(event)))
    assert "Bimtek Inovasi Daerah 2026" in text
    assert "Perihal : Undangan Bimtek Inovasi Daerah 2026" in text
    for name in ("Dinas Kesehatan", "Dinas Pendidikan", "Dinas Perhubungan"):
        assert f"Kepala {name}" in text
    assert "Rabu, 15 Juli 2026" in text and "Kamis, 16 Juli 2026" in text
    assert "08.00 s.d. 16.00 WITA" in text and "08.00 s.d. 12.00 WITA" in text
    assert "Hotel Kindai, Jl. Lambung Mangkurat" in text
    assert "Nomor : 005/117/Bappedalitbang/2026" in text
    assert "Banjarmasin, 24 Juni 2026" in text
    assert "Dr. Hj. Rahmah Yulianti" in text and "NIP. 197005121996031004" in text
    assert "Pembukaan oleh Wakil Wali Kota (Ballroom)" in text
    assert "Dr. Hendra Gunawan, BRIN" in text
    assert "3 orang" in text and "paling lambat Jumat, 10 Juli 2026 pukul 16.00 WITA" in text


def test_many_skpds_are_listed_in_the_attachment_and_a_missing_number_is_a_blank(
        make_skpd, make_bimtek, signer):
    skpds = [make_skpd(name=f"Kecamatan Nomor {n}") for n in range(7)]
    event = make_bimtek(invite=[(s, 2) for s in skpds], status="draft")
    services.withdraw(event.invitations[0], None)
    db.session.commit()
    reader = PdfReader(io.BytesIO(invitation_letter_pdf(event)))
    first, rest = (" ".join(p.extract_text().split()) for p in (reader.pages[0],
                                                                 reader.pages[-1]))
    assert "(daftar terlampir)" in first and "Kecamatan Nomor 3" not in first
    assert re.search(r"Nomor : \.{10,}", first)
    assert "Hari/Tanggal" in first
    listed = re.findall(r"Kepala Kecamatan Nomor (\d)", pdf_text(invitation_letter_pdf(event)))
    assert sorted(listed) == [str(n) for n in range(1, 7)]  # the withdrawn one is not invited
    assert "DAFTAR UNDANGAN" in rest and "Kepala Kecamatan Nomor 6" in rest


def test_the_letter_date_defaults_to_today_without_settings(make_skpd, make_bimtek):
    event = make_bimtek(invite=[(make_skpd(name="Dinas Sosial"), 2)], status="draft")
    text = pdf_text(invitation_letter_pdf(event))
    # No settings saved: the letterhead and place come from the configuration.
    assert "PEMERINTAH KOTA BANJARMASIN" in text and "Banjarmasin, 1 Juli 2026" in text
    assert "Yth. Kepala Dinas Sosial" in text


def test_curly_quotes_and_characters_outside_latin1_do_not_crash(make_skpd, make_bimtek):
    db.session.add(AgencySettings(**dict(SIGNER, signer_name="Dr. \u201cŁukasz\u201d O\u2019Neil",
                                         agency="Badan \u2013 \u4e2d\u6587")))
    skpd = make_skpd(name="Dinas \u201cPUPR\u201d \u0160ibenik \U0001f600")
    event = make_bimtek(invite=[(skpd, 2)], status="draft",
                        title="Bimtek \u201cInovasi\u201d \u2014 Ti\u1ebfng Vi\u1ec7t")
    services.add_item(event.days[0], time(8), time(9), "Sesi \u2018satu\u2019 \u2603", None,
                      [{"name": "Nguy\u1ec5n", "institution": "\u6771\u4eac"}])
    db.session.commit()
    text = pdf_text(invitation_letter_pdf(event))
    assert 'Bimtek "Inovasi" - Ti?ng Vi?t' in text
    assert 'Kepala Dinas "PUPR" ?ibenik ?' in text
    assert "Dr. \"?ukasz\" O'Neil" in text


def test_staff_preview_the_letter_others_get_404(client, auth, make_user, make_skpd,
                                                make_bimtek, signer):
    event = make_bimtek(invite=[(make_skpd(name="Dinas Kesehatan"), 2)])
    auth.login_as(make_user("staff"))
    response = client.get(f"/bimtek/{event.id}/surat-undangan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Kepala Dinas Kesehatan" in pdf_text(response.data)
    auth.logout()
    contact = make_user("contact", skpd=event.invitations[0].skpd)
    auth.login_as(contact)
    assert client.get(f"/bimtek/{event.id}/surat-undangan.pdf").status_code == 404


def test_the_event_form_sets_the_letter_number_and_date(client, auth, make_user, make_bimtek,
                                                       signer):
    event = make_bimtek(status="draft")
    auth.login_as(make_user("staff"))
    data = {"title": event.title, "venue": "Hotel Kindai", "letter_number": "005/9/BPP/2026",
            "letter_date": "2026-06-30",
            "days-0-day_on": "2026-07-15", "days-0-starts": "08:00", "days-0-ends": "16:00"}
    bad = client.post(f"/bimtek/{event.id}/ubah", data=dict(data, letter_date="30/06/2026"))
    assert bad.status_code == 200 and "Tanggal tidak valid" in bad.get_data(as_text=True)
    assert 'value="005/9/BPP/2026"' in bad.get_data(as_text=True)
    db.session.refresh(event)
    assert event.letter_number is None
    assert client.post(f"/bimtek/{event.id}/ubah", data=data).status_code == 302
    db.session.refresh(event)
    assert (event.letter_number, event.letter_date) == ("005/9/BPP/2026", date(2026, 6, 30))
    assert 'value="005/9/BPP/2026"' in client.get(f"/bimtek/{event.id}/ubah").get_data(
        as_text=True)
    text = pdf_text(client.get(f"/bimtek/{event.id}/surat-undangan.pdf").data)
    assert "Nomor : 005/9/BPP/2026" in text and "Banjarmasin, 30 Juni 2026" in text


# -- the settings page --------------------------------------------------------------------

FORM = dict(SIGNER, signer_name="Ir. Ahmad Syarifuddin", signer_nip="198001012005011002")


def test_admin_saves_the_settings_the_first_save_creates_the_row(client, auth, make_user):
    admin = make_user("admin")
    auth.login_as(admin)
    page = client.get("/admin/instansi").get_data(as_text=True)
    assert 'value="PEMERINTAH KOTA BANJARMASIN"' in page and "Belum disimpan" in page
    response = client.post("/admin/instansi", data=FORM)
    assert response.status_code == 302
    row = db.session.scalars(select(AgencySettings)).one()
    assert (row.signer_name, row.signer_nip, row.updated_by_id) == (
        "Ir. Ahmad Syarifuddin", "198001012005011002", admin.id)
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "agency_settings_updated")).one()
    assert audit.changes["signer_nip"] == [None, "198001012005011002"]
    client.post("/admin/instansi", data=dict(FORM, signer_rank="Pembina (IV/a)"))
    assert db.session.scalar(select(func.count(AgencySettings.id))) == 1
    db.session.refresh(row)
    assert row.signer_rank == "Pembina (IV/a)" and agency_settings().id == row.id


@pytest.mark.parametrize("nip", ["12345", "19800101200501100X", "1980 0101 2005 01 1 002",
                                 "1980010120050110021"])
def test_a_bad_nip_keeps_what_was_typed_and_saves_nothing(client, auth, make_user, nip):
    auth.login_as(make_user("admin"))
    response = client.post("/admin/instansi", data=dict(FORM, signer_nip=nip))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "NIP harus 18 digit angka" in page
    assert f'value="{nip}"' in page and 'value="Ir. Ahmad Syarifuddin"' in page
    assert db.session.scalar(select(func.count(AgencySettings.id))) == 0


def test_required_lines_of_the_letterhead(client, auth, make_user):
    auth.login_as(make_user("admin"))
    response = client.post("/admin/instansi", data=dict(FORM, agency="  "))
    assert response.status_code == 400 and "Wajib diisi." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AgencySettings.id))) == 0


def test_staff_see_the_settings_but_only_admin_saves(client, auth, make_user, signer):
    auth.login_as(make_user("staff"))
    page = client.get("/admin/instansi").get_data(as_text=True)
    assert "Dr. Hj. Rahmah Yulianti" in page and "Hanya admin" in page
    assert 'name="signer_nip"' not in page
    assert client.post("/admin/instansi", data=FORM).status_code == 403
    db.session.refresh(signer)
    assert signer.signer_name == "Dr. Hj. Rahmah Yulianti"


def test_the_admin_menu_links_the_settings(client, auth, make_user):
    auth.login_as(make_user("staff"))
    assert 'href="/admin/instansi"' in client.get("/admin/skpd/").get_data(as_text=True)


# -- the invitation mail ------------------------------------------------------------------


def _three_skpds(make_skpd, make_user):
    """SKPD 1: head and two active contacts (and an inactive one); SKPD 2: head only;
    SKPD 3: one contact, whose address is also the head's."""
    one = make_skpd(name="Dinas Kesehatan", head_email="kepala.dinkes@example.test")
    two = make_skpd(name="Dinas Pendidikan", head_email="kepala.disdik@example.test")
    three = make_skpd(name="Dinas Sosial", head_email="Op.Dinsos@example.test")
    make_user("contact", skpd=one, email="op1.dinkes@example.test", locale="en")
    make_user("contact", skpd=one, email="op2.dinkes@example.test")
    make_user("contact", skpd=one, email="lama.dinkes@example.test", is_active=False)
    make_user("contact", skpd=three, email="op.dinsos@example.test")
    return one, two, three


def test_inviting_three_skpds_writes_one_row_per_recipient(make_skpd, make_user, make_bimtek,
                                                           signer):
    skpds = _three_skpds(make_skpd, make_user)
    event = make_bimtek()
    added = services.invite(event, skpds, 4, DEADLINE, None)
    db.session.commit()
    assert len(added) == 3
    rows = _invited()
    assert sorted(r.to_email for r in rows) == sorted([
        "kepala.dinkes@example.test", "op1.dinkes@example.test", "op2.dinkes@example.test",
        "kepala.disdik@example.test", "op.dinsos@example.test"])
    by_address = {r.to_email: r for r in rows}
    one, two, three = skpds
    assert by_address["kepala.dinkes@example.test"].dedupe_key == (
        f"event:{event.id}:invited:skpd{one.id}:r1:head")
    assert by_address["op.dinsos@example.test"].dedupe_key.startswith(
        f"event:{event.id}:invited:skpd{three.id}:r1:u")
    for row in rows:
        assert [a["filename"] for a in row.attachments] == [
            f"surat-undangan-bimtek-{event.id}.pdf", "bimtek.ics"]
        assert "4" in row.body_text and "Bimtek Inovasi Daerah 2026" in row.subject
    register = f"/bimtek/undangan/{event.invitations[0].id}/daftar"
    contact_row = by_address["op2.dinkes@example.test"]
    assert register in contact_row.body_text and "Batas pendaftaran: Jumat, 10 Juli 2026" in (
        contact_row.body_text)
    assert "Kuota peserta: 4 orang" in contact_row.body_text
    head_row = by_address["kepala.dinkes@example.test"]
    assert head_row.recipient_id is None and "Yth. Kepala Dinas Kesehatan," in head_row.body_text
    assert "/bimtek/undangan/" not in head_row.body_text
    english = by_address["op1.dinkes@example.test"]  # in the contact's own language
    assert english.locale == "en" and "Registration deadline:" in english.body_text


def test_no_mail_to_an_skpd_without_head_and_contacts(make_skpd, make_user, make_bimtek):
    lonely = make_skpd(name="Kelurahan Sepi")
    make_user("contact", skpd=lonely, is_active=False)
    event = make_bimtek(invite=[(lonely, 2)])
    assert [i.skpd_id for i in event.invitations] == [lonely.id]
    assert _invited() == []


def test_invitation_mail_travels_with_the_letter_and_the_ics(make_skpd, make_user,
                                                             make_bimtek, signer, app, sink):
    app.config.update(MAIL)
    skpds = _three_skpds(make_skpd, make_user)
    event = _with_agenda(make_bimtek())
    services.invite(event, skpds, 3, DEADLINE, None)
    db.session.commit()
    deliver_pending()
    assert {r.status for r in _invited()} == {"sent"}
    assert len(sink.messages) == 5
    for received in sink.messages:
        message = received["message"]
        pdfs = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
        assert len(pdfs) == 1
        assert pdfs[0].get_filename() == f"surat-undangan-bimtek-{event.id}.pdf"
        text = pdf_text(pdfs[0].get_content())
        assert "Kepala Dinas Pendidikan" in text and "NIP. 197005121996031004" in text
        calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert len(calendars) == 1 and calendars[0].get_content().count("BEGIN:VEVENT") == 2
    heads = [m for m in sink.messages if m["rcpt_tos"] == ["kepala.disdik@example.test"]]
    assert len(heads) == 1


def test_a_draft_mails_nobody_until_registration_opens(client, auth, make_skpd, make_user,
                                                       make_bimtek):
    skpds = _three_skpds(make_skpd, make_user)
    event = make_bimtek(status="draft")
    staff = make_user("staff")
    services.invite(event, skpds[:2], 3, DEADLINE, staff)
    db.session.commit()
    assert _invited() == []
    auth.login_as(staff)
    response = client.post(f"/bimtek/{event.id}/undangan", data={
        "skpds": [skpds[2].id], "quota": "2", "deadline_on": "2026-07-10",
        "deadline_time": "16:00"}, follow_redirects=True)
    assert "dikirim saat pendaftaran dibuka" in response.get_data(as_text=True)
    assert _invited() == []
    assert client.post(f"/bimtek/{event.id}/status", data={"to": "open"}).status_code == 302
    assert len(_invited()) == 5
    services.advance(event, "closed", staff)
    db.session.commit()
    assert len(_invited()) == 5  # closing (or any later step) mails nothing again


def test_inviting_an_open_event_mails_only_the_new_skpd(make_skpd, make_user, make_bimtek):
    one, two, three = _three_skpds(make_skpd, make_user)
    event = make_bimtek(invite=[(one, 2)])
    assert len(_invited()) == 3
    assert services.invite(event, [one, two], 2, DEADLINE, None) == event.invitations[1:]
    db.session.commit()
    assert [r.to_email for r in _invited()[3:]] == ["kepala.disdik@example.test"]


def test_withdrawal_supersedes_pending_mail_and_a_new_invitation_is_a_new_round(
        make_skpd, make_user, make_bimtek):
    one, two, _three = _three_skpds(make_skpd, make_user)
    event = make_bimtek(invite=[(one, 2), (two, 2)])
    invitation = event.invitations[0]
    services.withdraw(invitation, None)
    db.session.commit()
    rows = _invited()
    assert {r.status for r in rows if r.to_email.endswith("dinkes@example.test")} == {
        "superseded"}
    assert {r.status for r in rows if "disdik" in r.to_email} == {"pending"}
    services.invite(event, [one], 2, DEADLINE, None)
    db.session.commit()
    fresh = [r for r in _invited() if r.status == "pending" and "dinkes" in r.to_email]
    assert len(fresh) == 3 and all(":r2:" in r.dedupe_key for r in fresh)


def test_cancelling_the_event_supersedes_pending_invitations(make_skpd, make_user,
                                                             make_bimtek):
    one, two, _three = _three_skpds(make_skpd, make_user)
    event = make_bimtek(invite=[(one, 2), (two, 2)])
    services.cancel_event(event, "Gedung direnovasi", None)
    db.session.commit()
    assert {r.status for r in _invited()} == {"superseded"}
    # The contacts hear of the cancellation; the heads never had the invitation.
    assert sorted(r.to_email for r in _invited("bimtek_cancelled")) == [
        "op1.dinkes@example.test", "op2.dinkes@example.test"]


def test_cancelling_after_delivery_tells_heads_and_contacts_with_a_cancel_ics(
        make_skpd, make_user, make_bimtek, app, sink):
    app.config.update(MAIL)
    one, two, _three = _three_skpds(make_skpd, make_user)
    event = make_bimtek(invite=[(one, 2), (two, 2)])
    deliver_pending()
    services.cancel_event(event, "Gedung direnovasi", None)
    db.session.commit()
    rows = {r.to_email: r for r in _invited("bimtek_cancelled")}
    assert sorted(rows) == ["kepala.dinkes@example.test", "kepala.disdik@example.test",
                            "op1.dinkes@example.test", "op2.dinkes@example.test"]
    assert "Yth. Kepala Dinas Pendidikan," in rows["kepala.disdik@example.test"].body_text
    for row in rows.values():
        assert [a["filename"] for a in row.attachments] == ["pembatalan.ics"]
        assert "METHOD:CANCEL" in row.attachments[0]["data"]


def test_the_demo_seeds_a_signer_with_an_18_digit_nip(app):
    seed_accounts(1)
    db.session.commit()
    settings = agency_settings()
    assert settings.id is not None and re.fullmatch(r"\d{18}", settings.signer_nip)
    assert "Banjarmasin" in settings.address and settings.signer_position.startswith("Kepala")


def test_opening_registration_twice_at_once_mails_once(make_skpd, make_user, make_bimtek):
    """Two staff open registration from the same page: the second request changes nothing,
    gets a clear refusal and writes no second round of invitations."""
    skpds = _three_skpds(make_skpd, make_user)
    event = make_bimtek(status="draft")
    staff = make_user("staff")
    services.invite(event, skpds, 3, DEADLINE, staff)
    db.session.commit()
    # The other request committed "open" after this one loaded the event as a draft.
    db.session.execute(update(BimtekEvent).where(BimtekEvent.id == event.id)
                       .values(status="open"))
    db.session.commit()
    set_committed_value(event, "status", "draft")  # as this request loaded it
    with pytest.raises(services.EventError, match="diubah oleh pengguna lain"):
        services.advance(event, "open", staff)
    db.session.rollback()
    assert _invited() == [] and db.session.get(BimtekEvent, event.id).status == "open"
