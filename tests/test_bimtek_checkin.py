"""Issue 13, check-in: the personal QR code in the confirmation, scanning it on an event day
(once per day, a second scan says when), refusals of wrong days, other events, forged codes and
cancelled participants, the day's list with counts and walk-ins, staff cancelling one
participant, and the daftar hadir as a printable page and a PDF."""
import base64
import io
import threading
from datetime import datetime, time, timezone
from types import SimpleNamespace

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select

from clinic.admin.models import Skpd
from clinic.audit import AuditEvent
from clinic.auth.models import User
from clinic.bimtek import services
from clinic.bimtek.models import CheckIn, EventDay, Participant
from clinic.bimtek.services import checkin, qr
from clinic.bimtek.services.attendance_pdf import daftar_hadir_pdf
from clinic.bimtek.services.links import make_token as cancel_token
from clinic.extensions import db
from clinic.outbox.models import Notification
from tests.test_bimtek_registration import _race_app

BEFORE = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
DAY_ONE = datetime(2026, 7, 15, 0, 12, tzinfo=timezone.utc)  # 08.12 WITA on the first day
NOT_A_DAY = datetime(2026, 7, 14, 1, 0, tzinfo=timezone.utc)


def _person(name, n):
    return {"name": name, "nip": f"19850101201001200{n}", "position": f"Jabatan {name}",
            "email": f"p{n}@example.test", "whatsapp": "0812"}


@pytest.fixture
def ev(app, make_user, make_skpd, make_bimtek):
    """An open two-day event (15-16 July 2026, WITA) of SKPD A and B: Rina and Ahmad of A,
    Budi of B, registered with their confirmation mail; staff, a trainer, contacts."""
    with time_machine.travel(BEFORE, tick=False):
        skpd_a, skpd_b = make_skpd(name="Dinas Kesehatan"), make_skpd(name="Dinas Pendidikan")
        found = SimpleNamespace(
            skpd_a=skpd_a, skpd_b=skpd_b, staff=make_user("staff"),
            trainer=make_user("trainer"), contact_a=make_user("contact", skpd=skpd_a),
            contact_b=make_user("contact", skpd=skpd_b),
            uninvited=make_skpd(name="Dinas Tidak Diundang"))
        event = make_bimtek(invite=[(skpd_a, 5), (skpd_b, 5)],
                            deadline_at=datetime(2026, 7, 10, tzinfo=timezone.utc))
        inv_a, inv_b = event.invitations
        people = [services.register(inv.id, _person(name, n), found.staff)
                  for n, (inv, name) in enumerate(((inv_a, "Rina Wulandari"),
                                                   (inv_a, "Ahmad Rizky"),
                                                   (inv_b, "Budi Santoso")), 1)]
        db.session.commit()
    found.event, found.people, found.day1, found.day2 = event, people, *event.days
    return found


def _scan_path(participant):
    return f"/bimtek/hadir/{qr.make_token(participant)}"


def _checkins(participant=None):
    stmt = select(func.count(CheckIn.id))
    if participant is not None:
        stmt = stmt.where(CheckIn.participant_id == participant.id)
    return db.session.scalar(stmt)


# -- the QR code in the confirmation ---------------------------------------------------------


def test_confirmation_carries_a_qr_png_of_the_signed_checkin_url(ev):
    rina = ev.people[0]
    row = db.session.scalars(select(Notification).where(
        Notification.kind == "bimtek_registered", Notification.to_email == rina.email)).one()
    png = next(a for a in row.attachments if a["filename"] == "qr-kehadiran.png")
    assert png["content_type"] == "image/png"
    data = base64.b64decode(png["data"])
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    # segno cannot read codes back: the PNG is exactly the one of the participant's URL, and
    # the URL's token names the participant and the event.
    url = qr.checkin_url(rina)
    assert data == qr.qr_png(url)
    assert url.startswith("http://localhost/bimtek/hadir/")
    assert qr.read_token(url.rsplit("/", 1)[1]) == (rina.id, ev.event.id)
    assert "qr-kehadiran.png" in row.body_text and "qr-kehadiran.png" in row.body_html
    # The cancel link is still made at send time, never stored.
    assert "/bimtek/batal-daftar/" not in row.body_text


