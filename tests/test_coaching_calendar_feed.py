"""The personal calendar feed: valid iCalendar, right local times, scoping, tasks, revocation."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from clinic.audit import AuditEvent
from clinic.coaching.models import CoachingSession
from clinic.extensions import db
from clinic.followups.models import FollowUpTask

UTC = timezone.utc
NOW = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def feed_world(world, make_user):
    """The route-table world plus a session and a task of SKPD B and a cancelled session of A."""
    other = CoachingSession(title="Klinik Dinas Kedua", skpds=[world.other_skpd],
                            trainers=[make_user("trainer")],
                            starts_at=datetime(2026, 7, 8, 1, 0, tzinfo=UTC),
                            ends_at=datetime(2026, 7, 8, 3, 0, tzinfo=UTC))
    cancelled = CoachingSession(title="Klinik Batal", skpds=[world.skpd], trainers=[world.trainer],
                                starts_at=datetime(2026, 7, 9, 1, 0, tzinfo=UTC),
                                ends_at=datetime(2026, 7, 9, 3, 0, tzinfo=UTC), status="cancelled")
    db.session.add_all([other, cancelled])
    db.session.flush()
    db.session.add_all([
        FollowUpTask(skpd_id=world.other_skpd.id, owner_id=world.other_contact.id,
                     title="Tugas Dinas Kedua", due_on=date(2026, 7, 22)),
        FollowUpTask(skpd_id=world.skpd.id, title="Tugas selesai", due_on=date(2026, 7, 23),
                     status="closed"),
    ])
    db.session.commit()
    world.other_session, world.cancelled_session = other, cancelled
    return world


def _feed(client, token):
    with time_machine.travel(NOW, tick=False):
        return client.get(f"/coaching/feed/{token}.ics")


def _events(response):
    cal = Calendar.from_ical(response.data)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_feed_is_valid_icalendar_with_the_right_local_time(client, feed_world):
    response = _feed(client, feed_world.contact.calendar_token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    events = _events(response)
    session = events["Klinik Inovasi Dinas Pertama"]
    start = session.decoded("dtstart")
    assert start == feed_world.session.starts_at
    assert start.astimezone(ZoneInfo("Asia/Makassar")).hour == 9
    assert session["dtstart"].params["TZID"] == "Asia/Makassar"
    assert str(session["uid"]) == feed_world.session.uid
    assert "VTIMEZONE" in response.get_data(as_text=True)


def test_contact_feed_has_only_own_skpd_and_due_dates(client, feed_world):
    events = _events(_feed(client, feed_world.contact.calendar_token))
    assert "Klinik Dinas Kedua" not in events
    assert not any("Tugas Dinas Kedua" in name for name in events)
    assert not any("Tugas selesai" in name for name in events)
    task = next(e for name, e in events.items() if "Unggah SK inovasi" in name)
    assert task.decoded("dtstart") == date(2026, 7, 21)  # an all-day event
    assert task.decoded("dtend") == date(2026, 7, 22)
    assert str(task["uid"]) == f"task-{feed_world.task.id}@klinik-inovasi"
    assert str(task["url"]).endswith(f"/tindak-lanjut/{feed_world.task.id}")
    # A cancelled session stays in the feed so subscribed calendars drop it.
    assert str(events["Klinik Batal"]["status"]) == "CANCELLED"
    assert str(events["Klinik Inovasi Dinas Pertama"]["status"]) == "CONFIRMED"


def test_staff_feed_has_every_session_and_no_tasks(client, feed_world):
    feed_world.staff.calendar_token = "staff-feed-token-0123456789abcdef"
    db.session.commit()
    events = _events(_feed(client, feed_world.staff.calendar_token))
    assert {"Klinik Inovasi Dinas Pertama", "Klinik Dinas Kedua", "Klinik Batal"} <= set(events)
    assert not any("Unggah SK inovasi" in name for name in events)


def test_trainer_feed_has_own_sessions_and_their_tasks(client, feed_world):
    feed_world.trainer.calendar_token = "trainer-feed-token-0123456789abcd"
    db.session.commit()
    events = _events(_feed(client, feed_world.trainer.calendar_token))
    assert "Klinik Inovasi Dinas Pertama" in events and "Klinik Dinas Kedua" not in events
    assert any("Unggah SK inovasi" in name for name in events)
    assert not any("Tugas Dinas Kedua" in name for name in events)


def test_feed_leaves_out_sessions_long_past(client, feed_world):
    with time_machine.travel(NOW + timedelta(days=90), tick=False):
        response = client.get(f"/coaching/feed/{feed_world.contact.calendar_token}.ics")
    assert "Klinik Inovasi Dinas Pertama" not in _events(response)


def test_unknown_and_inactive_tokens_answer_404(client, feed_world):
    assert _feed(client, "no-such-token-0123456789abcdefghij").status_code == 404
    feed_world.contact.is_active = False
    db.session.commit()
    assert _feed(client, feed_world.contact.calendar_token).status_code == 404


def test_regenerate_revokes_the_old_url(client, auth, feed_world):
    old = feed_world.contact.calendar_token
    auth.login_as(feed_world.contact)
    response = client.post("/coaching/feed/regenerate")
    assert response.status_code == 302
    assert "/coaching/calendar" in response.headers["Location"]
    db.session.expire_all()
    new = feed_world.contact.calendar_token
    assert new and new != old and len(new) >= 43
    auth.logout()
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200  # no login needed
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "calendar_token_regenerated")).one()
    assert audit.actor_id == feed_world.contact.id


def test_calendar_page_offers_the_feed_url(client, auth, feed_world):
    auth.login_as(feed_world.staff)
    body = client.get("/coaching/calendar").get_data(as_text=True)
    assert "Langganan kalender" in body and ".ics" not in body
    assert "Buat tautan kalender" in body
    client.post("/coaching/feed/regenerate")
    db.session.expire_all()
    body = client.get("/coaching/calendar").get_data(as_text=True)
    assert f"/coaching/feed/{feed_world.staff.calendar_token}.ics" in body
    assert "http" in body.split(f"/coaching/feed/{feed_world.staff.calendar_token}.ics")[0][-60:]
    assert "Tautan lama berhenti berfungsi" in body
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "calendar_token_created")).one().actor_id == feed_world.staff.id
