"""Audit log content (check 28): who, what, when (UTC), from where; nothing secret; one line each."""
import logging
import re
import shlex
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic import audit
from clinic.audit import AuditEvent
from clinic.extensions import db
from clinic.i18n import client_ip
from conftest import PASSWORD, AuthActions

START = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)
PROXIED = {"X-Forwarded-For": "203.0.113.9"}
LINE = re.compile(r"^audit action=(?P<action>\S+) actor_id=(?P<actor_id>\S+) actor=(?P<actor>\S+) "
                  r"role=(?P<role>\S+) skpd=(?P<skpd>\S+) object=(?P<object>\S+) ip=(?P<ip>\S+) "
                  r"at=(?P<at>\S+)$")


def _lines(caplog, action):
    found = []
    for record in caplog.records:
        if record.name == "clinic.audit":
            match = LINE.match(record.getMessage())
            assert match, record.getMessage()
            if match["action"] == action:
                found.append(match.groupdict())
    return found


def _rows(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def audit_log(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.mark.app_config(PROXY_COUNT=1)
def test_login_logout_and_failure_are_recorded(client, make_user, audit_log):
    contact = make_user("contact")
    auth = AuthActions(client)
    with time_machine.travel(START, tick=False):
        auth.login(contact.email, "salah-sekali-123", headers=PROXIED)
        auth.login_as(contact, headers=PROXIED)
        client.post("/logout", headers=PROXIED)
    for action in ("login_fail", "login_ok", "logout"):
        (line,) = _lines(audit_log, action)
        (row,) = _rows(action)
        assert line["ip"] == row.ip == "203.0.113.9", action
        assert row.created_at == START and row.created_at.utcoffset().total_seconds() == 0
        assert line["at"] == "2026-03-02T01:30:00.000000Z"  # the line carries its UTC time
        if action == "login_fail":
            assert row.actor_email == line["actor"] == contact.email
            continue
        assert line["actor_id"] == str(row.actor_id) == str(contact.id)
        assert line["role"] == row.actor_role == "contact"
        assert line["skpd"] == str(row.actor_skpd_id) == str(contact.skpd_id)
        assert line["object"] == f"users:{contact.id}"


@pytest.mark.app_config(PROXY_COUNT=1)
def test_only_the_trusted_proxy_hop_is_believed(client, make_user, audit_log):
    user = make_user()
    AuthActions(client).login_as(user, headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.50"})
    assert _rows("login_ok")[0].ip == "203.0.113.50"


def test_forwarded_for_is_ignored_without_a_proxy(client, make_user, audit_log):
    user = make_user()
    AuthActions(client).login_as(user, headers={"X-Forwarded-For": "6.6.6.6"})
    assert _rows("login_ok")[0].ip == "127.0.0.1"
    assert _lines(audit_log, "login_ok")[0]["ip"] == "127.0.0.1"


@pytest.mark.app_config(PROXY_COUNT=1)
def test_role_change_is_recorded(app, client, make_user, make_skpd, audit_log):
    admin = make_user("admin")
    user = make_user("contact")

    def change_role():
        # What the admin pages do: change the role and record it in the same transaction.
        old = user.role
        user.role, user.skpd = "staff", None
        audit.record("role_changed", actor=admin, obj=user, summary=user.email,
                     changes={"role": [old, user.role]}, ip=client_ip())
        db.session.commit()
        return "ok"

    app.add_url_rule("/_test/role", "test_role", change_role, methods=["POST"])
    with time_machine.travel(START, tick=False):
        assert client.post("/_test/role", headers=PROXIED).status_code == 200
    (row,) = _rows("role_changed")
    (line,) = _lines(audit_log, "role_changed")
    assert (row.actor_id, row.actor_role, row.actor_skpd_id) == (admin.id, "admin", None)
    assert (row.object_type, row.object_id, row.changes) == (
        "users", str(user.id), {"role": ["contact", "staff"]})
    assert row.created_at == START and row.ip == line["ip"] == "203.0.113.9"
    assert line["object"] == f"users:{user.id}" and line["role"] == "admin"


def test_no_password_or_cookie_in_the_log(client, make_user, audit_log):
    user = make_user()
    auth = AuthActions(client)
    auth.login(user.email, "Tebakan-Salah-42")
    auth.login_as(user, remember=True)
    secrets_ = [PASSWORD, "Tebakan-Salah-42", user.password_hash, user.session_token]
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        assert cookie is not None
        secrets_.append(cookie.value)
    auth.logout()
    messages = [r.getMessage() for r in audit_log.records]
    assert any("action=login_ok" in m for m in messages)
    for message in messages:
        for secret in secrets_:
            assert secret not in message
    for row in db.session.scalars(select(AuditEvent)):
        stored = " ".join(str(v) for v in (row.summary, row.changes, row.actor_email))
        assert not any(secret in stored for secret in secrets_)


def _audit_lines(audit_log):
    return [r for r in audit_log.records if r.name == "clinic.audit"]


def _failed_login_line(app, audit_log, email):
    """The line a failed login with ``email`` writes. The login form now refuses a malformed
    address before any lookup (one e-mail rule everywhere), so the line is written the way the
    login view writes it, to keep the logger's escaping tested for any value that reaches it."""
    with app.test_request_context("/login", method="POST"):
        audit.record("login_fail", actor_email=email, ip=client_ip())
    (record,) = _audit_lines(audit_log)
    return record.getMessage()


@pytest.mark.parametrize("email", [
    "korban@example.test\r\nFAKE audit action=login_ok actor_id=1 role=admin",
    "korban@example.test role=admin actor_id=1"])
def test_a_forged_address_at_login_is_refused_before_anything_is_logged(client, audit_log, email):
    response = AuthActions(client).login(email, "apa-saja-123")
    assert response.status_code == 200 and "is-invalid" in response.get_data(as_text=True)
    assert not [r for r in _audit_lines(audit_log) if "login_ok" in r.getMessage()]


def test_forged_log_line_is_escaped(app, audit_log):
    message = _failed_login_line(
        app, audit_log, "korban@example.test\r\nFAKE audit action=login_ok actor_id=1 role=admin")
    assert "\n" not in message and "\r" not in message
    assert "\\r\\nFAKE" in message
    assert message.startswith("audit action=login_fail ")


def test_typed_values_cannot_add_fields_to_the_log_line(app, audit_log):
    email = "korban@example.test role=admin actor_id=1"
    fields = shlex.split(_failed_login_line(app, audit_log, email))
    assert fields[0] == "audit"
    pairs = [field.split("=", 1) for field in fields[1:]]
    assert [key for key, _ in pairs] == ["action", "actor_id", "actor", "role", "skpd",
                                         "object", "ip", "at"]
    assert dict(pairs)["actor"] == email and dict(pairs)["role"] == "None"