def test_token_is_bound_to_its_salt_and_signature(ev):
    rina = ev.people[0]
    token = qr.make_token(rina)
    assert qr.read_token(token[:-2]) is None  # cut
    assert qr.read_token(token + "x") is None
    assert qr.read_token(cancel_token(rina)) is None  # another link's token


# -- scanning -----------------------------------------------------------------------------------


def test_scan_confirms_then_marks_present_once_and_says_when(ev, login):
    rina = ev.people[0]
    with time_machine.travel(DAY_ONE, tick=False):
        staff = login(ev.staff)
        page = staff.get(_scan_path(rina))
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Rina Wulandari" in text and "Catat hadir" in text
        assert "Dinas Kesehatan" in text and "Hari 1" in text
        assert _checkins() == 0  # GET never changes anything
        response = staff.post(_scan_path(rina))
        assert response.status_code == 302
        done = staff.get(response.headers["Location"]).get_data(as_text=True)
        assert "tercatat hadir pukul 08.12 WITA" in done
        row = db.session.scalars(select(CheckIn)).one()
        assert (row.participant_id, row.day_id, row.method) == (rina.id, ev.day1.id, "qr")
        assert row.checked_by_id == ev.staff.id and row.skpd_id == ev.skpd_a.id
    with time_machine.travel(DAY_ONE.replace(hour=2), tick=False):
        staff = login(ev.staff)
        again = staff.get(_scan_path(rina)).get_data(as_text=True)
        assert "Rina Wulandari sudah hadir pukul 08.12 WITA." in again
        assert "Catat hadir</button>" not in again
        assert staff.post(_scan_path(rina)).status_code == 302
    assert _checkins() == 1


def test_second_day_is_a_new_check_in(ev, login):
    rina = ev.people[0]
    for moment in (DAY_ONE, DAY_ONE.replace(day=16)):
        with time_machine.travel(moment, tick=False):
            login(ev.staff).post(_scan_path(rina))
    days = db.session.scalars(select(CheckIn.day_id).order_by(CheckIn.day_id)).all()
    assert days == [ev.day1.id, ev.day2.id]


def test_scan_on_a_day_that_is_no_event_day_is_refused(ev, login):
    with time_machine.travel(NOT_A_DAY, tick=False):
        staff = login(ev.staff)
        response = staff.get(_scan_path(ev.people[0]))
        assert response.status_code == 409
        text = response.get_data(as_text=True)
        assert "Hari ini (Selasa, 14 Juli 2026) bukan hari pelaksanaan" in text
        assert "Catat hadir</button>" not in text
        assert staff.post(_scan_path(ev.people[0])).status_code == 302
    assert _checkins() == 0


def test_scan_uses_the_event_zone_for_today(ev, login):
    # 15 July 23.30 UTC is already 16 July 07.30 WITA: the second day.
    with time_machine.travel(datetime(2026, 7, 15, 23, 30, tzinfo=timezone.utc), tick=False):
        login(ev.staff).post(_scan_path(ev.people[0]))
    assert db.session.scalars(select(CheckIn.day_id)).one() == ev.day2.id


@pytest.mark.parametrize("mangle", [lambda t: t[:-4], lambda t: t[:10],
                                    lambda t: t.replace(".", "x", 1)])
def test_forged_or_cut_code_is_refused_without_a_500(ev, login, mangle):
    path = "/bimtek/hadir/" + mangle(qr.make_token(ev.people[0]))
    with time_machine.travel(DAY_ONE, tick=False):
        staff = login(ev.staff)
        response = staff.get(path)
        assert response.status_code == 404
        assert "Kode QR tidak sah atau terpotong." in response.get_data(as_text=True)
        assert "Rina" not in response.get_data(as_text=True)
        staff.post(path)
    assert _checkins() == 0


def test_another_links_token_is_refused(ev, login):
    with time_machine.travel(DAY_ONE, tick=False):
        staff = login(ev.staff)
        assert staff.get(f"/bimtek/hadir/{cancel_token(ev.people[0])}").status_code == 404


