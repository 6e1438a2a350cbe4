"""Issue 13 phase 1: events (status flow, create through the page, cancellation mail),
invitations (quota change and withdrawal mail) and the agenda's warnings."""
import re
from datetime import date, datetime, time, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.bimtek import services
from clinic.bimtek.models import BimtekEvent, EventStatus
from clinic.extensions import db
from clinic.outbox.models import Notification
from clinic.outbox.services import send_email

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
PERSON = {"name": "Budi", "position": "Kasubbag", "email": "budi@example.test",
          "whatsapp": "0812"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _mail(kind):
    return db.session.scalars(select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.id)).all()


def test_status_moves_one_step_at_a_time(make_bimtek, make_user):
    staff = make_user("staff")
    event = make_bimtek(status="draft")
    with pytest.raises(services.EventError):
        services.advance(event, EventStatus.HELD, staff)
    for status in ("open", "closed", "held", "archived"):
        services.advance(event, status, staff)
    assert event.status == "archived"
    with pytest.raises(services.EventError):
        services.cancel_event(event, "Terlambat", staff)


def test_staff_create_a_two_day_event_with_days_not_consecutive(client, auth, make_user):
    auth.login_as(make_user("staff"))
    data = {"title": "Bimtek Inovasi Daerah Banjarmasin 2026", "venue": "Hotel Kindai",
            "days-0-day_on": "2026-07-17", "days-0-starts": "08:00", "days-0-ends": "16:00",
            "days-1-day_on": "2026-07-20", "days-1-starts": "08:00", "days-1-ends": "12:00"}
    response = client.post("/bimtek/baru", data=data)
    assert response.status_code == 302
    event = db.session.scalars(select(BimtekEvent)).one()
    assert [d.day_on for d in event.days] == [date(2026, 7, 17), date(2026, 7, 20)]
    assert event.status == "draft"
    page = client.get(f"/bimtek/{event.id}").get_data(as_text=True)
    assert "Jumat, 17 Juli 2026 08.00\u201316.00 WITA" in page


def test_a_day_needs_both_times_and_ends_after_it_starts(client, auth, make_user):
    auth.login_as(make_user("staff"))
    base = {"title": "Bimtek"}
    page = client.post("/bimtek/baru", data={**base, "days-0-day_on": "2026-07-17"})
    assert "Isi tanggal, jam mulai dan jam selesai." in page.get_data(as_text=True)
    page = client.post("/bimtek/baru", data={**base, "days-0-day_on": "2026-07-17",
                                             "days-0-starts": "12:00", "days-0-ends": "08:00"})
    assert "Jam selesai harus sesudah jam mulai." in page.get_data(as_text=True)
    assert db.session.scalar(select(BimtekEvent.id)) is None


def test_cancel_tells_contacts_and_participants_and_supersedes_pending_mail(
        make_bimtek, make_user):
    staff = make_user("staff")
    contact_a, contact_b = make_user("contact"), make_user("contact")
    event = make_bimtek(invite=[(contact_a.skpd, 3), (contact_b.skpd, 3)])
    participant = services.register(event.invitations[0].id, PERSON, contact_a)
    db.session.commit()
    confirmation = _mail("bimtek_registered")[0]
    services.cancel_event(event, "Gedung direnovasi", staff)
    db.session.commit()
    rows = _mail("bimtek_cancelled")
    assert sorted(r.to_email for r in rows) == sorted(
        [contact_a.email, contact_b.email, participant.email])
    assert all("Gedung direnovasi" in r.body_text for r in rows)
    db.session.refresh(confirmation)
    assert confirmation.status == "superseded"
    request_ics = confirmation.attachments[0]["data"]
    cancel_ics = next(r for r in rows if r.to_email == participant.email).attachments[0]["data"]
    assert "METHOD:REQUEST" in request_ics and "METHOD:CANCEL" in cancel_ics
    uids = sorted(re.findall(r"UID:(\S+)", cancel_ics))
    assert len(uids) == 2 and uids == sorted(re.findall(r"UID:(\S+)", request_ics))
    assert "STATUS:CANCELLED" in cancel_ics and "TZID:Asia/Makassar" in cancel_ics
    assert event.status == "cancelled" and event.cancelled_at is not None


def test_cancel_needs_a_reason(make_bimtek, make_user):
    event = make_bimtek()
    with pytest.raises(services.EventError):
        services.cancel_event(event, "  ", make_user("staff"))


