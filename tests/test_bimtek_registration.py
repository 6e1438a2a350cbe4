"""Issue 13 phase 1: registration up to the quota and until the deadline, staff overrides,
the race for the last seat on two real connections, and the participant's cancel link."""
import re
import threading
from datetime import datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic import create_app
from clinic.admin.models import Skpd
from clinic.audit import AuditEvent
from clinic.auth.models import User
from clinic.bimtek import services
from clinic.bimtek.models import EventInvitation, Participant
from clinic.bimtek.services.registration import seats_taken
from clinic.extensions import db
from clinic.outbox.models import Notification
from tests.conftest import delivered_text

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
PERSON = {"name": "Siti Rahmah", "nip": "198501012010012001", "position": "Analis Kebijakan",
          "email": "siti@example.test", "whatsapp": "081234567890"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _person(n):
    return {**PERSON, "name": f"Peserta {n}", "email": f"peserta{n}@example.test"}


def test_contact_registers_up_to_the_quota_and_is_refused_after_it(client, auth, make_user,
                                                                   make_bimtek):
    contact = make_user("contact")
    event = make_bimtek(invite=[(contact.skpd, 2)])
    invitation = event.invitations[0]
    auth.login_as(contact)
    url = f"/bimtek/undangan/{invitation.id}/daftar"
    for n in (1, 2):
        assert client.post(url, data=_person(n)).status_code == 302
    response = client.post(url, data=_person(3))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Kuota peserta perangkat daerah Anda sudah penuh (2 orang)." in page
    assert 'value="Peserta 3"' in page and 'value="peserta3@example.test"' in page
    assert seats_taken(invitation.id) == 2


def test_registration_is_refused_after_the_deadline_with_the_values_kept(
        client, auth, make_user, make_bimtek, frozen):
    contact = make_user("contact")
    event = make_bimtek(invite=[(contact.skpd, 5)], deadline_at=NOW + timedelta(minutes=5))
    auth.login_as(contact)
    frozen.shift(timedelta(minutes=10))
    response = client.post(f"/bimtek/undangan/{event.invitations[0].id}/daftar", data=PERSON)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Batas waktu pendaftaran sudah lewat." in page
    assert 'value="Analis Kebijakan"' in page and 'value="081234567890"' in page
    assert db.session.scalar(select(Participant.id)) is None


def test_contact_override_reason_is_ignored_staff_override_is_audited(
        client, auth, make_user, make_bimtek):
    contact, staff = make_user("contact"), make_user("staff")
    event = make_bimtek(invite=[(contact.skpd, 1)])
    invitation = event.invitations[0]
    services.register(invitation.id, _person(1), contact)
    db.session.commit()
    with pytest.raises(services.RegistrationError):
        services.register(invitation.id, _person(2), contact, override_reason="Penting")
    db.session.rollback()
    auth.login_as(staff)
    response = client.post(f"/bimtek/undangan/{invitation.id}/daftar",
                           data={**_person(2), "override_reason": "Kepala dinas minta"})
    assert response.status_code == 302
    extra = db.session.scalars(select(Participant).where(Participant.name == "Peserta 2")).one()
    assert extra.over_quota_reason == "Kepala dinas minta"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bimtek_override")
                               ).one()
    assert "Kepala dinas minta" in audit.summary and audit.actor_id == staff.id


def test_other_skpds_contact_cannot_register_for_an_invitation(client, auth, make_user,
                                                                make_bimtek):
    contact, other = make_user("contact"), make_user("contact")
    event = make_bimtek(invite=[(contact.skpd, 3), (other.skpd, 3)])
    auth.login_as(other)
    response = client.post(f"/bimtek/undangan/{event.invitations[0].id}/daftar", data=PERSON)
    assert response.status_code == 404
    assert db.session.scalar(select(Participant.id)) is None


def _race_app(app, tmp_path):
    """An app whose engine gives each thread a real connection of its own: the test server
    (PostgreSQL, MariaDB) or, for SQLite, a file instead of the shared in-memory database."""
    if db.engine.dialect.name != "sqlite":
        return app, False
    url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    race = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url})
    with race.app_context():
        db.create_all()
    return race, True


def test_two_contacts_race_for_the_last_seat_one_wins(app, make_user, make_bimtek, tmp_path):
    race, own_db = _race_app(app, tmp_path)
    ctx = race.app_context() if own_db else None
    if ctx:
        ctx.push()
    try:
        skpd = Skpd(code="RACE", name="Dinas Balapan", short_name="Balapan")
        db.session.add(skpd)
        db.session.flush()
        contacts = [User(email=f"racer{n}@example.test", name=f"Racer {n}", role="contact",
                         skpd=skpd) for n in (1, 2)]
        db.session.add_all(contacts)
        event = services.create_event({"title": "Bimtek Balapan"},
                                      [(NOW.date() + timedelta(days=20), time(8), time(12))],
                                      None)
        event.status = "open"
        services.invite(event, [skpd], 2, NOW + timedelta(days=5), None)
        invitation_id = event.invitations[0].id
        services.register(invitation_id, _person(0), None)
        db.session.commit()
        contact_ids = [c.id for c in contacts]
    finally:
        if ctx:
            ctx.pop()

    barrier, results = threading.Barrier(2), {}

    def contend(n):
        with race.app_context():
            user = db.session.get(User, contact_ids[n])
            # Both read the invitation and its free seat before either writes.
            db.session.get(EventInvitation, invitation_id)
            assert seats_taken(invitation_id) == 1
            barrier.wait(timeout=10)
            try:
                services.register(invitation_id, _person(n + 1), user)
                db.session.commit()
                results[n] = "ok"
            except services.RegistrationError as exc:
                db.session.rollback()
                results[n] = str(exc.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=contend, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == [
        "Kuota peserta perangkat daerah Anda sudah penuh (2 orang).", "ok"], results
    with race.app_context():
        assert seats_taken(invitation_id) == 2
        if own_db:
            db.engine.dispose()


def test_confirmation_carries_a_cancel_link_that_frees_the_seat(client, make_user,
                                                                make_bimtek):
    contact = make_user("contact")
    event = make_bimtek(invite=[(contact.skpd, 1)])
    invitation = event.invitations[0]
    participant = services.register(invitation.id, PERSON, contact)
    db.session.commit()
    row = db.session.scalars(select(Notification).where(
        Notification.kind == "bimtek_registered")).one()
    assert row.to_email == PERSON["email"] and row.recipient_id is None
    # Never stored readable: the outbox holds a placeholder, delivery makes the link.
    assert "/bimtek/batal-daftar/" not in (row.body_text + row.body_html)
    assert "[[secret:bimtek_cancel]]" in row.body_text
    link = re.search(r"http\S+/bimtek/batal-daftar/\S+", delivered_text(row)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert client.post("/" + path).status_code == 200
    db.session.refresh(participant)
    assert participant.cancelled_at is not None and seats_taken(invitation.id) == 0
    # The seat is free again for the SKPD.
    services.register(invitation.id, _person(9), contact)
    db.session.commit()
    assert seats_taken(invitation.id) == 1


def test_forged_cancel_link_is_refused(client, make_user, make_bimtek):
    contact = make_user("contact")
    event = make_bimtek(invite=[(contact.skpd, 1)])
    services.register(event.invitations[0].id, PERSON, contact)
    db.session.commit()
    assert client.get("/bimtek/batal-daftar/eyJwIjoxLCJpIjoxfQ.forged").status_code == 404
    assert client.post("/bimtek/batal-daftar/eyJwIjoxLCJpIjoxfQ.forged").status_code == 404
    assert seats_taken(event.invitations[0].id) == 1