def test_cancelled_participant_is_refused(ev, login):
    rina = ev.people[0]
    services.cancel_registration(rina)
    db.session.commit()
    with time_machine.travel(DAY_ONE, tick=False):
        staff = login(ev.staff)
        response = staff.get(_scan_path(rina))
        assert response.status_code == 409
        assert "Pendaftaran Rina Wulandari sudah dibatalkan" in response.get_data(as_text=True)
        staff.post(_scan_path(rina))
    assert _checkins() == 0


@pytest.mark.parametrize("role", ["trainer", "contact_a"])
def test_only_staff_can_use_a_scanned_code(ev, login, role, client):
    with time_machine.travel(DAY_ONE, tick=False):
        other = login(getattr(ev, role))
        assert other.get(_scan_path(ev.people[0])).status_code == 403
        assert other.post(_scan_path(ev.people[0])).status_code == 403
        anonymous = client.get(_scan_path(ev.people[0]))
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _checkins() == 0


def test_code_on_a_days_page_of_another_event_is_refused(ev, login, make_bimtek):
    with time_machine.travel(BEFORE, tick=False):
        other = make_bimtek(invite=[(ev.skpd_a, 5)], title="Bimtek Lain",
                            deadline_at=datetime(2026, 7, 10, tzinfo=timezone.utc))
        stranger = services.register(other.invitations[0].id, _person("Sari Lain", 9), None)
        db.session.commit()
    url = f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}"
    with time_machine.travel(DAY_ONE, tick=False):
        staff = login(ev.staff)
        staff.post(url + "/kode", data={"code": qr.checkin_url(stranger)})
        page = staff.get(url).get_data(as_text=True)
    assert "Kode QR ini untuk bimtek lain: Bimtek Lain." in page
    assert _checkins() == 0


def test_pasted_link_on_todays_page_checks_in(ev, login):
    url = f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}"
    with time_machine.travel(DAY_ONE, tick=False):
        staff = login(ev.staff)
        staff.post(url + "/kode", data={"code": qr.checkin_url(ev.people[1]) + "/"})
        assert "Ahmad Rizky tercatat hadir." in staff.get(url).get_data(as_text=True)
        # The same code on the second day's page: the QR marks today only.
        staff.post(f"/bimtek/{ev.event.id}/hadir/{ev.day2.id}/kode",
                   data={"code": qr.checkin_url(ev.people[0])})
    assert db.session.scalars(select(CheckIn.participant_id)).all() == [ev.people[1].id]


def test_racing_scans_end_with_one_row(ev, monkeypatch):
    """The check before the insert saw nothing (another scan committed meanwhile): the unique
    pair refuses the insert and the existing row is returned."""
    rina = ev.people[0]
    first, created = checkin.check_in(rina, ev.day1, ev.staff, method="qr", now=DAY_ONE)
    db.session.commit()
    assert created
    real = checkin.existing_checkin
    monkeypatch.setattr(checkin, "existing_checkin",
                        lambda p, d, latest=False: real(p, d, latest) if latest else None)
    again, created = checkin.check_in(rina, ev.day1, ev.staff, method="list")
    db.session.commit()
    assert not created and again.id == first.id and _checkins() == 1


# -- the day's list ------------------------------------------------------------------------------


def _counts(page):
    return {key: int(page.split(f'data-count="{key}">')[1].split("<")[0])
            for key in ("registered", "present", "walk_ins", "absent")}


