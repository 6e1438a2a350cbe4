"""Delivery edge cases over a real SMTP server on loopback: partial refusals, one-click
unsubscribe headers, a crash between send and commit, two senders draining one outbox."""
import email
import email.header
import email.policy
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.outbox.services import send_email
from clinic.extensions import db
from clinic.outbox import delivery
from clinic.reminders import preferences
from clinic.outbox.delivery import STALE_CLAIM, deliver_pending
from clinic.outbox.models import Notification, OutboxStatus
from clinic.secret_links import secret_link
from tests.smtp_sink import MAIL, free_port
from tests.test_outbox import START

pytestmark = pytest.mark.app_config(**MAIL)


# Reminder kinds are delivered only inside office hours (clinic.reminders.staleness): these
# tests write and deliver on a Tuesday morning, WITA, whatever the clock says.
OFFICE_MORNING = datetime(2026, 7, 7, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def office_morning():
    with time_machine.travel(OFFICE_MORNING, tick=True):
        yield


def _mail(user, **kwargs):
    return send_email("password_reset", user, "Atur ulang kata sandi",
                      link="http://localhost/password/reset/abc", **kwargs)


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_refused_copy_recipient_is_recorded_not_reported_as_sent(make_user, sink):
    head, staff = make_user(), make_user()
    sink.rcpt_replies[staff.email] = "550 5.1.1 No such user"
    _mail(head, cc=staff.email)
    db.session.commit()
    assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
    (row,) = _rows()
    assert row.status == OutboxStatus.PARTIAL
    assert staff.email in row.last_error and "550" in row.last_error
    assert [m["rcpt_tos"] for m in sink.messages] == [[head.email]]


def test_refused_main_recipient_fails_without_resending_to_the_copy(make_user, sink):
    head, staff = make_user(), make_user()
    sink.rcpt_replies[head.email] = "550 5.1.1 No such user"
    with time_machine.travel(START, tick=False) as traveller:
        _mail(head, cc=staff.email)
        db.session.commit()
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 1, "superseded": 0, "postponed": 0}
        traveller.shift(timedelta(days=1))
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
    (row,) = _rows()
    assert row.status == OutboxStatus.FAILED
    assert head.email in row.last_error
    assert [m["rcpt_tos"] for m in sink.messages] == [[staff.email]]


def test_unsubscribe_link_is_made_at_send_time_with_one_click_headers(make_user, make_skpd,
                                                                      sink):
    user = make_user("contact", skpd=make_skpd())
    row = send_email("deadline_countdown", user, "7 hari lagi", secret_links=["unsubscribe"],
                     unsubscribe_url=secret_link("unsubscribe"), days=7,
                     deadline=date(2026, 7, 31), fixes=[], points=0, link="http://localhost/")
    db.session.commit()
    assert "/berhenti-langganan/" not in row.body_text + row.body_html
    deliver_pending()
    (received,) = sink.messages
    message = received["message"]
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://localhost/berhenti-langganan/")
    assert preferences.read_token(link.rsplit("/", 1)[1]) == (user, "deadline_countdown")
    assert link in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_mail_without_unsubscribe_url_has_no_such_header(make_user, sink):
    _mail(make_user())
    db.session.commit()
    deliver_pending()
    assert sink.messages[0]["message"]["List-Unsubscribe"] is None


@pytest.mark.app_config(MAIL_DEFAULT_SENDER=("Klinik Inovasi", "klinik@bappeda.example.go.id"),
                        **{k: v for k, v in MAIL.items() if k != "MAIL_DEFAULT_SENDER"})
def test_a_sender_given_as_a_name_and_address_pair_is_accepted(make_user, sink):
    """Flask-Mail takes MAIL_DEFAULT_SENDER as a (name, address) pair too."""
    row = _mail(make_user())
    db.session.commit()
    deliver_pending()
    assert row.message_id.endswith("@bappeda.example.go.id>")
    message = sink.messages[0]["message"]
    assert message["From"] == "Klinik Inovasi <klinik@bappeda.example.go.id>"
    assert message["Message-ID"] == row.message_id


def test_attachments_travel_with_the_message(make_user, sink):
    _mail(make_user(), attachments=[{"filename": "undangan.ics",
                                     "content_type": "text/calendar; method=REQUEST",
                                     "data": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}])
    db.session.commit()
    deliver_pending()
    parts = [p for p in sink.messages[0]["message"].walk() if p.get_filename() == "undangan.ics"]
    assert len(parts) == 1
    assert parts[0].get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in parts[0].get_content()


def test_crash_between_send_and_commit_gives_at_most_one_duplicate_with_same_id(
        app, make_user, sink, monkeypatch):
    user = make_user()
    real_send_one = delivery._send_one

    def send_then_crash(connection, row, now):
        real_send_one(connection, row, now)
        raise SystemExit("process killed after the server said 250")

    with time_machine.travel(START, tick=False) as traveller:
        _mail(user)
        db.session.commit()
        monkeypatch.setattr(delivery, "_send_one", send_then_crash)
        with pytest.raises(SystemExit):
            deliver_pending()
        db.session.rollback()
        monkeypatch.setattr(delivery, "_send_one", real_send_one)
        # The row stays claimed ("sending") until the claim is stale, then goes out once more.
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
        traveller.shift(STALE_CLAIM + timedelta(minutes=1))
        assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
        traveller.shift(timedelta(hours=1))
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
    assert len(sink.messages) == 2
    ids = {m["message"]["Message-ID"] for m in sink.messages}
    assert len(ids) == 1 and ids == {_rows()[0].message_id}


