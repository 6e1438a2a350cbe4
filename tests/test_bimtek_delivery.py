"""Issue 13 phase 1: a participant's confirmation travels over real SMTP with its .ics and a
cancel link made at send time (the participant has no account)."""
import re
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.bimtek import services
from clinic.bimtek.models import Participant
from clinic.extensions import db
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification
from tests.smtp_sink import MAIL

pytestmark = pytest.mark.app_config(**MAIL)
NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)


def test_confirmation_arrives_with_ics_and_a_working_cancel_link(client, make_user,
                                                                make_bimtek, sink):
    with time_machine.travel(NOW, tick=True):
        contact = make_user("contact")
        event = make_bimtek(invite=[(contact.skpd, 2)])
        services.register(event.invitations[0].id, {
            "name": "Rina", "position": "Analis", "email": "rina@example.test",
            "whatsapp": "0812"}, contact)
        db.session.commit()
        deliver_pending()
        # The contact's invitation mail went too (tests/test_bimtek_letters.py).
        row = db.session.scalars(select(Notification).where(
            Notification.kind == "bimtek_registered")).one()
        assert row.status == "sent"
        message = next(m["message"] for m in sink.messages
                       if m["rcpt_tos"] == ["rina@example.test"])
        assert message["To"] == "rina@example.test"
        ics = [p for p in message.walk() if p.get_filename() == "bimtek.ics"]
        assert len(ics) == 1 and ics[0].get_content().count("BEGIN:VEVENT") == 2
        body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        link = re.search(r"https?://\S+/bimtek/batal-daftar/\S+", body.get_content()).group(0)
        db.session.refresh(row)
        assert link not in (row.body_text + row.body_html)  # never stored readable
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        assert client.post(path).status_code == 200
        assert db.session.scalars(select(Participant)).one().cancelled_at is not None
