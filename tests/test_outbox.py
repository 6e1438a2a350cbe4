"""The outbox and its delivery, against a real SMTP server on loopback (aiosmtpd)."""
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.db_types import utcnow
from clinic.outbox.services import send_email
from clinic.extensions import db
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification, OutboxStatus
from tests.smtp_sink import MAIL, free_port

SILENT_PORT = free_port()
pytestmark = pytest.mark.app_config(**MAIL)
START = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def silent_server():
    """A TCP listener that accepts connections and never says a word."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", SILENT_PORT))
    server.listen(8)
    yield server
    server.close()


def _reset_mail(user, **kwargs):
    kwargs.setdefault("link", "http://localhost/password/reset/abc")
    return send_email("password_reset", user, kwargs.pop("subject", "Atur ulang kata sandi"),
                      **kwargs)


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


# -- the outbox row belongs to the caller's transaction -------------------------------------------

def test_rolled_back_caller_leaves_no_row(make_user):
    user = make_user()
    _reset_mail(user)
    db.session.rollback()
    assert _rows() == []
    row = _reset_mail(user)
    db.session.commit()
    (stored,) = _rows()
    assert stored.id == row.id and stored.status == OutboxStatus.PENDING
    assert stored.message_id.startswith("<") and stored.message_id.endswith(">")
    assert "http://localhost/password/reset/abc" in stored.body_text


def test_nothing_is_sent_without_a_mail_server(app, make_user, sink):
    app.config["MAIL_SERVER"] = ""
    _reset_mail(make_user())
    db.session.commit()
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
    assert sink.messages == [] and _rows()[0].status == OutboxStatus.PENDING


# -- delivery ------------------------------------------------------------------------------------

def test_pending_row_is_delivered(make_user, sink):
    user = make_user(name="Siti Rahmah")
    row = _reset_mail(user, subject="Atur ulang kata sandi Klinik Inovasi")
    db.session.commit()
    assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
    (received,) = sink.messages
    message = received["message"]
    assert received["rcpt_tos"] == [user.email]
    assert message["To"] == user.email
    assert message["Subject"] == "Atur ulang kata sandi Klinik Inovasi"
    assert message["Message-ID"] == row.message_id
    assert "klinik-inovasi@localhost" in message["From"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Siti Rahmah" in text and "http://localhost/password/reset/abc" in text
    assert "<a href=" in html and "Siti Rahmah" in html
    (stored,) = _rows()
    assert (stored.status, stored.attempts, stored.last_error) == (OutboxStatus.SENT, 1, None)
    assert stored.sent_at is not None
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}  # never twice
    assert len(sink.messages) == 1


def test_rows_wait_for_send_after(make_user, sink):
    user = make_user()
    with time_machine.travel(START, tick=False) as traveller:
        _reset_mail(user, send_after=START + timedelta(hours=1))
        db.session.commit()
        assert deliver_pending()["sent"] == 0
        traveller.shift(timedelta(hours=1))
        assert deliver_pending()["sent"] == 1
    assert len(sink.messages) == 1


def test_transient_refusal_is_retried_with_growing_backoff(app, make_user, sink):
    user = make_user()
    sink.rcpt_replies[user.email] = "451 4.3.0 Mailbox busy, try later"
    with time_machine.travel(START, tick=False) as traveller:
        _reset_mail(user)
        db.session.commit()
        assert deliver_pending() == {"sent": 0, "retry": 1, "failed": 0, "superseded": 0, "postponed": 0}
        (row,) = _rows()
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        first_wait = row.send_after - START
        assert first_wait > timedelta(0)
        assert "451" in row.last_error
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}  # not due yet
        traveller.shift(first_wait)
        assert deliver_pending()["retry"] == 1
        (row,) = _rows()
        assert row.attempts == 2 and row.send_after - utcnow() > first_wait
        # The server recovers: the next due attempt delivers it.
        del sink.rcpt_replies[user.email]
        traveller.move_to(row.send_after)
        assert deliver_pending()["sent"] == 1
    assert _rows()[0].status == OutboxStatus.SENT and len(sink.messages) == 1


def test_transient_refusals_are_capped(app, make_user, sink):
    user = make_user()
    sink.rcpt_replies[user.email] = "451 4.3.0 Mailbox busy"
    with time_machine.travel(START, tick=False) as traveller:
        _reset_mail(user)
        db.session.commit()
        for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"]):
            deliver_pending()
            traveller.move_to(_rows()[0].send_after + timedelta(seconds=1))
        (row,) = _rows()
        assert (row.status, row.attempts) == (OutboxStatus.FAILED, app.config["OUTBOX_MAX_ATTEMPTS"])
        traveller.shift(timedelta(days=2))
        deliver_pending()
    assert _rows()[0].attempts == app.config["OUTBOX_MAX_ATTEMPTS"]


def test_permanent_refusal_fails_without_retry(make_user, sink):
    user = make_user()
    sink.rcpt_replies[user.email] = "550 5.1.1 No such user"
    with time_machine.travel(START, tick=False) as traveller:
        _reset_mail(user)
        db.session.commit()
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 1, "superseded": 0, "postponed": 0}
        traveller.shift(timedelta(days=1))
        del sink.rcpt_replies[user.email]
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
    (row,) = _rows()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in row.last_error
    assert sink.messages == []


def test_one_bad_row_does_not_stop_the_batch(make_user, sink):
    good, bad = make_user(), make_user()
    sink.rcpt_replies[bad.email] = "550 5.1.1 No such user"
    _reset_mail(bad)
    _reset_mail(good)
    db.session.commit()
    assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 1, "superseded": 0, "postponed": 0}
    assert [m["rcpt_tos"] for m in sink.messages] == [[good.email]]


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=SILENT_PORT, MAIL_TIMEOUT=2)
def test_silent_server_is_bounded_by_the_timeout(make_user, silent_server):
    _reset_mail(make_user())
    db.session.commit()
    started = time.monotonic()
    counts = deliver_pending()
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    assert counts == {"sent": 0, "retry": 1, "failed": 0, "superseded": 0, "postponed": 0}
    (row,) = _rows()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.send_after > row.created_at and row.last_error


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=SILENT_PORT, MAIL_TIMEOUT=2)
def test_refused_connection_is_transient(make_user):
    _reset_mail(make_user())  # nothing listens on SILENT_PORT in this test
    db.session.commit()
    assert deliver_pending() == {"sent": 0, "retry": 1, "failed": 0, "superseded": 0, "postponed": 0}
    (row,) = _rows()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)


# -- header injection ----------------------------------------------------------------------------

def _headers_of(received):
    head = received["raw"].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return [line for line in head.decode().splitlines() if line and not line[0].isspace()]


def test_injected_subject_is_flattened(make_user, sink):
    user = make_user()
    _reset_mail(user, subject="Pengingat\r\nBcc: mata-mata@evil.example\r\nX-Evil: 1")
    db.session.commit()
    assert deliver_pending()["sent"] == 1
    (received,) = sink.messages
    assert received["rcpt_tos"] == [user.email]
    names = [line.split(":", 1)[0].lower() for line in _headers_of(received)]
    assert "bcc" not in names and "x-evil" not in names
    assert received["message"]["Subject"] == "Pengingat Bcc: mata-mata@evil.example X-Evil: 1"


@pytest.mark.parametrize("field, value", [
    ("subject", "Pengingat\r\nBcc: mata-mata@evil.example"),
    ("subject", "Pengingat\nBcc: mata-mata@evil.example"),
    ("to_email", "korban@example.test\r\nBcc: mata-mata@evil.example"),
    ("cc", "kepala@example.test\r\nBcc: mata-mata@evil.example"),
])
def test_row_with_injected_header_is_never_sent(make_user, sink, field, value):
    user = make_user()
    row = _reset_mail(user)
    setattr(row, field, value)
    db.session.commit()
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 1, "superseded": 0, "postponed": 0}
    assert sink.messages == []
    (stored,) = _rows()
    assert stored.status == OutboxStatus.FAILED


# -- the CLI and the outbox pages ----------------------------------------------------------------

def test_cli_sends_and_prints_counts(runner, make_user, sink):
    _reset_mail(make_user())
    _reset_mail(make_user())
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent=2 retry=0 failed=0" in result.output
    assert len(sink.messages) == 2


def test_cli_without_mail_server_keeps_mail(app, runner, make_user):
    app.config["MAIL_SERVER"] = ""
    _reset_mail(make_user())
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "MAIL_SERVER is not set" in result.output
    assert _rows()[0].status == OutboxStatus.PENDING


def test_outbox_pages_show_rows_to_staff(client, auth, make_user):
    contact = make_user("contact")
    row = _reset_mail(contact, subject="Pengingat <b>tebal</b>")
    row.body_html = '<p>Isi <script>alert("x")</script></p>'
    db.session.commit()
    auth.login_as(make_user("staff"))
    listing = client.get("/admin/outbox/").get_data(as_text=True)
    assert contact.email in listing and "Pengingat &lt;b&gt;tebal&lt;/b&gt;" in listing
    assert "Atur ulang kata sandi</td>" in listing  # the kind in words, not its code
    page = client.get(f"/admin/outbox/{row.id}").get_data(as_text=True)
    assert f'sandbox src="/admin/outbox/{row.id}/html"' in page
    assert row.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    frame = client.get(f"/admin/outbox/{row.id}/html")
    assert frame.get_data(as_text=True) == row.body_html
    assert frame.mimetype == "text/html"
    assert frame.headers["Content-Security-Policy"].startswith("sandbox")


def test_staff_can_cancel_and_resend(client, auth, make_user, sink):
    row = _reset_mail(make_user())
    db.session.commit()
    auth.login_as(make_user("staff"))
    assert client.post(f"/admin/outbox/{row.id}/cancel").status_code == 302
    assert _rows()[0].status == OutboxStatus.CANCELLED
    assert deliver_pending()["sent"] == 0
    assert client.post(f"/admin/outbox/{row.id}/resend").status_code == 302
    assert _rows()[0].status == OutboxStatus.PENDING
    assert deliver_pending()["sent"] == 1
    assert sink.messages[0]["message"]["Message-ID"] == row.message_id
