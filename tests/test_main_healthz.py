"""/healthz: database and scheduler heartbeat for anyone; outbox and lock holder for staff."""
import itertools
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from clinic import create_app
from clinic.extensions import db
from clinic.outbox.models import Notification, OutboxStatus

START = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)


_numbers = itertools.count(1)


def _row(status, send_after):
    n = next(_numbers)
    return Notification(kind="test", to_email=f"penerima{n}@example.test", subject="S",
                        body_text="T", message_id=f"<{n}@example.test>", status=status,
                        send_after=send_after)


def test_healthz_reports_database_and_backlog(client, auth, make_user):
    # Signed in within the travelled time: a session cookie signed in the future is not read.
    with time_machine.travel(START, tick=False):
        auth.login_as(make_user(role="staff"))
        db.session.add_all([
            _row(OutboxStatus.PENDING, START - timedelta(minutes=10)),
            _row(OutboxStatus.PENDING, START - timedelta(minutes=2)),
            _row(OutboxStatus.PENDING, START + timedelta(hours=1)),
            _row(OutboxStatus.SENT, START - timedelta(days=1)),
            _row(OutboxStatus.FAILED, START - timedelta(days=1)),
        ])
        db.session.commit()
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    outbox = body["outbox"]
    assert (outbox["pending"], outbox["sent"], outbox["failed"], outbox["sending"],
            outbox["cancelled"]) == (3, 1, 1, 0, 0)
    assert outbox["oldest_pending_age_seconds"] == 600


def test_healthz_empty_outbox(client, auth, make_user):
    auth.login_as(make_user(role="admin"))
    body = client.get("/healthz").get_json()
    assert body["outbox"]["pending"] == 0 and body["outbox"]["oldest_pending_age_seconds"] == 0


def test_healthz_is_public_and_not_rate_limited(client):
    for _ in range(50):
        assert client.get("/healthz").status_code == 200


def test_healthz_reports_an_unreachable_database():
    app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-directory/klinik/clinic.sqlite"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "error", "database": "unreachable"}
    assert "nonexistent" not in response.get_data(as_text=True)


def test_unknown_path_under_healthz_answers_json(client):
    response = client.get("/healthz/nope")
    assert response.status_code == 404 and response.get_json() == {"error": 404}


def test_healthz_scheduler_never_ran(client):
    body = client.get("/healthz").get_json()
    assert body["scheduler"] == {"heartbeat_age_seconds": None, "state": "never"}


def _lock_held_by_web1():
    from clinic.reminders.models import SchedulerLock

    db.session.add(SchedulerLock(name="reminders", holder="web1:4242", acquired_at=START,
                                 heartbeat_at=START))
    db.session.commit()


@pytest.mark.parametrize("role", [None, "trainer", "contact"])
def test_healthz_shows_the_public_only_what_a_load_balancer_needs(client, auth, make_user,
                                                                  role):
    _lock_held_by_web1()
    db.session.add(_row(OutboxStatus.PENDING, START))
    db.session.commit()
    with time_machine.travel(START + timedelta(seconds=10), tick=False):
        if role:
            auth.login_as(make_user(role=role))
            assert client.get("/").status_code == 200  # signed in indeed
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "scheduler": {
        "heartbeat_age_seconds": 10, "state": "ok"}}
    assert "web1" not in response.get_data(as_text=True)


def test_healthz_scheduler_heartbeat_fresh_then_stale_keeps_200(client, auth, make_user):
    _lock_held_by_web1()
    user = make_user(role="admin")
    with time_machine.travel(START + timedelta(seconds=10), tick=False):
        auth.login_as(user)
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["scheduler"] == {
        "holder": "web1:4242", "heartbeat_age_seconds": 10, "state": "ok"}
    # A dead scheduler is reported, but the web application still answers: 200, not 503.
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["scheduler"] == {"holder": "web1:4242", "heartbeat_age_seconds": 300,
                                 "state": "stale"}
