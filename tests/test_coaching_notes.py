"""Notes (notulen) over HTTP: revisions, conflicts, sign-off and its e-mail, findings, access."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from clinic.audit import AuditEvent
from clinic.coaching import notes
from clinic.coaching.models import (
    CoachingSession, Finding, NoteRevision, SessionEvent, SessionNote,
)
from clinic.extensions import db
from clinic.outbox.models import Notification
from clinic.reporting.services import create_innovation

SIGN_OFF_AT = datetime(2026, 7, 7, 4, 0, tzinfo=timezone.utc)  # 12.00 WITA, after the session


# -- helpers (test_coaching_attendance.py imports them) -----------------------------------------

def text(response):
    return response.get_data(as_text=True)


def version_in(html):
    return int(re.search(r'name="version"[^>]*value="(\d+)"', html).group(1))


def textarea(html, name):
    return re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', html, re.S).group(1)


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def outbox(kind="session_notes"):
    return db.session.scalars(select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.to_email)).all()


def events(session, action):
    return db.session.scalars(select(SessionEvent).where(
        SessionEvent.session_id == session.id, SessionEvent.action == action)).all()


def sign(login, user, url, session):
    """Sign off as ``user`` at SIGN_OFF_AT (logged in then too, so the login is valid)."""
    with time_machine.travel(SIGN_OFF_AT, tick=False):
        return login(user).post(url("coaching.sign_off", session_id=session.id))


# -- saving and revisions -------------------------------------------------------------------------

def test_each_save_adds_a_revision_with_its_author(world, login, url):
    client = login(world.trainer)
    notes_url = url("coaching.notes", session_id=world.session.id)
    page = text(client.get(notes_url))
    assert textarea(page, "body") == "Catatan **awal**"
    assert "Catatan internal narasumber" in textarea(page, "private_body")
    assert "<strong>awal</strong>" in page  # the preview
    first = client.post(notes_url, data={"body": "# Hasil\n\n- SK belum ada",
                                         "private_body": "Rahasia", "version": version_in(page)})
    assert first.status_code == 302
    page = text(client.get(notes_url))
    second = client.post(notes_url, data={"body": "# Hasil\n\n- SK sudah ada",
                                          "private_body": "Rahasia", "version": version_in(page)})
    assert second.status_code == 302
    # Saving the same text again changes nothing and adds no revision.
    page = text(client.get(notes_url))
    client.post(notes_url, data={"body": "# Hasil\n\n- SK sudah ada", "private_body": "Rahasia",
                                 "version": version_in(page)})
    revisions = db.session.scalars(select(NoteRevision).order_by(NoteRevision.number)).all()
    assert [(r.number, r.body, r.author_id) for r in revisions] == [
        (1, "# Hasil\n\n- SK belum ada", world.trainer.id),
        (2, "# Hasil\n\n- SK sudah ada", world.trainer.id)]
    assert fresh(world.note).body == "# Hasil\n\n- SK sudah ada"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notes_saved"))
    history = text(client.get(url("coaching.note_revisions", session_id=world.session.id)))
    assert "Revisi 2" in history and "Revisi 1" in history and world.trainer.name in history
    assert "SK belum ada" in history and "Rahasia" in history


def test_first_save_creates_the_note(app, world, login, url, make_user):
    session = CoachingSession(title="Sesi tanpa notulen", skpds=[world.skpd],
                              trainers=[world.trainer], starts_at=world.session.starts_at,
                              ends_at=world.session.ends_at)
    db.session.add(session)
    db.session.commit()
    client = login(world.staff)
    notes_url = url("coaching.notes", session_id=session.id)
    page = text(client.get(notes_url))
    assert 'name="version" type="hidden" value=""' in page
    assert client.post(notes_url, data={"body": "Mulai", "version": ""}).status_code == 302
    note = db.session.scalars(select(SessionNote).where(SessionNote.session_id == session.id)).one()
    assert note.body == "Mulai" and note.private_body is None
    assert note.updated_by_id == world.staff.id
    assert [r.number for r in note.revisions] == [1]


def test_second_editor_gets_the_conflict_page_and_nothing_is_lost(world, login, url):
    notes_url = url("coaching.notes", session_id=world.session.id)
    trainer, staff = login(world.trainer), login(world.staff)
    opened = version_in(text(trainer.get(notes_url)))
    assert version_in(text(staff.get(notes_url))) == opened == 1
    assert staff.post(notes_url, data={"body": "Versi staf", "version": opened}).status_code == 302

    response = trainer.post(notes_url, data={"body": "Versi narasumber",
                                             "private_body": "Internal saya", "version": opened})
    page = text(response)
    assert response.status_code == 200
    assert f"Notulen telah diubah oleh {world.staff.name} pada" in page
    assert "Teks Anda tetap di bawah; periksa lalu simpan lagi." in page
    assert textarea(page, "body") == "Versi narasumber"          # the user's text is kept
    assert textarea(page, "private_body") == "Internal saya"
    assert "Versi staf" in page                                   # and the other one is shown
    assert fresh(world.note).body == "Versi staf"                 # nothing was overwritten
    assert version_in(page) == fresh(world.note).version_id

    # Saving again from the conflict page knowingly replaces the staff member's version.
    again = trainer.post(notes_url, data={"body": "Versi gabungan", "version": version_in(page)})
    assert again.status_code == 302
    assert fresh(world.note).body == "Versi gabungan"
    assert [r.body for r in fresh(world.note).revisions] == ["Versi gabungan", "Versi staf"]


def test_a_save_racing_another_is_stopped_by_the_version_column(world):
    """Two saves that both passed the version check: the database refuses the second."""
    db.session.execute(update(SessionNote).where(SessionNote.id == world.note.id)
                       .values(body="Tersimpan lebih dulu", version_id=2)
                       .execution_options(synchronize_session=False))
    with pytest.raises(StaleDataError):
        notes.save_notes(world.session, "Kalah cepat", None, world.trainer, expected_version=1)
    db.session.rollback()
    assert fresh(world.note).body == "Catatan **awal**"
    assert db.session.scalar(select(NoteRevision).where(NoteRevision.body == "Kalah cepat")) is None


def test_garbled_version_is_a_conflict(world, login, url):
    response = login(world.trainer).post(url("coaching.notes", session_id=world.session.id),
                                         data={"body": "X", "version": "abc"})
    assert response.status_code == 200 and "Notulen telah diubah" in text(response)
    assert fresh(world.note).body == "Catatan **awal**"


# -- sign-off ---------------------------------------------------------------------------------

def test_sign_off_locks_sets_held_and_mails_participants_without_the_private_part(
        world, login, url, make_user):
    world.contact.timezone = "Asia/Jakarta"
    inactive = make_user("contact", skpd=world.skpd, is_active=False)
    db.session.commit()
    client = login(world.trainer)
    response = sign(login, world.trainer, url, world.session)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url("coaching.detail",
                                                     session_id=world.session.id))
    note, session = fresh(world.note), fresh(world.session)
    assert note.signed_off_at == SIGN_OFF_AT and note.signed_off_by_id == world.trainer.id
    assert session.status == "held" and len(events(session, "signed_off")) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notes_signed_off"))

    mails = outbox()
    assert sorted(m.to_email for m in mails) == sorted([world.contact.email, world.trainer.email])
    assert inactive.email not in [m.to_email for m in mails]
    assert world.other_contact.email not in [m.to_email for m in mails]
    assert {m.dedupe_key for m in mails} == {f"notes:{session.id}:{world.contact.id}",
                                            f"notes:{session.id}:{world.trainer.id}"}
    for mail in mails:
        assert "Catatan internal narasumber" not in mail.body_text + mail.body_html
        assert "Catatan **awal**" in mail.body_text
        assert "<strong>awal</strong>" in mail.body_html
        assert "SK inovasi belum diunggah" in mail.body_text  # the finding
        assert url("coaching.notes_print", session_id=session.id) in mail.body_text
        assert session.title in mail.subject
        assert "Ruang Rapat 1 · Ruang Rapat Bappeda" in mail.body_text
    by_email = {m.to_email: m for m in mails}
    assert "Selasa, 7 Juli 2026, 08.00–10.00 WIB" in by_email[world.contact.email].body_text
    assert "Selasa, 7 Juli 2026, 09.00–11.00 WITA" in by_email[world.trainer.email].body_text

    # Locked: the editor shows the signed notes without a form and a save is refused.
    notes_url = url("coaching.notes", session_id=world.session.id)
    page = text(client.get(notes_url))
    assert "Ditandatangani oleh" in page and 'name="body"' not in page
    refused = client.post(notes_url, data={"body": "Diubah", "version": note.version_id})
    assert refused.status_code == 200 and "dikunci" in text(refused)
    assert fresh(world.note).body == "Catatan **awal**"
    # Signing again sends nothing more.
    assert sign(login, world.trainer, url, world.session).status_code == 302
    assert len(outbox()) == 2 and len(events(session, "signed_off")) == 1


def test_signed_off_notes_print_for_the_contact(world, login, url):
    sign(login, world.trainer, url, world.session)
    page = text(login(world.contact).get(url("coaching.notes_print", session_id=world.session.id)))
    assert "NOTULEN COACHING CLINIC" in page and "<strong>awal</strong>" in page
    assert "Catatan internal narasumber" not in page
    assert 'href="/static/css/print.css" media="print"' in page
    assert "Tanda tangan" in page and world.contact.name in page  # the attendance list
    assert "PEMERINTAH KOTA BANJARMASIN" in page and "09.00–11.00 WITA" in page
    detail = text(login(world.contact).get(url("coaching.detail", session_id=world.session.id)))
    assert f"Ditandatangani oleh {world.trainer.name}" in detail


def test_sign_off_needs_notes_and_a_session_that_has_begun(world, login, url):
    early = world.session.starts_at - timedelta(minutes=1)
    with time_machine.travel(early, tick=False):
        page = text(login(world.staff).post(url("coaching.sign_off", session_id=world.session.id),
                                            follow_redirects=True))
    assert "setelah sesi dimulai" in page and fresh(world.note).signed_off_at is None
    world.note.body = "  "
    db.session.commit()
    response = sign(login, world.staff, url, world.session)
    assert response.status_code == 302
    assert fresh(world.note).signed_off_at is None and fresh(world.session).status == "planned"
    assert outbox() == []


# -- who may do what --------------------------------------------------------------------------

def test_trainer_of_another_session_gets_404_everywhere_it_edits(world, login, url, make_user):
    other = make_user("trainer")
    db.session.add(CoachingSession(title="Sesi lain", skpds=[world.other_skpd], trainers=[other],
                                   starts_at=world.session.starts_at,
                                   ends_at=world.session.ends_at))
    db.session.commit()
    client = login(other)
    sid, fid, aid = world.session.id, world.finding.id, world.attendance.id
    requests = [
        ("get", url("coaching.notes", session_id=sid), {}),
        ("post", url("coaching.notes", session_id=sid), {"body": "Ambil alih", "version": 1}),
        ("get", url("coaching.note_revisions", session_id=sid), {}),
        ("post", url("coaching.sign_off", session_id=sid), {}),
        ("get", url("coaching.attendance", session_id=sid), {}),
        ("post", url("coaching.attendance", session_id=sid),
         {f"status_c{world.contact.id}": "absent"}),
        ("post", url("coaching.attendance_add", session_id=sid), {"name": "Tamu"}),
        ("post", url("coaching.attendance_remove", session_id=sid, attendance_id=aid), {}),
        ("post", url("coaching.finding_add", session_id=sid), {"text": "Temuan"}),
        ("post", url("coaching.finding_edit", session_id=sid, finding_id=fid), {"text": "X"}),
        ("post", url("coaching.finding_delete", session_id=sid, finding_id=fid), {}),
    ]
    for method, address, data in requests:
        assert getattr(client, method)(address, data=data).status_code == 404, address
    assert fresh(world.note).body == "Catatan **awal**" and fresh(world.note).signed_off_at is None
    assert fresh(world.finding).text == "SK inovasi belum diunggah"
    # The session page itself is readable, without the private part or edit controls.
    page = text(client.get(url("coaching.detail", session_id=sid)))
    assert "Catatan internal narasumber" not in page and "Ubah notulen" not in page


def test_contact_never_sees_the_private_part(world, login, url):
    client = login(world.contact)
    detail = text(client.get(url("coaching.detail", session_id=world.session.id)))
    assert "<strong>awal</strong>" in detail
    assert "Catatan internal narasumber" not in detail and "Catatan internal" not in detail
    assert "Ubah notulen" not in detail and "Jadikan tindak lanjut" not in detail
    assert "Tambah temuan" not in detail and "SK inovasi belum diunggah" in detail
    assert client.get(url("coaching.notes", session_id=world.session.id)).status_code == 404
    assert client.get(url("coaching.note_revisions",
                          session_id=world.session.id)).status_code == 404
    printed = text(client.get(url("coaching.notes_print", session_id=world.session.id)))
    assert "Catatan internal narasumber" not in printed
    staff_page = text(login(world.staff).get(url("coaching.detail", session_id=world.session.id)))
    assert "Catatan internal narasumber" in staff_page


def test_script_in_notes_is_inert_on_every_page(world, login, url):
    client = login(world.trainer)
    notes_url = url("coaching.notes", session_id=world.session.id)
    payload = '<script>alert(1)</script>[x](javascript:alert(2))<img src=x onerror=alert(3)>'
    client.post(notes_url, data={"body": payload, "private_body": payload, "version": 1})
    for address in (notes_url, url("coaching.detail", session_id=world.session.id),
                    url("coaching.note_revisions", session_id=world.session.id),
                    url("coaching.notes_print", session_id=world.session.id)):
        page = text(client.get(address))
        assert "<script>alert" not in page and "<img src=x" not in page, address
        assert 'href="javascript' not in page, address


# -- findings ---------------------------------------------------------------------------------

def test_findings_are_added_linked_edited_and_deleted(world, login, url):
    client = login(world.trainer)
    sid = world.session.id
    response = client.post(url("coaching.finding_add", session_id=sid),
                           data={"text": "Foto kegiatan kurang", "item_id": world.item.id})
    assert response.status_code == 302
    finding = db.session.scalars(
        select(Finding).where(Finding.text == "Foto kegiatan kurang")).one()
    # An item alone links its innovation and SKPD too.
    assert (finding.item_id, finding.innovation_id, finding.skpd_id) == (
        world.item.id, world.innovation.id, world.skpd.id)
    assert finding.position > world.finding.position
    client.post(url("coaching.finding_edit", session_id=sid, finding_id=finding.id),
                data={"text": "Foto kegiatan belum ada", "innovation_id": "", "item_id": ""})
    finding = fresh(finding)
    assert finding.text == "Foto kegiatan belum ada" and finding.item_id is None
    assert finding.skpd_id == world.skpd.id
    client.post(url("coaching.finding_delete", session_id=sid, finding_id=finding.id))
    assert db.session.get(Finding, finding.id) is None
    # A finding with a task stays.
    page = text(client.post(url("coaching.finding_delete", session_id=sid,
                                finding_id=world.finding.id), follow_redirects=True))
    assert fresh(world.finding) is not None and "sudah dijadikan tindak lanjut" in page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"finding_added", "finding_updated", "finding_deleted"} <= actions


def test_finding_cannot_point_at_another_skpds_innovation_or_item(world, login, url):
    other = create_innovation(world.other_skpd, world.cycle, {"name": "Inovasi B"},
                              world.other_contact)
    db.session.commit()
    other_item = other.items[0]
    client = login(world.staff)
    add = url("coaching.finding_add", session_id=world.session.id)
    for data, message in [
        ({"innovation_id": other.id}, "Pilih inovasi milik Perangkat Daerah peserta sesi ini."),
        ({"item_id": other_item.id}, "Pilih butir laporan dari inovasi yang dipilih"),
        ({"innovation_id": world.innovation.id, "item_id": other_item.id},
         "Pilih butir laporan dari inovasi yang dipilih"),
        ({"innovation_id": 987654}, "Pilih inovasi milik Perangkat Daerah peserta sesi ini."),
    ]:
        response = client.post(add, data={"text": "Temuan salah sasaran", **data})
        page = text(response)
        assert response.status_code == 200 and message in page, data
        assert "Temuan salah sasaran" in page  # the input is kept
    assert db.session.scalar(select(Finding).where(Finding.text == "Temuan salah sasaran")) is None
    # The choices offer only the session's SKPDs' innovations.
    page = text(client.get(url("coaching.notes", session_id=world.session.id)))
    assert "Inovasi A" in page and "Inovasi B" not in page


def test_findings_are_locked_after_sign_off(world, login, url):
    sign(login, world.trainer, url, world.session)
    client = login(world.trainer)
    sid = world.session.id
    client.post(url("coaching.finding_add", session_id=sid), data={"text": "Terlambat"})
    client.post(url("coaching.finding_edit", session_id=sid, finding_id=world.finding.id),
                data={"text": "Diubah"})
    assert db.session.scalar(select(Finding).where(Finding.text == "Terlambat")) is None
    assert fresh(world.finding).text == "SK inovasi belum diunggah"
    page = text(client.get(url("coaching.detail", session_id=sid)))
    assert "Tambah temuan" not in page and "Jadikan tindak lanjut" in page


def test_cancelled_session_keeps_its_notes_and_list_as_they_are(world, login, url):
    world.session.status = "cancelled"
    db.session.commit()
    client = login(world.staff)
    sid = world.session.id
    page = text(client.get(url("coaching.notes", session_id=sid)))
    assert "notulen tidak dapat diubah" in page and 'name="body"' not in page
    response = client.post(url("coaching.notes", session_id=sid),
                           data={"body": "Tetap ditulis", "version": 1})
    assert response.status_code == 200 and "notulen tidak dapat diubah" in text(response)
    response = client.post(url("coaching.attendance_add", session_id=sid), data={"name": "Tamu"})
    assert response.status_code == 200 and "daftar hadir tidak dapat diubah" in text(response)
    sign(login, world.staff, url, world.session)
    assert fresh(world.note).body == "Catatan **awal**" and fresh(world.note).signed_off_at is None
    assert fresh(world.session).status == "cancelled" and outbox() == []
