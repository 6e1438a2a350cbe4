"""Invitations people can answer: Hadir / Tidak hadir / Diwakilkan links made at send time
(signed, no login, one click, changeable until the session ends), the answers on the session
page (scoped) and in the daftar hadir, and the .ics alarm the day before."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import func, select

from clinic.audit import AuditEvent
from clinic.coaching import rsvp, services
from clinic.coaching.models import InvitationAnswer
from clinic.extensions import db
from clinic.log_redaction import redact, token_patterns
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification, OutboxStatus
from conftest import add_joint_session
from tests.smtp_sink import MAIL

UTC = timezone.utc
NOW = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
STARTS = datetime(2026, 7, 14, 1, 0, tzinfo=UTC)
LINK = re.compile(r"http://localhost/coaching/jawab/([^/?\s\"]+)"
                  r"\?jawaban=(hadir|tidak-hadir|diwakilkan)")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def schedule(world, title="Klinik Jawaban", **changes):
    values = {"title": title, "skpd_ids": [world.skpd.id], "trainer_ids": [world.trainer.id],
              "innovation_ids": [], "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=2),
              "timezone": "Asia/Makassar", "room": None, "place": "Aula Bappeda",
              "online_url": None, "agenda": None, "count": 1, **changes}
    session, = services.schedule(values, world.staff)
    db.session.commit()
    return session


def invitation(user):
    return db.session.scalars(select(Notification).where(
        Notification.kind == "session_invitation", Notification.recipient_id == user.id)
        .order_by(Notification.id.desc())).first()


def delivered_links(sink, user):
    """{slug: url} of the answer links in the plain text ``user`` received."""
    message = [m["message"] for m in sink.messages if m["rcpt_tos"] == [user.email]
               and m["message"]["Subject"].startswith("Undangan")][-1]
    body = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    links = {m.group(2): m.group(0) for m in LINK.finditer(body)}
    assert all(f'href="{url}"' in html for url in links.values())
    return links


def answer(session, user):
    db.session.expire_all()
    return db.session.scalars(select(InvitationAnswer).filter_by(
        session_id=session.id, user_id=user.id)).first()


@pytest.mark.app_config(**MAIL)
def test_answer_links_are_made_at_send_time_and_never_stored(world, sink, login):
    session = schedule(world)
    row = invitation(world.contact)
    stored = " ".join([row.body_text, row.body_html, str(row.attachments)])
    assert "/jawab/" not in stored and "[[secret:rsvp_yes]]" in row.body_text
    assert row.links == {"rsvp_yes", "rsvp_no", "rsvp_delegated"}
    assert deliver_pending()["sent"] == 3  # contact, trainer, the world's own row
    links = delivered_links(sink, world.contact)
    assert set(links) == {"hadir", "tidak-hadir", "diwakilkan"}
    token = LINK.search(links["hadir"]).group(1)
    for stored_row in db.session.scalars(select(Notification)):
        assert token not in stored_row.body_text + (stored_row.body_html or "")
    # Nor on the outbox pages staff read.
    staff = login(world.admin)
    for url in ("/admin/outbox/", f"/admin/outbox/{row.id}", f"/admin/outbox/{row.id}/html"):
        assert token not in staff.get(url).get_data(as_text=True)
    # The trainer's links are theirs: they answer for the trainer, not for the contact.
    trainer_token = LINK.search(delivered_links(sink, world.trainer)["hadir"]).group(1)
    assert rsvp.read_token(trainer_token) == (session, world.trainer)


@pytest.mark.app_config(**MAIL)
def test_one_click_records_idempotently_and_the_page_changes_it(world, sink, client):
    session = schedule(world)
    deliver_pending()
    links = delivered_links(sink, world.contact)

    page = client.get(links["hadir"])  # no login
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Konfirmasi kehadiran" in page.get_data(as_text=True)
    first = answer(session, world.contact)
    assert first.answer == "yes" and first.answered_at == NOW and first.changes == 0
    assert first.skpd_id == world.skpd.id
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        client.get(links["hadir"])  # the same click again changes nothing
    again = answer(session, world.contact)
    assert (again.answered_at, again.changes) == (NOW, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "session_rsvp")) == 1

    later = NOW + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        client.get(links["diwakilkan"])
        token = LINK.search(links["diwakilkan"]).group(1)
        response = client.post(f"/coaching/jawab/{token}", data={
            "answer": "delegated", "representative": "  Budi Santoso  "})
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Jawaban Anda tersimpan" in page and "Budi Santoso" in page
    changed = answer(session, world.contact)
    assert (changed.answer, changed.representative) == ("delegated", "Budi Santoso")
    assert changed.answered_at == later and changed.first_answered_at == NOW
    assert changed.changes == 2
    client.get(links["diwakilkan"])  # clicking the mail's link again keeps the name
    assert answer(session, world.contact).representative == "Budi Santoso"
    client.get(links["tidak-hadir"])
    final = answer(session, world.contact)
    assert (final.answer, final.representative) == ("no", None)


@pytest.mark.app_config(**MAIL)
def test_links_expire_with_the_session_and_with_the_invitation(world, sink, client, make_skpd):
    session = schedule(world)
    deliver_pending()
    links = delivered_links(sink, world.contact)
    assert client.head(links["hadir"]).status_code == 200  # link checkers record nothing
    assert answer(session, world.contact) is None

    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=False):
        page = client.get(links["hadir"])
        assert page.status_code == 200 and "sudah berakhir" in page.get_data(as_text=True)
        token = LINK.search(links["hadir"]).group(1)
        assert client.post(f"/coaching/jawab/{token}",
                           data={"answer": "yes"}).status_code == 409
    assert answer(session, world.contact) is None

    services.cancel(session, "Ruang dipakai", world.staff)
    db.session.commit()
    client.get(links["hadir"])
    assert answer(session, world.contact) is None

    # Taken off the session: the link opens nothing.
    other = schedule(world, title="Klinik Lain")
    deliver_pending()
    url = delivered_links(sink, world.contact)["hadir"]
    values = {"title": other.title, "skpd_ids": [make_skpd().id], "trainer_ids": [world.trainer.id],
              "innovation_ids": [], "starts_at": other.starts_at, "ends_at": other.ends_at,
              "timezone": "Asia/Makassar", "room": None, "place": other.place,
              "online_url": None, "agenda": None}
    services.update(other, values, world.staff)
    db.session.commit()
    assert client.get(url).status_code == 404
    assert answer(other, world.contact) is None


def test_forged_or_foreign_tokens_open_nothing(app, world, client):
    session = schedule(world)
    with app.test_request_context():
        good = rsvp.make_token(session, world.contact)
        outsider = rsvp.make_token(session, world.other_contact)  # SKPD B is not invited
    assert client.get(f"/coaching/jawab/{good}?jawaban=hadir").status_code == 200
    for token in (good[:-2] + "xx", outsider):
        assert client.get(f"/coaching/jawab/{token}?jawaban=hadir").status_code == 404
    assert client.get(f"/coaching/jawab/{good}?jawaban=mungkin").status_code == 404
    assert answer(session, world.other_contact) is None
    world.contact.locale = "en"  # the page speaks the invitee's language, without a login
    db.session.commit()
    assert '<html lang="en"' in client.get(f"/coaching/jawab/{good}").get_data(as_text=True)


def test_answer_links_are_cut_from_logs(app, world):
    session = schedule(world)
    with app.test_request_context():
        token = rsvp.make_token(session, world.contact)
    line = f'127.0.0.1 - - "GET /coaching/jawab/{token}?jawaban=hadir HTTP/1.1" 200 -'
    cleaned = redact(line, token_patterns(app.url_map))
    assert token not in cleaned and "/coaching/jawab/[redacted]?jawaban=hadir" in cleaned


def test_session_page_shows_answers_scoped_and_attendance_is_prefilled(world, make_user, login):
    coach = make_user("trainer", name="Narasumber Gabungan")
    session, parts = add_joint_session(world.cycle, coach, [
        (world.skpd, world.contact, "Dinas Pertama"),
        (world.other_skpd, world.other_contact, "Dinas Kedua")], STARTS)
    db.session.query(InvitationAnswer).delete()
    rsvp.record(session, world.contact, "delegated", "Wakil Dinas Pertama")
    rsvp.record(session, world.other_contact, "no")
    db.session.commit()

    own = login(world.contact).get(f"/coaching/{session.id}").get_data(as_text=True)
    assert "Wakil Dinas Pertama" in own and "Diwakilkan" in own
    assert world.other_contact.name not in own
    other = login(world.other_contact).get(f"/coaching/{session.id}").get_data(as_text=True)
    assert "Wakil Dinas Pertama" not in other and world.contact.name not in other
    staff = login(world.staff).get(f"/coaching/{session.id}").get_data(as_text=True)
    assert "Wakil Dinas Pertama" in staff and world.other_contact.name in staff

    # The daftar hadir starts from the answers (rows not recorded yet), saved when saved.
    for row in session.attendance:
        row.status = None
    db.session.commit()
    trainer = login(coach)
    page = trainer.get(f"/coaching/{session.id}/attendance").get_data(as_text=True)
    for contact in (world.contact, world.other_contact):
        select_html = page.split(f'name="status_c{contact.id}"')[1].split("</select>")[0]
        assert re.search(r'<option selected value="excused">|<option value="excused" selected',
                         select_html), select_html
    assert "diwakili oleh Wakil Dinas Pertama" in page


def test_invitation_ics_carries_an_alarm_the_day_before(world):
    session = schedule(world)
    cal = Calendar.from_ical(invitation(world.contact).attachments[0]["data"])
    event, = cal.walk("VEVENT")
    alarm, = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(days=1)
    assert session.title in str(alarm["DESCRIPTION"])
    services.cancel(session, "Batal", world.staff)
    db.session.commit()
    cancelled = db.session.scalars(select(Notification).where(
        Notification.kind == "session_cancelled")).first()
    event, = Calendar.from_ical(cancelled.attachments[0]["data"]).walk("VEVENT")
    assert event.walk("VALARM") == []


@pytest.mark.app_config(**MAIL)
def test_mail_to_a_deactivated_invitee_is_not_sent_with_links(world, sink):
    schedule(world)
    world.contact.is_active = False
    db.session.commit()
    deliver_pending()
    assert not [m for m in sink.messages if m["rcpt_tos"] == [world.contact.email]
                and m["message"]["Subject"].startswith("Undangan")]
    db.session.expire_all()
    assert invitation(world.contact).status == OutboxStatus.FAILED


def test_staff_may_still_cancel_or_resend_an_invitation_with_answer_links(world, login):
    """Answer links only answer one invitation: the mail is not account access, so the
    outbox's staff keep their usual cancel and resend (fresh links are made at send time)."""
    schedule(world)
    row = invitation(world.contact)
    assert row.links and not row.grants_access
    staff = login(world.staff)
    page = staff.get(f"/admin/outbox/{row.id}").get_data(as_text=True)
    assert "Batalkan pengiriman" in page
    assert staff.post(f"/admin/outbox/{row.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, row.id).status == OutboxStatus.CANCELLED