def test_quota_change_and_withdrawal_mail_the_skpd_contacts(make_bimtek, make_user, make_skpd):
    staff = make_user("staff")
    contact = make_user("contact")
    second = make_user("contact", skpd=contact.skpd)
    event = make_bimtek(invite=[(contact.skpd, 3)])
    invitation = event.invitations[0]
    services.register(invitation.id, PERSON, contact)
    db.session.commit()
    with pytest.raises(services.EventError):
        services.change_quota(invitation, 0, staff)
    assert services.change_quota(invitation, 5, staff)
    db.session.commit()
    quota_mail = _mail("bimtek_quota_changed")
    assert sorted(r.to_email for r in quota_mail) == sorted([contact.email, second.email])
    assert "dari 3 menjadi 5 orang" in quota_mail[0].body_text
    assert services.withdraw(invitation, staff)
    db.session.commit()
    assert len(_mail("bimtek_withdrawn")) == 2
    assert all(p.cancelled_at is not None for p in invitation.participants)


def test_quota_cannot_drop_below_the_seats_taken(make_bimtek, make_user):
    contact = make_user("contact")
    event = make_bimtek(invite=[(contact.skpd, 3)])
    invitation = event.invitations[0]
    for n in range(2):
        services.register(invitation.id, {**PERSON, "email": f"p{n}@example.test"}, contact)
    db.session.commit()
    with pytest.raises(services.EventError) as refused:
        services.change_quota(invitation, 1, make_user("staff"))
    assert "2 peserta" in str(refused.value.message)


def test_invite_page_uses_the_searchable_picker(client, auth, make_user, make_bimtek):
    auth.login_as(make_user("staff"))
    event = make_bimtek(status="draft")
    page = client.get(f"/bimtek/{event.id}").get_data(as_text=True)
    assert 'name="skpds"' in page and "data-picker" in page


def test_agenda_warns_of_room_overlap_and_double_booked_speaker(make_bimtek, make_user):
    trainer = make_user("trainer", name="Dr. Narasumber")
    event = make_bimtek()
    day = event.days[0]
    services.add_item(day, time(8), time(10), "Kebijakan inovasi", "Ruang A",
                      [{"user_id": trainer.id}])
    services.add_item(day, time(9), time(11), "Praktik IID", "Ruang A",
                      [{"name": "Ir. Tamu", "institution": "BRIN", "position": "Peneliti"}])
    services.add_item(day, time(9, 30), time(10, 30), "Kelas B", "Ruang B",
                      [{"user_id": trainer.id}])
    services.add_item(event.days[1], time(9), time(10), "Hari kedua", "Ruang A",
                      [{"user_id": trainer.id}])
    warnings = [str(w) for w in services.agenda_warnings(event)]
    assert "Kebijakan inovasi dan Praktik IID bertumpuk di Ruang A." in warnings
    assert any("Dr. Narasumber" in w and "Kelas B" in w for w in warnings)
    assert len(warnings) == 2  # another day, another room: no warning


def test_move_item_to_another_day_and_reorder(make_bimtek):
    event = make_bimtek()
    first, second = event.days
    a = services.add_item(first, time(8), time(9), "A")
    b = services.add_item(first, time(9), time(10), "B")
    c = services.add_item(second, time(8), time(9), "C")
    services.move_item(b, second, 0)
    assert [i.title for i in second.items] == ["B", "C"] and [i.title for i in first.items] == ["A"]
    assert (b.position, c.position, a.position) == (0, 1, 0)


def test_agenda_page_adds_item_with_external_speaker_and_prints(client, auth, make_user,
                                                               make_bimtek):
    auth.login_as(make_user("staff"))
    event = make_bimtek()
    response = client.post(f"/bimtek/{event.id}/agenda/tambah", data={
        "day": event.days[0].id, "starts": "09:00", "ends": "10:00", "title": "Pembukaan",
        "externals": "Dr. Ahmad | Kemendagri | Direktur"})
    assert response.status_code == 302
    printed = client.get(f"/bimtek/{event.id}/agenda/cetak").get_data(as_text=True)
    assert "Pembukaan" in printed and "Dr. Ahmad, Direktur, Kemendagri" in printed
    assert "print.css" in printed


def test_pending_mail_of_another_event_is_kept_on_cancel(make_bimtek, make_user):
    contact = make_user("contact")
    kept = make_bimtek(invite=[(contact.skpd, 2)], title="Lain")
    send_email("bimtek_withdrawn", contact, "x", event=kept, invitation=kept.invitations[0],
               dedupe_key=f"event:{kept.id}1:test")
    event = make_bimtek(invite=[(contact.skpd, 2)])
    db.session.commit()
    services.cancel_event(event, "Batal", make_user("staff"))
    db.session.commit()
    assert _mail("bimtek_withdrawn")[0].status == "pending"
