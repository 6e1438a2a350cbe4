"""The reminder planner: working days, session reminders, countdown, escalation, summary, and
reminders that are written exactly once (checks 31, 32 and 33 of docs/reliability.md)."""
import os
import threading
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from clinic.catalogue.models import Cycle
from clinic.coaching.models import CoachingSession
from clinic.extensions import db
from clinic.outbox.models import Notification
from clinic.reminders.planner import rules, run_due
from clinic.reminders.planner.sessions import session_reminder_times
from clinic.workdays import ClosedDate

UTC = timezone.utc
# The world's cycle runs on WITA (UTC+8): 08:00 local is 00:00Z.
MON_0800 = datetime(2026, 7, 6, 0, 0, tzinfo=UTC)


def at(day, hour=8, minute=0):
    """An instant given as WITA wall-clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def run(now):
    with time_machine.travel(now, tick=False):
        counts = run_due(now)
    db.session.commit()
    return counts


def rows(kind=None):
    stmt = select(Notification).where(Notification.kind != "test").order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def keys(kind=None):
    return sorted(row.dedupe_key for row in rows(kind))


@pytest.fixture
def city(world):
    """The world with something actionable for SKPD A every day: its SID item is empty."""
    world.cycle.internal_deadline_on = date(2026, 7, 31)
    db.session.commit()
    return world


# ---------------------------------------------------------------- digest days and frequency

@pytest.mark.parametrize("day", [date(2026, 7, 4), date(2026, 7, 5), date(2026, 8, 17),
                                 date(2026, 7, 8)], ids=["saturday", "sunday", "holiday",
                                                         "closed-date"])
def test_no_digest_on_days_off(city, day):
    db.session.add(ClosedDate(closed_on=date(2026, 7, 8), name="Cuti bersama"))
    db.session.commit()
    assert run(at(day, 9))["digest"] == 0
    assert keys("digest") == []


def test_daily_digest_on_a_working_day_once(city):
    assert run(at(date(2026, 7, 7), 9))["digest"] == 1
    assert keys("digest") == [f"digest:{city.skpd.id}:{city.contact.id}:2026-07-07"]


def test_weekly_digest_only_on_the_first_working_day_of_the_week(city):
    city.contact.digest_frequency = "weekly"
    db.session.commit()
    run(at(date(2026, 7, 6)))  # Monday
    run(at(date(2026, 7, 7)))  # Tuesday: nothing for a weekly reader
    run(at(date(2026, 8, 17)))  # Monday, a holiday: the week starts on Tuesday
    run(at(date(2026, 8, 18)))
    assert keys("digest") == [f"digest:{city.skpd.id}:{city.contact.id}:2026-07-06",
                              f"digest:{city.skpd.id}:{city.contact.id}:2026-08-18"]


def test_digest_off_means_none(city):
    city.contact.digest_frequency = "off"
    db.session.commit()
    assert run(at(date(2026, 7, 7)))["digest"] == 0


def test_reminders_disabled_on_the_cycle_write_nothing(city):
    city.cycle.reminders_enabled = False
    db.session.commit()
    assert sum(run(at(date(2026, 7, 6))).values()) == 0
    assert rows() == []


# ---------------------------------------------------------------- check 32: catch-up

def test_check_32_downtime_catch_up_writes_the_morning_digest_once(city):
    assert run(at(date(2026, 7, 7), 7, 55))["digest"] == 0  # before 08:00: not yet due
    # Down from 07:55 to 08:30: the first run after the outage writes the 08:00 digest.
    assert run(at(date(2026, 7, 7), 8, 30))["digest"] == 1
    assert run(at(date(2026, 7, 7), 8, 31))["digest"] == 0
    assert keys("digest") == [f"digest:{city.skpd.id}:{city.contact.id}:2026-07-07"]
    # A digest of an earlier day is stale: the next morning before 08:00 writes nothing.
    assert run(at(date(2026, 7, 8), 7, 0))["digest"] == 0
    assert len(rows("digest")) == 1


# ---------------------------------------------------------------- check 31: idempotent runs

def test_check_31_two_sequential_runs_write_each_key_once(city):
    first = run(MON_0800)
    before = keys()
    second = run(MON_0800 + timedelta(seconds=30))
    assert sum(first.values()) > 0 and sum(second.values()) == 0
    assert keys() == before and len(before) == len(set(before))


def test_check_31_a_lost_race_on_the_key_is_already_planned(city, monkeypatch):
    """The insert itself is the guard: with the existence check blinded (as when another run
    commits between check and insert) the second run meets IntegrityError and moves on."""
    first = run(MON_0800)
    before = keys()
    monkeypatch.setattr(rules, "_planned", lambda key: False)
    second = run(MON_0800)
    assert sum(first.values()) > 0 and sum(second.values()) == 0
    assert keys() == before


def test_check_31_two_concurrent_runs_write_each_key_once(app, city):
    sqlite = db.engine.dialect.name == "sqlite"
    # In-memory SQLite shares one connection between threads: it serialises, so do we.
    gate = threading.Lock() if sqlite else None
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                if gate:
                    with gate:
                        results.append(run_due(MON_0800))
                        db.session.commit()
                else:
                    results.append(run_due(MON_0800))
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 2
    db.session.expire_all()
    all_keys = keys()
    assert len(all_keys) == len(set(all_keys))
    expected = {f"digest:{city.skpd.id}:{city.contact.id}:2026-07-06", f"summary:{city.staff.id}:2026-W28"}
    assert expected <= set(all_keys)
    # Together the two runs wrote each row once: their counts add up to the rows.
    assert sum(sum(r.values()) for r in results) == len(all_keys)


# ---------------------------------------------------------------- session reminders

def test_session_reminders_day_before_and_two_hours_before(city):
    start = city.session.starts_at  # Tuesday 7 July 2026 09:00 WITA
    assert run(at(date(2026, 7, 6), 7, 59))["session_reminder"] == 0
    assert run(at(date(2026, 7, 6), 8))["session_reminder"] == 2  # contact A and the trainer
    assert run(start - timedelta(hours=2, minutes=1))["session_reminder"] == 0
    assert run(start - timedelta(hours=2))["session_reminder"] == 2
    assert run(start + timedelta(minutes=1))["session_reminder"] == 0
    iso = start.isoformat()
    assert keys("session_reminder") == sorted(
        f"session:{city.session.id}:{user.id}:{label}:{iso}"
        for user in (city.contact, city.trainer) for label in ("day_before", "hours_before"))
    row = next(r for r in rows("session_reminder") if r.recipient_id == city.contact.id)
    assert "Selasa, 7 Juli 2026 09.00 WITA" in row.body_text and row.links == {"unsubscribe"}
    assert {r.to_email for r in rows("session_reminder")} == {city.contact.email,
                                                              city.trainer.email}


def test_moved_session_gets_new_reminders_and_the_old_time_is_never_due(city):
    run(at(date(2026, 7, 6), 8))
    old = set(keys("session_reminder"))
    session = db.session.get(CoachingSession, city.session.id)
    session.starts_at = datetime(2026, 7, 9, 1, 0, tzinfo=UTC)  # Thursday 09:00 WITA
    session.ends_at = datetime(2026, 7, 9, 3, 0, tzinfo=UTC)
    session.sequence += 1
    db.session.commit()
    # The old start's two-hours-before moment: nothing any more.
    assert run(datetime(2026, 7, 6, 23, 0, tzinfo=UTC))["session_reminder"] == 0
    assert run(at(date(2026, 7, 8), 8))["session_reminder"] == 2
    new = set(keys("session_reminder")) - old
    assert new and all(key.endswith(":2026-07-09T01:00:00+00:00") for key in new)
    assert all(":day_before:" in key for key in new)


def test_cancelled_and_held_sessions_get_no_reminders(city):
    city.session.status = "cancelled"
    db.session.commit()
    assert run(at(date(2026, 7, 6), 8))["session_reminder"] == 0
    city.session.status = "held"
    db.session.commit()
    assert run(city.session.starts_at - timedelta(hours=1))["session_reminder"] == 0


# ---------------------------------------------------------------- check 33: time zones

@pytest.fixture(params=["UTC", "Asia/Jakarta"])
def process_tz(request):
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_check_33_session_times_across_process_zones(city, process_tz):
    cycle = Cycle(year=2025, name="IID 2025", timezone="Asia/Jakarta")
    db.session.add(cycle)
    # What staff entered: Monday 3 March 2025 09:00 WIB.
    start = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    session = CoachingSession(title="Klinik WIB", skpds=[city.skpd], trainers=[city.trainer],
                              starts_at=start, ends_at=start + timedelta(hours=2),
                              timezone="Asia/Jakarta", cycle=cycle)
    db.session.add(session)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(CoachingSession, session.id)
    assert stored.starts_at == datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
    assert stored.starts_at.tzinfo is not None and stored.starts_at.utcoffset() == timedelta(0)
    cycle = db.session.get(Cycle, cycle.id)
    # The calendar-day variant (a function argument only): 08:00 WIB on Sunday 2 March.
    calendar = dict(session_reminder_times(stored, cycle, calendar_day=True))
    assert calendar["day_before"] == datetime(2025, 3, 2, 1, 0, tzinfo=UTC)
    # The default (session_reminder_day_before=True): the working day before, Friday 08:00 WIB.
    default = dict(session_reminder_times(stored, cycle))
    assert default["day_before"] == datetime(2025, 2, 28, 1, 0, tzinfo=UTC)
    assert default["hours_before"] == datetime(2025, 3, 3, 0, 0, tzinfo=UTC)
    assert all(moment.tzinfo is not None for moment in default.values())
    # The planner under this process zone: written at Friday 08:00 WIB, not a minute before.
    city.cycle.is_current = False
    cycle.is_current = True
    db.session.commit()
    assert run(datetime(2025, 2, 28, 0, 59, tzinfo=UTC))["session_reminder"] == 0
    assert run(datetime(2025, 2, 28, 1, 0, tzinfo=UTC))["session_reminder"] == 2
    assert keys("session_reminder") == sorted(
        f"session:{session.id}:{user.id}:day_before:2025-03-03T02:00:00+00:00"
        for user in (city.contact, city.trainer))


# ---------------------------------------------------------------- countdown

def test_countdown_on_the_configured_days_only(city):
    city.cycle.internal_deadline_on = date(2026, 6, 30)
    db.session.commit()
    assert run(at(date(2026, 6, 15)))["deadline_countdown"] == 0  # 15 days: not a step
    # 14 days before, a public holiday: deadlines do not move, the countdown is still sent.
    assert run(at(date(2026, 6, 16)))["deadline_countdown"] == 1
    assert run(at(date(2026, 6, 16), 12))["deadline_countdown"] == 0
    row = rows("deadline_countdown")[0]
    assert row.recipient_id == city.contact.id  # SKPD B has nothing missing
    assert row.dedupe_key == f"countdown:{city.skpd.id}:{city.cycle.id}:14:{city.contact.id}"
    assert "14 hari lagi" in row.subject and "SID-1" in row.body_text
    assert "poin indeks" in row.body_text and row.links == {"unsubscribe"}
    city.cycle.countdown_days = [5]
    db.session.commit()
    assert run(at(date(2026, 6, 23)))["deadline_countdown"] == 0  # 7: no longer a step
    assert run(at(date(2026, 6, 25)))["deadline_countdown"] == 1


# ---------------------------------------------------------------- escalation

def test_escalation_to_the_head_with_staff_in_cc_once_a_week(city, make_user):
    city.task.due_on = date(2026, 6, 29)  # 7 days overdue on Monday 6 July
    city.skpd.head_email = "kepala@dinas-pertama.example"
    city.skpd.head_name = "Kepala Dinas Pertama"
    second_staff = make_user("staff")
    db.session.commit()
    assert run(at(date(2026, 7, 6)))["escalation"] == 1
    assert run(at(date(2026, 7, 6), 15))["escalation"] == 0
    assert run(at(date(2026, 7, 7)))["escalation"] == 0  # not the escalation weekday
    row = rows("escalation")[0]
    assert row.to_email == "kepala@dinas-pertama.example"
    assert set(row.cc.split(", ")) == {city.staff.email, second_staff.email}
    assert row.dedupe_key == f"escalation:{city.skpd.id}:2026-W28"
    assert row.secret_links is None and "Berhenti berlangganan" not in row.body_text
    assert "Unggah SK inovasi" in row.body_text and "Kepala Dinas Pertama" in row.body_text
    assert run(at(date(2026, 7, 13)))["escalation"] == 1  # the next week again
    assert keys("escalation")[-1] == f"escalation:{city.skpd.id}:2026-W29"


def test_escalation_without_head_email_goes_to_staff_and_says_the_address_is_missing(
        city, make_user):
    city.task.due_on = date(2026, 6, 20)
    city.skpd.head_email = None
    second_staff = make_user("staff")
    db.session.commit()
    assert run(at(date(2026, 7, 6)))["escalation"] == 2
    escalations = rows("escalation")
    # Never to the late operator: to each Bappeda staff member, nobody in copy.
    assert {r.to_email for r in escalations} == {city.staff.email, second_staff.email}
    assert all(r.cc is None for r in escalations)
    assert city.contact.email not in " ".join(r.to_email + (r.cc or "") for r in escalations)
    row = escalations[0]
    assert f"Alamat e-mail kepala {city.skpd.name} belum tercatat" in row.body_text
    assert "belum tercatat" in row.body_html and "Unggah SK inovasi" in row.body_text
    assert row.dedupe_key.startswith(f"escalation:{city.skpd.id}:2026-W28:staff:")
    assert run(at(date(2026, 7, 6), 10))["escalation"] == 0


def test_recent_overdue_is_not_escalated(city):
    city.task.due_on = date(2026, 7, 1)  # 5 days overdue
    db.session.commit()
    assert run(at(date(2026, 7, 6)))["escalation"] == 0


# ---------------------------------------------------------------- Monday summary

def test_monday_summary_to_staff(city):
    assert run(at(date(2026, 7, 5)))["monday_summary"] == 0  # Sunday: a day off
    assert run(at(date(2026, 7, 6), 7))["monday_summary"] == 0  # before digest_at
    assert run(at(date(2026, 7, 6)))["monday_summary"] == 1
    row = rows("monday_summary")[0]
    assert row.recipient_id == city.staff.id
    assert row.dedupe_key == f"summary:{city.staff.id}:2026-W28"
    assert "Skor kota IID 2026" in row.body_text and "terverifikasi" in row.body_text
    assert city.skpd.name in row.body_text.split("PERANGKAT DAERAH YANG PALING TERTINGGAL")[1]
    assert run(at(date(2026, 7, 6), 9))["monday_summary"] == 0


# ---------------------------------------------------------------- CLI

def test_cli_run_due_prints_counts_and_commits(runner, city):
    result = runner.invoke(args=["reminders", "run-due", "--now", "2026-07-07T08:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "digest=1" in result.output and "escalation=0" in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "digest")) == 1
    again = runner.invoke(args=["reminders", "run-due", "--now", "2026-07-07T08:05:00+08:00"])
    assert "digest=0" in again.output
    bad = runner.invoke(args=["reminders", "run-due", "--now", "kemarin"])
    assert bad.exit_code != 0
