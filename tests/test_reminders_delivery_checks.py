"""Delivery re-validates reminder mail (clinic.reminders.staleness): a day's mail is sent only
inside office hours and never once its day is over; a weekly mail waits for the next working
morning of its week; a session reminder whose session moved, went or began is never sent.
Delivery goes to the real SMTP server on loopback."""
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.coaching.models import CoachingSession
from clinic.extensions import db
from clinic.outbox.models import Notification, OutboxStatus
from tests.smtp_sink import MAIL
from tests.test_reminders_changes import deliver, run as plan
from tests.test_reminders_planner import at, city  # noqa: F401 - fixture

pytestmark = pytest.mark.app_config(**MAIL)
TUESDAY, MONDAY = date(2026, 7, 7), date(2026, 7, 6)


def rows(kind):
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.id)).all()


def test_a_digest_not_delivered_before_closing_time_is_never_sent(city, sink):
    assert plan(at(TUESDAY, 15, 50))["digest"] == 1  # SMTP down until after closing time
    assert deliver(at(TUESDAY, 16, 30))["superseded"] == 1
    (row,) = rows("digest")
    assert row.status == OutboxStatus.SUPERSEDED and "day is over" in row.last_error
    assert not any(m["message"]["Subject"].startswith("Ringkasan") for m in sink.messages)


def test_a_digest_of_an_earlier_day_is_never_sent(city, sink):
    plan(at(TUESDAY, 9))
    deliver(at(date(2026, 7, 8), 9))  # the mail server came back the next morning
    (row,) = rows("digest")
    assert row.status == OutboxStatus.SUPERSEDED and "earlier day" in row.last_error


def test_a_backlog_found_at_night_waits_for_the_morning(city, sink):
    """The 22.43 case at delivery: rows written in office hours, SMTP configured at night."""
    plan(at(MONDAY, 9))
    summary = rows("monday_summary")[0]
    counts = deliver(at(MONDAY, 22, 43))
    assert counts["postponed"] == 1 and counts["superseded"] == 1
    # Only what is not bound to office hours went: tomorrow's session reminders, the test row.
    assert {r.kind for r in rows("session_reminder") if r.status == "sent"} == {
        "session_reminder"}
    assert not any(m["message"]["Subject"].startswith("Ringkasan") for m in sink.messages)
    db.session.expire_all()
    assert summary.status == OutboxStatus.PENDING
    assert summary.send_after == at(TUESDAY, 8)  # the next working morning, same week
    assert rows("digest")[0].status == OutboxStatus.SUPERSEDED  # Monday's digest: over
    assert deliver(at(TUESDAY, 7, 59))["sent"] == 0
    assert deliver(at(TUESDAY, 8))["sent"] == 1
    assert rows("monday_summary")[0].status == OutboxStatus.SENT


def test_a_session_reminder_for_a_moved_or_begun_session_is_never_sent(city, sink):
    assert plan(at(MONDAY, 8))["session_reminder"] == 2
    # Moved without the coaching service (no supersede at the change): delivery catches it.
    session = db.session.get(CoachingSession, city.session.id)
    session.starts_at += timedelta(days=2)
    session.ends_at += timedelta(days=2)
    db.session.commit()
    deliver(at(MONDAY, 8, 1))
    assert {r.status for r in rows("session_reminder")} == {OutboxStatus.SUPERSEDED}
    assert {r.last_error for r in rows("session_reminder")} == {
        "superseded: the session moved"}


def test_a_session_reminder_delivered_after_the_start_is_never_sent(city, sink):
    start = city.session.starts_at
    assert plan(start - timedelta(hours=2))["session_reminder"] == 2
    deliver(start + timedelta(minutes=5))
    assert {r.last_error for r in rows("session_reminder") if r.status == "superseded"} == {
        "superseded: the session has begun"}
    assert not any("Coaching Clinic" in m["message"]["Subject"] for m in sink.messages)


def test_a_countdown_on_a_holiday_is_delivered_in_office_hours(city, sink):
    """16 June 2026 is a public holiday; the countdown counts calendar days and still goes."""
    city.cycle.internal_deadline_on = date(2026, 6, 30)
    db.session.commit()
    assert plan(at(date(2026, 6, 16), 9))["deadline_countdown"] == 1
    assert deliver(at(date(2026, 6, 16), 9, 1))["sent"] >= 1
    assert rows("deadline_countdown")[0].status == OutboxStatus.SENT


def test_a_countdown_not_delivered_that_day_is_never_sent_the_next(city, sink):
    city.cycle.internal_deadline_on = date(2026, 6, 30)
    db.session.commit()
    plan(at(date(2026, 6, 16), 15, 55))
    deliver(at(date(2026, 6, 16), 16, 5))  # "14 days left" would be wrong tomorrow
    (row,) = rows("deadline_countdown")
    assert row.status == OutboxStatus.SUPERSEDED
