"""Words in coaching mails, pages and .ics: the change mail names old and new time, a title or a
room is named with its kind once, the agency has one spelling (config) and the configured sender
organizes, no English COMMENT in VTIMEZONE, counted messages use ngettext."""
import subprocess
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.messages.pofile import read_po
from icalendar import Calendar
from sqlalchemy import select

from clinic.coaching import services
from clinic.coaching.checks import check_schedule
from clinic.coaching.models import CoachingSession
from clinic.extensions import db
from clinic.outbox.models import Notification

ROOT = Path(__file__).resolve().parents[1]
WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
AGENCY = "Bappeda Kota Contoh"
SENDER = "Klinik Inovasi Kota Contoh <inovasi@kota-contoh.go.id>"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def wita(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), WITA).astimezone(timezone.utc)


def values(world, **changes):
    data = {"title": "Coaching Clinic Dishub", "skpd_ids": [world.skpd.id],
            "trainer_ids": [world.trainer.id], "innovation_ids": [],
            "starts_at": wita(date(2026, 12, 7), 9, 30), "ends_at": wita(date(2026, 12, 7), 11),
            "timezone": "Asia/Makassar", "room": "Ruang Rapat Bappeda", "place": None,
            "online_url": None, "agenda": None, "count": 1}
    data.update(changes)
    return data


def mails(kind, user):
    return db.session.scalars(select(Notification).where(
        Notification.kind == kind, Notification.recipient_id == user.id)
        .order_by(Notification.id)).all()


def event_of(row):
    cal = Calendar.from_ical(row.attachments[0]["data"])
    event, = cal.walk("VEVENT")
    return cal, event


def test_change_mail_states_old_and_new_time_with_a_higher_sequence(app, world):
    session, = services.schedule(values(world), world.staff)
    db.session.commit()
    services.update(session, values(world, starts_at=wita(date(2026, 12, 9), 9),
                                    ends_at=wita(date(2026, 12, 9), 11),
                                    room="Aula Bappeda"), world.staff)
    db.session.commit()
    first, change = mails("session_invitation", world.contact)
    expected = ("Jadwal berubah: dari Senin, 7 Desember 2026 09.30 WITA menjadi "
                "Rabu, 9 Desember 2026 09.00 WITA")
    for body in (change.body_text, change.body_html):
        assert expected in body
        assert "Tempat berubah: dari Ruang Rapat Bappeda menjadi Aula Bappeda" in body
    assert "Jadwal berubah" not in first.body_text
    assert int(event_of(change)[1]["SEQUENCE"]) > int(event_of(first)[1]["SEQUENCE"])
    # A trainer who reads WIB gets both times in WIB.
    world.trainer.timezone = "Asia/Jakarta"
    db.session.commit()
    services.update(session, values(world, starts_at=wita(date(2026, 12, 10), 9),
                                    ends_at=wita(date(2026, 12, 10), 11),
                                    room="Aula Bappeda"), world.staff)
    db.session.commit()
    assert ("Jadwal berubah: dari Rabu, 9 Desember 2026 08.00 WIB menjadi "
            "Kamis, 10 Desember 2026 08.00 WIB") in mails("session_invitation",
                                                         world.trainer)[-1].body_text


def test_a_title_or_room_is_named_with_its_kind_once(app, world):
    session, = services.schedule(values(world), world.staff)
    plain, = services.schedule(values(world, title="Dishub", starts_at=wita(date(2026, 12, 8), 9),
                                      ends_at=wita(date(2026, 12, 8), 11)), world.staff)
    db.session.commit()
    services.update(session, values(world, starts_at=wita(date(2026, 12, 7), 10),
                                    ends_at=wita(date(2026, 12, 7), 11)), world.staff)
    services.cancel(session, "Ruang dipakai", world.staff)
    db.session.commit()
    subjects = [row.subject for row in db.session.scalars(select(Notification))]
    assert any(s.startswith("Undangan: Coaching Clinic Dishub, ") for s in subjects)
    assert any(s.startswith("Perubahan: Coaching Clinic Dishub, ") for s in subjects)
    assert any(s.startswith("Dibatalkan: Coaching Clinic Dishub, ") for s in subjects)
    assert not any("Coaching Clinic Coaching Clinic" in s for s in subjects), subjects
    assert mails("session_invitation", world.contact)[1].subject.startswith(
        "Undangan: Coaching Clinic Dishub")  # "Dishub" alone gets its kind
    assert plain.title == "Dishub"

    with app.test_request_context():
        for room, named in (("Ruang Rapat Bappeda", "Ruang Rapat Bappeda sudah dipakai"),
                            ("Aula Bappeda", "Aula Bappeda sudah dipakai"),
                            ("Rapat 2", "Ruang Rapat 2 sudah dipakai")):
            db.session.add(CoachingSession(title="Lain", room=room, skpds=[world.skpd],
                                           starts_at=wita(date(2026, 12, 14), 9),
                                           ends_at=wita(date(2026, 12, 14), 11)))
            db.session.flush()
            found = [str(w) for w in check_schedule(
                wita(date(2026, 12, 14), 10), wita(date(2026, 12, 14), 12), skpd_ids=[],
                trainer_ids=[], room=room, tz="Asia/Makassar") if w.kind == "clash_room"]
            assert found and found[-1].startswith(named), found
            assert "Ruang Ruang" not in " ".join(found)
            db.session.rollback()


@pytest.mark.app_config(CLINIC_AGENCY=AGENCY, MAIL_DEFAULT_SENDER=SENDER)
def test_ics_names_the_configured_agency_and_sender_without_english(app, world, client, auth):
    services.schedule(values(world), world.staff)
    db.session.commit()
    row = mails("session_invitation", world.contact)[0]
    cal, event = event_of(row)
    assert str(cal["PRODID"]) == f"-//{AGENCY}//Klinik Inovasi//ID"
    assert str(event["ORGANIZER"]) == "mailto:inovasi@kota-contoh.go.id"
    assert event["ORGANIZER"].params["CN"] == AGENCY
    assert f"{AGENCY} mengundang Anda" in row.body_text
    data = row.attachments[0]["data"]
    assert "Bappeda Litbang" not in data and "localhost" not in data.split("ORGANIZER")[1][:80]
    auth.login_as(world.contact)
    feed = client.get(f"/coaching/feed/{world.contact.calendar_token}.ics").data.decode()
    for text in (data, feed):
        zones = Calendar.from_ical(text).walk("VTIMEZONE")
        assert zones and all("COMMENT" not in zone for zone in zones)
        assert "This timezone" not in text
    assert f"PRODID:-//{AGENCY}//" in feed


COACHING = ("clinic/coaching/", "templates/coaching/", "templates/email/session_",
            "templates/email/invitation.")
COUNTS = ("%(num)", "%(n)", "%(count)", "%(days)")


def test_every_counted_message_in_coaching_uses_ngettext(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, text=True)
    with pot.open("rb") as f:
        catalogue = read_po(f)
    counted = [message for message in catalogue if message.id and any(
        location.replace("\\", "/").startswith(COACHING) for location, _line in
        message.locations) and any(c in "".join(message.id if message.pluralizable
                                                else [message.id]) for c in COUNTS)]
    assert counted, "the coaching messages were not found"
    singular = [message.id for message in counted if not message.pluralizable]
    assert not singular, f"counted messages without ngettext: {singular}"