def test_tick_undo_walk_in_and_the_days_counts(ev, login):
    url = f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}"
    with time_machine.travel(DAY_ONE, tick=False):
        staff = login(ev.staff)
        assert staff.post(f"{url}/{ev.people[0].id}").status_code == 302
        assert staff.post(f"{url}/{ev.people[1].id}").status_code == 302
        assert staff.post(f"{url}/{ev.people[1].id}/batal").status_code == 302
        response = staff.post(f"{url}/peserta-langsung", data={
            "name": "Dewi Tamu", "skpd": ev.skpd_b.id, "position": "Staf",
            "email": "dewi@example.test"})
        assert response.status_code == 302
        page = staff.get(url).get_data(as_text=True)
    assert _counts(page) == {"registered": 3, "present": 2, "walk_ins": 1, "absent": 2}
    assert "Hadir 08.12 WITA" in page and "Dewi Tamu" in page
    dewi = db.session.scalars(select(Participant).where(Participant.name == "Dewi Tamu")).one()
    assert dewi.walk_in and dewi.over_quota_reason == "walk-in" and dewi.skpd_id == ev.skpd_b.id
    assert db.session.scalars(select(CheckIn.method).where(
        CheckIn.participant_id == dewi.id)).one() == "walk_in"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "bimtek_checkin_undone")) == 1
    # A walk-in of the first day is on the second day's list, not counted as registered.
    with time_machine.travel(DAY_ONE.replace(day=16), tick=False):
        second = login(ev.staff).get(f"/bimtek/{ev.event.id}/hadir/{ev.day2.id}")
        second = second.get_data(as_text=True)
    assert "Dewi Tamu" in second
    assert _counts(second) == {"registered": 3, "present": 0, "walk_ins": 0, "absent": 3}


def test_walk_in_refusals_keep_what_was_typed(ev, login):
    staff = login(ev.staff)
    url = f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}/peserta-langsung"
    typed = {"name": "Tamu Salah", "skpd": ev.uninvited.id, "position": "Staf",
             "email": "tamu@example.test"}
    response = staff.post(url, data=typed)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="Tamu Salah"' in text
    no_mail = staff.post(url, data={**typed, "skpd": ev.skpd_a.id, "email": ""})
    assert no_mail.status_code == 400 and "Wajib diisi." in no_mail.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Participant.id))) == 3 and _checkins() == 0


def test_search_narrows_the_list_on_the_server(ev, login):
    staff = login(ev.staff)
    page = staff.get(f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}?q=pendidikan")
    text = page.get_data(as_text=True)
    assert "Budi Santoso" in text and "Rina Wulandari" not in text
    assert _counts(text)["registered"] == 3  # the counts are the day's, not the search's
    assert 'data-filter-list="checkin-rows"' in text


def test_tick_of_a_participant_of_another_event_is_404(ev, login, make_bimtek):
    with time_machine.travel(BEFORE, tick=False):
        other = make_bimtek(invite=[(ev.skpd_a, 5)], title="Bimtek Lain")
        stranger = services.register(other.invitations[0].id, _person("Sari", 8), None)
        db.session.commit()
    staff = login(ev.staff)
    url = f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}/{stranger.id}"
    assert staff.post(url).status_code == 404
    assert staff.get(f"/bimtek/{ev.event.id}/hadir/{other.days[0].id}").status_code == 404
    assert _checkins() == 0


@pytest.mark.parametrize("role", ["trainer", "contact_a", "contact_b"])
def test_no_checkin_page_for_trainers_or_contacts(ev, login, role):
    user = login(getattr(ev, role))
    base = f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}"
    for path in (base, base + "/cetak", base + "/daftar-hadir.pdf"):
        response = user.get(path)
        assert response.status_code == 403
        assert "Budi Santoso" not in response.get_data(as_text=True)
    assert user.post(f"{base}/{ev.people[0].id}").status_code == 403
    assert _checkins() == 0


def test_staff_cancel_one_participant_with_a_reason(ev, login):
    staff, rina = login(ev.staff), ev.people[0]
    url = f"/bimtek/{ev.event.id}/peserta/{rina.id}/batal"
    response = staff.post(url, data={"reason": ""})
    assert response.status_code == 302
    db.session.refresh(rina)
    assert rina.cancelled_at is None
    detail = staff.get(f"/bimtek/{ev.event.id}").get_data(as_text=True)
    assert "Tuliskan alasan pembatalan." in detail and f'action="{url}"' in detail
    staff.post(url, data={"reason": "Mutasi ke kecamatan"})
    db.session.refresh(rina)
    assert rina.cancelled_at is not None
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "bimtek_participant_cancelled")).one()
    assert audit.actor_id == ev.staff.id and "Mutasi ke kecamatan" in audit.summary
    # A contact sees no cancel form and may not post one.
    contact = login(ev.contact_a)
    assert f'action="{url}"' not in contact.get(f"/bimtek/{ev.event.id}").get_data(as_text=True)
    assert contact.post(f"/bimtek/{ev.event.id}/peserta/{ev.people[1].id}/batal",
                        data={"reason": "x"}).status_code == 403


