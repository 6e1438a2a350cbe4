"""Session pages over HTTP: schedule (one or a series), warnings, edit, reschedule, cancel."""
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from clinic.audit import AuditEvent
from clinic.coaching.models import CoachingSession, SessionEvent, SessionStatus
from clinic.extensions import db
from clinic.outbox.models import Notification

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def form(world, **changes):
    data = {"title": "Klinik Inovasi Juli", "skpds": [world.skpd.id],
            "trainers": [world.trainer.id],
            "innovations": [world.innovation.id], "date": "2026-07-14", "start": "09:00",
            "end": "11:00", "timezone": "Asia/Makassar", "room": "Aula Bappeda",
            "place": "Kantor Bappeda", "online_url": "", "agenda": "Bukti dukung", "repeat": "none"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def sessions(**where):
    return db.session.scalars(select(CoachingSession).filter_by(**where)
                              .order_by(CoachingSession.starts_at)).all()


def outbox(kind=None):
    stmt = select(Notification).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def test_staff_schedule_one_session_and_invite(world, client, auth):
    auth.login_as(world.staff)
    response = client.post("/coaching/new", data=form(world))
    created, = sessions(title="Klinik Inovasi Juli")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coaching/{created.id}")
    assert created.starts_at == datetime(2026, 7, 14, 1, 0, tzinfo=timezone.utc)
    assert created.timezone == "Asia/Makassar" and created.series_id is None
    assert [i.id for i in created.innovations] == [world.innovation.id]
    assert [e.action for e in created.events] == ["created"]
    invitations = outbox("session_invitation")
    assert {n.recipient_id for n in invitations} == {world.contact.id, world.trainer.id}
    assert all(n.attachments and n.attachments[0]["filename"] == "undangan.ics"
               for n in invitations)
    assert "Selasa, 14 Juli 2026 09.00–11.00 WITA" in invitations[0].subject
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "session_created")) == 1


def test_weekly_series_of_four_tuesdays(world, client, auth):
    auth.login_as(world.staff)
    response = client.post("/coaching/new", data=form(world, repeat="weekly", repeat_count="4"))
    assert response.status_code == 302
    series = sessions(title="Klinik Inovasi Juli")
    assert [s.starts_at.day for s in series] == [14, 21, 28, 4]
    assert all(s.starts_at.astimezone(s.starts_at.tzinfo).hour == 1 for s in series)
    assert len({s.series_id for s in series}) == 1 and series[0].series_id
    assert len({s.uid for s in series}) == 4
    assert len(outbox("session_invitation")) == 8


