"""Invitations parsed back with icalendar: METHOD, stable UID, SEQUENCE, CANCEL, zones, MIME."""
from datetime import datetime, timezone
from email import message_from_bytes

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from clinic.coaching import services
from clinic.extensions import db
from clinic.outbox.delivery import build_message
from clinic.outbox.models import Notification

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def rows(kind, user):
    return db.session.scalars(select(Notification).where(
        Notification.kind == kind, Notification.recipient_id == user.id)
        .order_by(Notification.id)).all()


def parsed(row):
    attachment, = row.attachments
    cal = Calendar.from_ical(attachment["data"])
    event, = cal.walk("VEVENT")
    return cal, event


def values(world, **changes):
    session = world.session
    data = {"title": session.title, "skpd_ids": [world.skpd.id], "trainer_ids": [world.trainer.id],
            "innovation_ids": [], "starts_at": session.starts_at, "ends_at": session.ends_at,
            "timezone": "Asia/Makassar", "room": session.room, "place": session.place,
            "online_url": None, "agenda": session.agenda, "count": 1}
    data.update(changes)
    return data


def test_invitation_update_and_cancel_parse_back(app, world):
    with app.test_request_context():
        created, = services.schedule(values(world, title="Klinik ICS"), world.staff)
        db.session.commit()
        first = rows("session_invitation", world.contact)[-1]
        cal, event = parsed(first)
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == created.uid
        assert int(event["SEQUENCE"]) == 0
        start = event.decoded("DTSTART")
        assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
        assert str(start.tzinfo) == "Asia/Makassar"
        assert start == created.starts_at
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]
        assert any(str(a) == f"mailto:{world.contact.email}" for a in event.get("ATTENDEE"))

        moved = datetime(2026, 7, 8, 1, 0, tzinfo=timezone.utc)
        services.update(created, values(world, title="Klinik ICS", starts_at=moved,
                                        ends_at=moved.replace(hour=3)),
                        world.staff, expected_version=created.version_id)
        db.session.commit()
        _cal, updated = parsed(rows("session_invitation", world.contact)[-1])
        assert str(updated["UID"]) == created.uid
        assert int(updated["SEQUENCE"]) == 1
        assert updated.decoded("DTSTART") == moved

        services.cancel(created, "Ruang dipakai", world.staff)
        db.session.commit()
        cancel_row = rows("session_cancelled", world.contact)[-1]
        cal, cancelled = parsed(cancel_row)
        assert str(cal["METHOD"]) == "CANCEL"
        assert str(cancelled["STATUS"]) == "CANCELLED"
        assert str(cancelled["UID"]) == created.uid
        assert int(cancelled["SEQUENCE"]) == 2


def test_delivered_message_carries_a_text_calendar_part(app, world):
    with app.test_request_context():
        services.schedule(values(world, title="Klinik MIME"), world.staff)
        db.session.commit()
        row = rows("session_invitation", world.trainer)[-1]
        message = message_from_bytes(build_message(row).as_bytes())
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert len(parts) == 1
        assert parts[0].get_param("method") == "REQUEST"
        body = parts[0].get_payload(decode=True).decode("utf-8")
        assert "BEGIN:VEVENT" in body and "TZID=Asia/Makassar" in body


def test_double_queue_of_the_same_sequence_is_refused(app, world):
    """The dedupe key names the sequence, so the same invitation cannot be queued twice."""
    from sqlalchemy.exc import IntegrityError

    from clinic.coaching import invitations

    with app.test_request_context():
        created, = services.schedule(values(world, title="Klinik sekali"), world.staff)
        db.session.commit()
        keys = {r.dedupe_key for r in rows("session_invitation", world.contact)}
        assert keys == {f"session:{created.id}:{world.contact.id}:invite:0"}
        invitations.invite(created)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