# -- the daftar hadir --------------------------------------------------------------------------


def _present_and_walk_in(ev):
    checkin.check_in(ev.people[0], ev.day1, ev.staff, now=DAY_ONE)
    checkin.add_walk_in(ev.day1, {"skpd_id": ev.skpd_b.id, "name": "Dewi Tamu",
                                  "position": "Staf", "email": "dewi@example.test"},
                        ev.staff, now=DAY_ONE)
    db.session.commit()


def test_daftar_hadir_pdf_holds_every_name_and_marks_the_present(ev, login):
    _present_and_walk_in(ev)
    data = daftar_hadir_pdf(ev.day1)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for name in ("Rina Wulandari", "Ahmad Rizky", "Budi Santoso", "Dewi Tamu"):
        assert name in text
    assert "DAFTAR HADIR" in text and "Tanda tangan" in text and "Hotel Kindai" in text
    assert "Perangkat Daerah" in text and "198501012010012001" in text
    assert "(hadir 08.12)" in text and "peserta langsung" in text
    assert "Hari ke-1, Rabu, 15 Juli 2026" in text
    assert "Terdaftar: 3 orang; hadir: 2 orang" in text
    response = login(ev.staff).get(f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}/daftar-hadir.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data.startswith(b"%PDF")


def test_daftar_hadir_print_page_has_signature_boxes(ev, login):
    _present_and_walk_in(ev)
    page = login(ev.staff).get(f"/bimtek/{ev.event.id}/hadir/{ev.day1.id}/cetak")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "DAFTAR HADIR" in text
    assert text.count('class="print-signature-cell"') >= 4 + 5 + 1
    assert "css/print.css" in text and "Rina Wulandari" in text and "(peserta langsung)" in text


def test_two_phones_scanning_at_once_on_real_connections(app, tmp_path, monkeypatch):
    """Both see no check-in, then both insert: the unique pair lets one win; the other gets
    the winner's row back (PostgreSQL, MariaDB, or a SQLite file)."""
    race, own_db = _race_app(app, tmp_path)
    with race.app_context():
        skpd = Skpd(code="RACE", name="Dinas Balapan", short_name="Balapan")
        staff = User(email="race-staff@example.test", name="Staf", role="staff")
        db.session.add_all([skpd, staff])
        db.session.flush()
        event = services.create_event({"title": "Bimtek Balapan"},
                                      [(DAY_ONE.date(), time(8), time(16))], None)
        event.status = "open"
        services.invite(event, [skpd], 5, DAY_ONE, None)
        person = services.register(event.invitations[0].id, _person("Rina", 1), None,
                                   override_reason="uji", confirm=False, now=BEFORE)
        db.session.commit()
        ids = (person.id, event.days[0].id, staff.id)
    barrier, results, real = threading.Barrier(2), {}, checkin.existing_checkin

    def after_both_looked(participant, day, latest=False):
        found = real(participant, day, latest)
        if not latest:
            barrier.wait(timeout=10)
        return found

    monkeypatch.setattr(checkin, "existing_checkin", after_both_looked)

    def scan(n):
        with race.app_context():
            try:
                participant, day = db.session.get(Participant, ids[0]), db.session.get(
                    EventDay, ids[1])
                row, created = checkin.check_in(participant, day, db.session.get(User, ids[2]),
                                                method="qr", now=DAY_ONE)
                db.session.commit()
                results[n] = (created, row.id)
            except Exception as exc:  # reported below, never a 500's cause left unseen
                results[n] = repr(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scan, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == [(False, results[0][1]), (True, results[0][1])], results
    with race.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1
        if own_db:
            db.engine.dispose()
