"""The attendance list (daftar hadir): contacts' rows, statuses, free-text participants, lock."""
from sqlalchemy import func, select

from clinic.audit import AuditEvent
from clinic.coaching import attendance
from clinic.coaching.models import Attendance, SessionEvent
from clinic.extensions import db

from test_coaching_notes import fresh, sign, text


def rows(session):
    return db.session.scalars(select(Attendance).where(Attendance.session_id == session.id)
                              .order_by(Attendance.id)).all()


def count_rows():
    return db.session.scalar(select(func.count()).select_from(Attendance))


def test_contact_rows_are_created_once_for_active_contacts_of_the_sessions_skpds(
        world, make_user):
    second = make_user("contact", skpd=world.skpd, name="Budi Santoso", position="Kasubbag")
    make_user("contact", skpd=world.skpd, is_active=False)
    added = attendance.ensure_contact_rows(world.session)
    db.session.commit()
    assert [(r.user_id, r.name, r.position, r.skpd_id) for r in added] == [
        (second.id, "Budi Santoso", "Kasubbag", world.skpd.id)]
    assert attendance.ensure_contact_rows(world.session) == []  # idempotent
    users = [r.user_id for r in rows(world.session)]
    assert sorted(users) == sorted([world.contact.id, second.id])
    assert world.other_contact.id not in users


def test_page_lists_contacts_without_saving_and_post_records_statuses(world, login, url,
                                                                      make_user):
    second = make_user("contact", skpd=world.skpd, name="Budi Santoso")
    client = login(world.trainer)
    list_url = url("coaching.attendance", session_id=world.session.id)
    page = text(client.get(list_url))
    assert "Budi Santoso" in page and world.contact.name in page
    assert world.other_contact.name not in page
    for label in ("Hadir", "Terlambat", "Izin", "Tidak Hadir"):
        assert f">{label}</option>" in page
    assert count_rows() == 1  # GET changes nothing

    response = client.post(list_url, data={f"status_c{world.contact.id}": "present",
                                           f"status_c{second.id}": "late"})
    assert response.status_code == 302
    statuses = {r.user_id: (r.status, r.recorded_by_id) for r in rows(world.session)}
    assert statuses == {world.contact.id: ("present", world.trainer.id),
                        second.id: ("late", world.trainer.id)}
    recorded = db.session.scalars(select(SessionEvent).where(
        SessionEvent.action == "attendance")).all()
    assert len(recorded) == 1 and recorded[0].actor_id == world.trainer.id
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "attendance_recorded"))

    detail = text(client.get(url("coaching.detail", session_id=world.session.id)))
    assert 'status-verified">Hadir</span> 1' in detail
    assert 'status-returned">Terlambat</span> 1' in detail


def test_unknown_status_is_refused(world, login, url):
    client = login(world.staff)
    response = client.post(url("coaching.attendance", session_id=world.session.id),
                           data={f"status_c{world.contact.id}": "asleep"})
    assert response.status_code == 200
    assert "Pilih status kehadiran dari daftar." in text(response)
    assert fresh(world.attendance).status is None


def test_free_text_participant_with_nip_validation(world, login, url):
    client = login(world.trainer)
    add = url("coaching.attendance_add", session_id=world.session.id)
    for nip in ("12345", "19870315201001100A", "1987031520100110021"):
        response = client.post(add, data={"name": "Siti Aminah", "nip": nip})
        page = text(response)
        assert response.status_code == 200, nip
        assert "NIP terdiri dari 18 angka" in page and 'value="Siti Aminah"' in page
    response = client.post(add, data={"name": "", "nip": ""})
    assert "Tuliskan nama peserta." in text(response)
    assert count_rows() == 1

    response = client.post(add, data={"name": "Siti Aminah", "position": "Kabid Litbang",
                                      "nip": "19870315 201001 1 002", "skpd_id": ""})
    assert response.status_code == 302
    guest = rows(world.session)[-1]
    assert (guest.name, guest.position, guest.nip, guest.user_id, guest.skpd_id) == (
        "Siti Aminah", "Kabid Litbang", "198703152010011002", None, None)
    client.post(add, data={"name": "Tanpa NIP", "skpd_id": world.skpd.id})
    assert rows(world.session)[-1].nip is None and rows(world.session)[-1].skpd_id == world.skpd.id
    # Another SKPD is not a choice.
    response = client.post(add, data={"name": "Salah", "skpd_id": world.other_skpd.id})
    assert response.status_code == 200
    assert "Pilih Perangkat Daerah peserta sesi ini" in text(response)

    # The guest's status is recorded like a contact's.
    client.post(url("coaching.attendance", session_id=world.session.id),
                data={f"status_p{guest.id}": "excused"})
    assert fresh(guest).status == "excused"


def test_remove_free_text_participant_but_not_a_contact(world, login, url):
    client = login(world.trainer)
    sid = world.session.id
    client.post(url("coaching.attendance_add", session_id=sid), data={"name": "Tamu Sekali"})
    guest = rows(world.session)[-1]
    page = text(client.get(url("coaching.attendance", session_id=sid)))
    assert f'id="remove-{guest.id}"' in page and "data-confirm" in page
    assert f'id="remove-{world.attendance.id}"' not in page
    response = client.post(url("coaching.attendance_remove", session_id=sid,
                               attendance_id=guest.id))
    assert response.status_code == 302 and db.session.get(Attendance, guest.id) is None
    page = text(client.post(url("coaching.attendance_remove", session_id=sid,
                                attendance_id=world.attendance.id), follow_redirects=True))
    assert "tidak dapat dihapus dari daftar hadir" in page
    assert fresh(world.attendance) is not None
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"participant_added", "participant_removed"} <= actions


def test_attendance_is_locked_after_sign_off(world, login, url):
    sign(login, world.trainer, url, world.session)
    client = login(world.trainer)
    sid = world.session.id
    page = text(client.get(url("coaching.attendance", session_id=sid)))
    assert "daftar hadir tidak dapat diubah lagi" in page and "<select" not in page
    page = text(client.post(url("coaching.attendance", session_id=sid),
                            data={f"status_c{world.contact.id}": "absent"},
                            follow_redirects=True))
    assert "daftar hadir tidak dapat diubah lagi" in page
    assert fresh(world.attendance).status is None
    response = client.post(url("coaching.attendance_add", session_id=sid),
                           data={"name": "Terlambat datang"})
    assert response.status_code == 200 and count_rows() == 1
