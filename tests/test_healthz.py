"""/healthz: database reachable and the outbox backlog, as JSON for monitoring."""
import itertools
from datetime import datetime, timedelta, timezone

import time_machine

from clinic import create_app
from clinic.extensions import db
from clinic.reminders.models import Notification, OutboxStatus

START = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)


_numbers = itertools.count(1)


def _row(status, send_after):
    n = next(_numbers)
    return Notification(kind="test", to_email=f"penerima{n}@example.test", subject="S",
                        body_text="T", message_id=f"<{n}@example.test>", status=status,
                        send_after=send_after)


def test_healthz_reports_database_and_backlog(client):
    with time_machine.travel(START, tick=False):
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


def test_healthz_empty_outbox(client):
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
    assert body["scheduler"] == {"holder": None, "heartbeat_age_seconds": None, "state": "never"}


def test_healthz_scheduler_heartbeat_fresh_then_stale_keeps_200(client):
    from clinic.reminders.models import SchedulerLock

    db.session.add(SchedulerLock(name="reminders", holder="web1:4242", acquired_at=START,
                                 heartbeat_at=START))
    db.session.commit()
    with time_machine.travel(START + timedelta(seconds=10), tick=False):
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
