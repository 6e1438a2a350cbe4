"""Issue 13 phase 1: who sees which Bimtek event and which of its rows (shared events too)."""
from datetime import datetime, time, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.bimtek import access, services
from clinic.bimtek.models import BimtekEvent
from clinic.extensions import db

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def shared(make_bimtek, make_user):
    a, b, c = (make_user("contact") for _ in range(3))
    event = make_bimtek(invite=[(a.skpd, 3), (b.skpd, 3)])
    for contact, name in ((a, "Nama Peserta A"), (b, "Nama Peserta B")):
        invitation = next(i for i in event.invitations if i.skpd_id == contact.skpd_id)
        services.register(invitation.id, {"name": name, "position": "Staf",
                                          "email": f"{contact.id}@example.test",
                                          "whatsapp": "08"}, contact)
    db.session.commit()
    return event, a, b, c


def _visible(user):
    return set(db.session.scalars(access.event_scope(select(BimtekEvent.id), user)))


def test_contact_sees_only_own_skpds_rows_of_a_shared_event(client, auth, shared):
    event, a, b, _ = shared
    auth.login_as(a)
    page = client.get(f"/bimtek/{event.id}").get_data(as_text=True)
    assert "Nama Peserta A" in page and "Nama Peserta B" not in page
    assert b.skpd.name not in page  # the other SKPD's invitation row is not shown either
    assert [p.name for p in access.visible_participants(event, b)] == ["Nama Peserta B"]
    assert [i.skpd_id for i in access.visible_invitations(event, b)] == [b.skpd_id]


def test_uninvited_contact_neither_lists_nor_opens_the_event(client, auth, shared):
    event, _, _, outsider = shared
    assert _visible(outsider) == set()
    auth.login_as(outsider)
    assert client.get(f"/bimtek/{event.id}").status_code == 404
    assert client.get(f"/bimtek/{event.id}/agenda").status_code == 404
    assert event.title not in client.get("/bimtek/").get_data(as_text=True)


def test_withdrawn_invitation_hides_the_event(shared, make_user):
    event, a, b, _ = shared
    invitation = next(i for i in event.invitations if i.skpd_id == a.skpd_id)
    services.withdraw(invitation, make_user("staff"))
    db.session.commit()
    assert _visible(a) == set() and _visible(b) == {event.id}


def test_trainer_sees_events_where_they_speak_and_no_participants(shared, make_user,
                                                                  make_bimtek):
    event, *_ = shared
    speaker, other = make_user("trainer"), make_user("trainer")
    services.add_item(event.days[0], time(9), time(10), "Materi", None, [{"user_id": speaker.id}])
    make_bimtek(title="Tanpa narasumber")
    db.session.commit()
    assert _visible(speaker) == {event.id} and _visible(other) == set()
    assert access.visible_participants(event, speaker) == []


def test_drafts_are_for_staff_only(make_bimtek, make_user):
    contact = make_user("contact")
    draft = make_bimtek(invite=[(contact.skpd, 2)], status="draft")
    assert _visible(contact) == set() and draft.id in _visible(make_user("staff"))