def test_warnings_keep_the_input_and_need_the_confirm_box(world, client, auth):
    auth.login_as(world.staff)
    data = form(world, date="2026-07-11", title="Klinik hari Sabtu")  # a Saturday
    response = client.post("/coaching/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sabtu, 11 Juli 2026 jatuh pada akhir pekan." in page
    assert 'value="Klinik hari Sabtu"' in page and 'value="2026-07-11"' in page
    assert 'name="confirm"' in page
    assert sessions(title="Klinik hari Sabtu") == [] and outbox("session_invitation") == []
    response = client.post("/coaching/new", data={**data, "confirm": "y"})
    assert response.status_code == 302
    saved, = sessions(title="Klinik hari Sabtu")
    assert saved.events[0].detail["warnings"] == ["weekend"]


def test_clash_blocks_until_confirmed(world, client, auth):
    auth.login_as(world.staff)
    data = form(world, date="2026-07-07", start="10:00", end="12:00", title="Klinik bentrok",
                skpds=[world.other_skpd.id], innovations=[], room="")
    page = client.post("/coaching/new", data=data).get_data(as_text=True)
    assert "Bentrok" in page and "sudah dijadwalkan" in page
    assert "Klinik Inovasi Dinas Pertama" in page
    assert sessions(title="Klinik bentrok") == []
    assert client.post("/coaching/new", data={**data, "confirm": "y"}).status_code == 302
    assert len(sessions(title="Klinik bentrok")) == 1


def test_innovation_of_another_skpd_is_refused(world, client, auth):
    auth.login_as(world.staff)
    page = client.post("/coaching/new", data=form(world, skpds=[world.other_skpd.id])).get_data(
        as_text=True)
    assert "Pilih hanya inovasi milik Perangkat Daerah yang dipilih." in page
    assert sessions(title="Klinik Inovasi Juli") == []


def test_reschedule_bumps_sequence_keeps_history_and_reinvites(world, client, auth):
    auth.login_as(world.staff)
    session = world.session
    data = form(world, title=session.title, date="2026-07-08", room="Ruang Rapat 1",
                place="Ruang Rapat Bappeda", agenda=session.agenda, version=session.version_id)
    response = client.post(f"/coaching/{session.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.sequence == 1
    assert session.starts_at == datetime(2026, 7, 8, 1, 0, tzinfo=timezone.utc)
    event = session.events[0]
    assert event.action == "rescheduled"
    assert event.detail["from"][0].startswith("2026-07-07T01:00")
    assert event.detail["to"][0].startswith("2026-07-08T01:00")
    invitations = outbox("session_invitation")
    assert {n.dedupe_key for n in invitations} == {
        f"session:{session.id}:{world.contact.id}:invite:1",
        f"session:{session.id}:{world.trainer.id}:invite:1"}
    page = client.get(f"/coaching/{session.id}").get_data(as_text=True)
    assert "Jadwal ulang" in page and "Selasa, 7 Juli 2026 09.00–11.00 WITA" in page


def test_title_change_is_an_update_without_reinvitation(world, client, auth):
    auth.login_as(world.staff)
    session = world.session
    data = form(world, title="Judul baru", date="2026-07-07", room="Ruang Rapat 1",
                place="Ruang Rapat Bappeda", agenda=session.agenda, version=session.version_id)
    assert client.post(f"/coaching/{session.id}/edit", data=data).status_code == 302
    db.session.refresh(session)
    assert session.title == "Judul baru" and session.sequence == 1
    assert session.events[0].action == "updated"
    assert outbox("session_invitation") == []


def test_stale_version_keeps_the_input(world, client, auth):
    auth.login_as(world.staff)
    session = world.session
    opened = session.version_id
    session.title = "Diubah orang lain"
    db.session.commit()
    data = form(world, title="Judul saya", date="2026-07-07", room="Ruang Rapat 1",
                place="Ruang Rapat Bappeda", version=opened)
    response = client.post(f"/coaching/{session.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "telah diubah oleh pengguna lain" in page and 'value="Judul saya"' in page
    db.session.refresh(session)
    assert session.title == "Diubah orang lain" and session.sequence == 0
    # The page now carries the latest version, so saving again replaces it deliberately.
    assert f'name="version" type="hidden" value="{session.version_id}"' in page


def test_cancel_needs_a_reason_and_tells_everyone(world, client, auth):
    auth.login_as(world.staff)
    session = world.session
    response = client.post(f"/coaching/{session.id}/cancel", data={"reason": ""})
    assert response.status_code == 200 and "Tuliskan alasan pembatalan" in response.get_data(
        as_text=True)
    db.session.refresh(session)
    assert session.status == SessionStatus.PLANNED
    response = client.post(f"/coaching/{session.id}/cancel", data={"reason": "Narasumber sakit"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status == SessionStatus.CANCELLED and session.sequence == 1
    assert session.cancel_reason == "Narasumber sakit" and session.cancelled_at is not None
    cancelled = outbox("session_cancelled")
    assert {n.recipient_id for n in cancelled} == {world.contact.id, world.trainer.id}
    assert "Narasumber sakit" in cancelled[0].body_text
    assert "METHOD:CANCEL" in cancelled[0].attachments[0]["data"]
    # A cancelled session can be neither changed nor cancelled again.
    page = client.post(f"/coaching/{session.id}/edit", data=form(world)).get_data(as_text=True)
    assert "tidak dapat diubah" in page
    assert client.post(f"/coaching/{session.id}/cancel", data={"reason": "lagi"}).status_code == 200
    assert len(outbox("session_cancelled")) == 2


def test_held_session_cannot_be_edited(world, client, auth):
    world.session.status = SessionStatus.HELD
    db.session.commit()
    auth.login_as(world.staff)
    data = form(world, title="Tidak boleh", date="2026-07-07")
    assert "tidak dapat diubah" in client.post(f"/coaching/{world.session.id}/edit",
                                               data=data).get_data(as_text=True)
    db.session.refresh(world.session)
    assert world.session.title == "Klinik Inovasi Dinas Pertama"


def test_wib_viewer_sees_the_wita_session_in_wib(world, client, auth):
    world.trainer.timezone = "Asia/Jakarta"
    db.session.commit()
    auth.login_as(world.trainer)
    page = client.get(f"/coaching/{world.session.id}").get_data(as_text=True)
    assert "Selasa, 7 Juli 2026 08.00–10.00 WIB" in page
    assert "Selasa, 7 Juli 2026 09.00–11.00 WITA" in page  # the local time, named as such
    listing = client.get("/coaching/").get_data(as_text=True)
    assert "08.00–10.00 WIB" in listing


def test_contacts_see_only_their_skpd_sessions(world, client, auth):
    auth.login_as(world.other_contact)
    assert client.get(f"/coaching/{world.session.id}").status_code == 404
    assert world.session.title not in client.get("/coaching/").get_data(as_text=True)
    auth.logout()
    auth.login_as(world.contact)
    assert world.session.title in client.get("/coaching/").get_data(as_text=True)


def test_trainer_list_defaults_to_own_sessions(world, client, auth, make_user):
    other = make_user("trainer")
    db.session.add(CoachingSession(title="Sesi narasumber lain", skpds=[world.other_skpd],
                                   trainers=[other], starts_at=world.session.starts_at,
                                   ends_at=world.session.ends_at))
    db.session.commit()
    auth.login_as(world.trainer)
    mine = client.get("/coaching/").get_data(as_text=True)
    assert world.session.title in mine and "Sesi narasumber lain" not in mine
    everything = client.get("/coaching/?mine=0").get_data(as_text=True)
    assert "Sesi narasumber lain" in everything


def test_empty_list_tells_staff_to_schedule(app, client, auth, make_user):
    auth.login_as(make_user("staff"))
    page = client.get("/coaching/").get_data(as_text=True)
    assert "Jadwalkan Coaching Clinic pertama" in page
    assert db.session.scalar(select(func.count()).select_from(SessionEvent)) == 0


def test_skpd_taken_off_gets_a_cancellation_the_new_one_an_invitation(world, client, auth):
    auth.login_as(world.staff)
    session = world.session
    data = form(world, title=session.title, date="2026-07-07", skpds=[world.other_skpd.id],
                innovations=[], room="Ruang Rapat 1", place="Ruang Rapat Bappeda",
                agenda=session.agenda, version=session.version_id)
    assert client.post(f"/coaching/{session.id}/edit", data=data).status_code == 302
    assert [n.recipient_id for n in outbox("session_cancelled")] == [world.contact.id]
    assert {n.recipient_id for n in outbox("session_invitation")} == {
        world.other_contact.id, world.trainer.id}
    db.session.refresh(session)
    assert session.events[0].action == "updated" and session.sequence == 1


def test_past_start_warns_when_moved_there_not_when_only_renamed(world, client, auth):
    session = world.session  # 7 July 2026 09.00 WITA
    with time_machine.travel(datetime(2026, 7, 8, 2, 0, tzinfo=timezone.utc), tick=False):
        auth.login_as(world.staff)
        renamed = form(world, title="Klinik (judul baru)", date="2026-07-07", room="Ruang Rapat 1",
                       place="Ruang Rapat Bappeda", agenda=session.agenda,
                       version=session.version_id)
        assert client.post(f"/coaching/{session.id}/edit", data=renamed).status_code == 302
        db.session.refresh(session)
        moved = dict(renamed, date="2026-07-06", version=session.version_id)
        page = client.post(f"/coaching/{session.id}/edit", data=moved)
        assert page.status_code == 200
        assert "Waktu mulai sudah lewat" in page.get_data(as_text=True)
    db.session.refresh(session)
    assert session.title == "Klinik (judul baru)"
    assert session.starts_at == datetime(2026, 7, 7, 1, 0, tzinfo=timezone.utc)