def test_two_senders_deliver_each_message_once(app, make_user, sink):
    users = [make_user() for _ in range(12)]
    for user in users:
        _mail(user)
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        # One in-memory database on one connection: the senders take turns.
        results = [deliver_pending(limit=7), deliver_pending(limit=7)]
    else:
        results, errors = [], []

        def sender():
            try:
                with app.app_context():
                    results.append(deliver_pending(limit=7))
                    db.session.remove()
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        results.append(deliver_pending())
    assert sum(r["sent"] for r in results) == 12
    delivered = sorted(m["rcpt_tos"][0] for m in sink.messages)
    assert delivered == sorted(u.email for u in users)
    assert all(r.status == OutboxStatus.SENT for r in _rows())


# -- check 37: a stopped mail server never breaks a user action -----------------------------------

@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
def test_scheduling_with_the_mail_server_down_still_succeeds(world, client, auth):
    from tests.test_coaching_sessions import NOW, form

    with time_machine.travel(NOW, tick=False):
        auth.login_as(world.staff)
        response = client.post("/coaching/new", data=form(world, title="Klinik saat SMTP mati"))
        assert response.status_code == 302
        counts = deliver_pending()  # the scheduler's next pass: refused, kept for later
    invitations = [r for r in _rows() if r.kind == "session_invitation"]
    assert len(invitations) == 2
    assert counts == {"sent": 0, "retry": 2, "failed": 0, "superseded": 0, "postponed": 0}
    assert all(r.status == OutboxStatus.PENDING and r.attempts == 1 for r in invitations)


LONG_BASE = "https://klinik-inovasi.bappedalitbang.banjarmasinkota.go.id"


@pytest.mark.app_config(BASE_URL=LONG_BASE, **MAIL)
@pytest.mark.parametrize("kind", ["deadline_countdown", "monday_summary"])
def test_list_unsubscribe_with_a_real_long_token_is_plain_ascii_folded(
        make_user, make_skpd, sink, kind):
    """RFC 2369/8058: the raw header is `<https://...>` unencoded (never =?utf-8?q?...),
    its lines folded within 998 characters, the link intact."""
    user = make_user("contact", skpd=make_skpd())
    send_email("deadline_countdown", user, "7 hari lagi", secret_links=["unsubscribe"],
               unsubscribe_url=secret_link("unsubscribe"), days=7,
               deadline=date(2026, 7, 31), fixes=[], points=0, link="http://localhost/").kind = kind
    db.session.commit()
    assert deliver_pending()["sent"] == 1
    raw = sink.messages[0]["raw"]
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    # The header as written, unfolded: name, then the link in angle brackets.
    lines = head.split("\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("List-Unsubscribe:"))
    folded = [lines[start]] + [line for line in lines[start + 1:start + 3]
                               if line[:1] in (" ", "\t")]
    value = " ".join(part.strip() for part in folded)[len("List-Unsubscribe:"):].strip()
    assert "=?" not in value and "utf-8" not in value.lower()
    assert value.startswith(f"<{LONG_BASE}/berhenti-langganan/") and value.endswith(">")
    assert len(value) > 78  # a long token: the case the email package used to encode
    assert len(folded) == 1 and len(folded[0]) <= 998  # one link: never broken
    token = value.strip("<>").rsplit("/", 1)[1]
    assert preferences.read_token(token) == (user, kind)
    # What a mail client reads: the stdlib parser sees the same plain link.
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["List-Unsubscribe"] == value
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    compat = email.message_from_bytes(raw, policy=email.policy.compat32)
    assert "=?" not in str(compat["List-Unsubscribe"])


@pytest.mark.parametrize("subject", [
    "Perubahan: Klinik SID Desember, Rabu, 9 Desember 2026 09.00–11.00 WITA",
    "Dibatalkan: Coaching Clinic Inovasi pelayanan publik terpadu satu pintu dengan nama "
    "panjang, Senin, 7 Desember 2026 09.30–11.30 WITA",
    "Undangan: Sesi “Kota Layak” — Rabu",
    "Pengingat: 3 butir belum lengkap",
])
def test_subject_arrives_exactly_as_written(make_user, sink, subject):
    """A long non-ASCII subject is encoded and folded by the email package in one piece: no
    reader sees a space inside a word ("09.0 0–11.00")."""
    row = send_email(
        "password_reset", make_user(), subject, link="http://localhost/password/reset/abc")
    db.session.commit()
    deliver_pending()
    raw = sink.messages[0]["raw"]
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == row.subject
    compat = email.message_from_bytes(raw, policy=email.policy.compat32)
    decoded = str(email.header.make_header(email.header.decode_header(compat["Subject"])))
    assert decoded == row.subject
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
               if line.startswith((b"Subject", b" ")))
