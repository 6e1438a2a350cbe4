"""Issue 13 phase 1: the demo's upcoming Bimtek, open for registration."""
from datetime import datetime, timezone

import time_machine
from sqlalchemy import select

from clinic.bimtek.models import BimtekEvent
from clinic.bimtek.services import agenda_warnings
from clinic.demo import seed_demo
from clinic.demo.admin import seed_accounts
from clinic.demo.bimtek import seed_bimtek_demo
from clinic.extensions import db
from clinic.outbox.models import Notification

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


def test_demo_event_is_open_with_speakers_and_some_skpds_registered(app, uploads_dir):
    with time_machine.travel(NOW, tick=False):
        skpds, people, contacts = seed_accounts(1)
        db.session.flush()
        summary = seed_bimtek_demo(skpds, people, contacts, people["staff@demo.test"])
        db.session.commit()
        event = db.session.scalars(select(BimtekEvent).where(BimtekEvent.status == "open")).one()
        assert event.status == "open" and len(event.days) == 2
        assert all(d.day_on > NOW.date() for d in event.days)
        speakers = [s.label for d in event.days for i in d.items for s in i.speakers]
        assert any("BRIN" in s for s in speakers) and any("Kemendagri" in s for s in speakers)
        assert 6 <= len(event.invitations) <= 8
        filled = [i for i in event.invitations if i.active_participants]
        assert 0 < len(filled) < len(event.invitations)
        assert all(len(i.active_participants) <= i.quota for i in event.invitations)
        assert all(i.deadline_at > NOW for i in event.invitations)
        assert summary["participants"] == sum(len(i.active_participants) for i in filled)
        assert agenda_warnings(event) == []
        assert db.session.scalar(select(Notification.id).where(
            Notification.kind.like("bimtek%"))) is None  # the demo sends no mail


def test_seed_demo_composes_the_bimtek_step():
    # seed_demo runs the Bimtek step (its cost is a handful of rows; the whole demo is
    # exercised by the coaching and reporting demo tests).
    assert "seed_bimtek_demo" in seed_demo.__code__.co_names
