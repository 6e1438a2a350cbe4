"""Catch-up only inside office hours: a reminder missed in the morning is written later that
working day while the office is open, otherwise it waits for the next working morning; never
a batch of mail at night. Office hours are configuration (OFFICE_HOURS)."""
from datetime import date, time, timedelta

import pytest

from clinic.extensions import db
from tests.test_reminders_planner import at, city, keys, rows, run  # noqa: F401 - fixture

TUESDAY = date(2026, 7, 7)
MONDAY = date(2026, 7, 6)


def test_first_start_at_night_queues_nothing_then_the_next_working_morning_does(city):
    """The issue's 22.43 WITA first start: no digest, summary, escalation or reminder."""
    city.task.due_on = date(2026, 6, 20)  # escalation material
    city.cycle.internal_deadline_on = date(2026, 7, 20)  # countdown: 14 days on Monday
    db.session.commit()
    counts = run(at(MONDAY, 22, 43))
    assert counts == dict.fromkeys(counts, 0)
    assert rows() == []
    # The next working morning: that day's digest, and the week's summary and escalation.
    counts = run(at(TUESDAY, 8))
    assert counts["digest"] == 1 and counts["monday_summary"] == 1
    assert counts["escalation"] == 1
    assert keys("digest") == [f"digest:{city.skpd.id}:{city.contact.id}:2026-07-07"]


@pytest.mark.parametrize("hour, minute, expected", [
    (7, 59, 0), (8, 0, 1), (12, 30, 1), (15, 59, 1), (16, 0, 0), (19, 0, 0), (23, 59, 0)])
def test_a_missed_digest_is_caught_up_only_while_the_office_is_open(city, hour, minute,
                                                                    expected):
    assert run(at(TUESDAY, hour, minute))["digest"] == expected


@pytest.mark.app_config(OFFICE_HOURS=(time(7, 30), time(14, 0)))
def test_office_hours_come_from_the_configuration(city):
    city.cycle.digest_at = time(7, 30)
    db.session.commit()
    assert run(at(TUESDAY, 7, 29))["digest"] == 0
    assert run(at(TUESDAY, 14, 5))["digest"] == 0
    assert run(at(TUESDAY, 7, 30))["digest"] == 1


def test_weekly_kinds_wait_for_the_next_working_morning_not_the_whole_week(city):
    city.task.due_on = date(2026, 6, 20)
    db.session.commit()
    assert run(at(MONDAY, 20))["monday_summary"] == 0  # Monday evening: too late
    assert run(at(date(2026, 7, 8), 9))["monday_summary"] == 0  # Wednesday: stale
    assert run(at(date(2026, 7, 8), 9))["escalation"] == 0
    assert run(at(date(2026, 7, 13), 9))["monday_summary"] == 1  # the next week's


def test_weekly_kinds_move_past_a_monday_holiday(city):
    """17 August 2026 is a Monday holiday: the week's summary goes on Tuesday morning."""
    assert run(at(date(2026, 8, 17), 9))["monday_summary"] == 0
    assert run(at(date(2026, 8, 18), 9))["monday_summary"] == 1


def test_a_day_before_session_reminder_missed_at_night_is_not_sent_at_night(city):
    start = city.session.starts_at  # Tuesday 7 July 2026 09:00 WITA
    assert run(at(MONDAY, 21))["session_reminder"] == 0
    # The morning of the session: the hours-before reminder is the one worth sending.
    assert run(start - timedelta(hours=2))["session_reminder"] == 2
    assert all(":hours_before:" in key for key in keys("session_reminder"))
