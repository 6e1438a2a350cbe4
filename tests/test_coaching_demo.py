"""The coaching demo: held sessions signed off, tasks in every state, upcoming working days."""
import os
import shutil
import tempfile
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from clinic.auth.models import User
from clinic.coaching.models import (
    AttendanceStatus, CoachingSession, Finding, SessionStatus,
)
from clinic.demo.coaching.calendar import cuti_bersama, holiday_eve, weekly_days
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskStatus
from clinic.outbox.models import Notification
from clinic.reporting.models import ItemStatus
from clinic.workdays import ClosedDate, is_working_day, national_holiday

# Tuesday 1 December 2026, 09.00 WITA: the next national holiday is Christmas, and the demo
# makes 24 December a cuti bersama, so the holiday's eve is Wednesday the 23rd.
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def upload_folder(app, tmp_path):
    # The reporting demo stores a few hundred files; a RAM disk keeps this test quick.
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="klinik-coaching-demo-", dir=shm))
    else:
        folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def day_of(session):
    return session.starts_at.astimezone(WITA).date()


def test_seed_demo_adds_a_living_coaching_calendar(app, runner, upload_folder):
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        assert "coaching sessions" in result.output
        db.session.expire_all()
        sessions = db.session.scalars(select(CoachingSession)).all()
        # The held Bimtek's tasks (source "event") are the Bimtek demo's.
        tasks = db.session.scalars(select(FollowUpTask).where(
            FollowUpTask.source == "session")).all()

        # -- past sessions: held, signed off, with attendance, revisions and findings
        past = [s for s in sessions if s.starts_at < NOW]
        assert len(past) >= 6
        assert {s.status for s in past} == {SessionStatus.HELD}
        assert all(day_of(s) >= TODAY - timedelta(weeks=6) for s in past)
        for session in past:
            note = session.note
            assert session.is_signed_off and note.signed_off_at <= NOW
            assert note.signed_off_by_id == session.trainers[0].id
            assert note.revisions and note.revisions[0].body == note.body
            assert "## Temuan" in note.body and session.findings
            assert "signed_off" in {e.action for e in session.events}
            assert all(row.status in AttendanceStatus.ALL for row in session.attendance)
            guests = [row for row in session.attendance if row.user_id is None]
            assert guests and all(len(g.nip) == 18 and g.nip.isdigit() for g in guests)
        assert any(len(s.note.revisions) == 2 for s in past)
        assert any(s.note.private_body for s in past)
        assert {t.email for s in past for t in s.trainers} == {
            "trainer@demo.test", "trainer.kemendagri@demo.test"}
        assert any(s.timezone == "Asia/Jakarta" and s.online_url for s in sessions)

        # -- tasks: every status, some active ones overdue, owned by the SKPD's active contact
        assert {t.status for t in tasks} == set(TaskStatus.ALL)
        overdue = [t for t in tasks if t.is_overdue(TODAY)]
        assert {t.status for t in overdue} == set(TaskStatus.ACTIVE)
        assert any(t.status in TaskStatus.ACTIVE and not t.is_overdue(TODAY) for t in tasks)
        for task in tasks:
            owner = task.owner
            assert owner.role == "contact" and owner.is_active and owner.skpd_id == task.skpd_id
            assert task.source == "session" and task.finding.session_id == task.session_id
            assert task.item_id == task.finding.item_id
            assert task.events[-1].action == "created"
            moves = [e for e in task.events if e.to_status]  # newest first
            assert moves[0].to_status == task.status
            assert [e.from_status for e in moves[:-1]] == [e.to_status for e in moves[1:]]
            assert all(e.comment for e in moves[:-1]) and moves[0].created_at <= NOW
            assert (task.done_at is not None) == (task.status in ("done", "closed"))

        # -- findings are about unverified items of the session's own SKPDs
        findings = db.session.scalars(select(Finding)).all()
        assert len(findings) == len(tasks)
        for finding in findings:
            skpd_ids = {s.id for s in finding.session.skpds}
            assert finding.skpd_id in skpd_ids
            assert finding.item.innovation.skpd_id in skpd_ids
            assert finding.innovation_id == finding.item.innovation_id
            assert finding.item.status != ItemStatus.VERIFIED

        # -- upcoming sessions: working days only, one rescheduled, one cancelled
        upcoming = [s for s in sessions if s.starts_at > NOW]
        assert len(upcoming) >= 10
        assert all(day_of(s) <= TODAY + timedelta(weeks=4) for s in upcoming)
        for session in upcoming:
            assert day_of(session).weekday() < 5 and is_working_day(day_of(session)), session
            assert session.note is None and session.status != SessionStatus.HELD
        cancelled = [s for s in sessions if s.status == SessionStatus.CANCELLED]
        assert len(cancelled) == 1 and cancelled[0].cancel_reason
        assert cancelled[0].events[0].detail == {"reason": cancelled[0].cancel_reason}
        moved = [s for s in sessions if "rescheduled" in {e.action for e in s.events}]
        assert len(moved) == 1 and moved[0].sequence == 1
        detail = moved[0].events[0].detail
        assert detail["to"] == [moved[0].starts_at.isoformat(), moved[0].ends_at.isoformat()]
        assert detail["from"][0] < detail["to"][0]

        # -- the holiday's eve: Christmas is national, 24 December a cuti bersama
        closed = dict(db.session.execute(select(ClosedDate.closed_on, ClosedDate.name)).all())
        assert closed[date(2026, 12, 24)] == "Cuti Bersama Hari Raya Natal"
        assert not any(national_holiday(day) for day in closed)
        eves = [s for s in upcoming if _eve_of_holiday(day_of(s))]
        assert [day_of(s) for s in eves] == [date(2026, 12, 23)]

        # -- one weekly series of four, same time, a week apart
        series = defaultdict(list)
        for session in sessions:
            if session.series_id:
                series[session.series_id].append(session.starts_at)
        assert len(series) == 1
        starts = sorted(next(iter(series.values())))
        assert len(starts) == 4
        assert {b - a for a, b in zip(starts, starts[1:])} == {timedelta(weeks=1)}

        # -- the first demo contact sees every state
        dinkes = db.session.scalar(select(User).where(User.email == "operator.dinkes@demo.test"))
        own_sessions = [s for s in upcoming if dinkes.skpd in s.skpds]
        assert any(s.status == SessionStatus.PLANNED for s in own_sessions)
        own_tasks = [t for t in tasks if t.owner_id == dinkes.id]
        assert any(t.is_overdue(TODAY) and t.status == TaskStatus.OPEN for t in own_tasks)
        assert {TaskStatus.DONE, TaskStatus.IN_PROGRESS} <= {t.status for t in own_tasks}

        # -- no invitation or notes e-mail: only the demo trainer's account invitation
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1

        # -- --if-empty leaves the demo as it is
        again = runner.invoke(args=["seed-demo", "--if-empty"])
        assert again.exit_code == 0 and "not added" in again.output
        assert db.session.scalar(
            select(func.count()).select_from(CoachingSession)) == len(sessions)


def _eve_of_holiday(day):
    """The working day right before a national holiday (closed days in between allowed)."""
    after = day + timedelta(days=1)
    while not is_working_day(after):
        if national_holiday(after):
            return True
        after += timedelta(days=1)
    return False


@pytest.mark.parametrize("today, closed, eve, weekly", [
    # Christmas Eve is a Thursday, Isra Mikraj on Tuesday 5 January 2027 gets its Monday.
    (date(2026, 12, 1), {date(2026, 12, 24), date(2027, 1, 4)}, date(2026, 12, 24),
     date(2026, 12, 8)),
    # After Christmas: New Year's Eve, next year's Christmas Eve (a Friday); the Tuesday series
    # would meet Isra Mikraj on 5 January, so it starts a week later.
    (date(2026, 12, 26), {date(2027, 12, 24), date(2027, 1, 4)}, date(2026, 12, 31),
     date(2027, 1, 12)),
    # Christmas Eve 2028 is a Sunday: no cuti bersama on a weekend, only Waisak's Monday.
    (date(2027, 12, 25), {date(2028, 5, 8)}, date(2027, 12, 31), None),
])
def test_demo_days(app, today, closed, eve, weekly):
    days = cuti_bersama(today)
    assert set(days) == closed, days
    assert all(name.startswith("Cuti Bersama ") for name in days.values())
    assert holiday_eve(today) == eve  # closed dates not yet stored
    series = weekly_days(today)
    assert len(series) == 4 and all(is_working_day(day) for day in series)
    assert {b - a for a, b in zip(series, series[1:])} == {timedelta(weeks=1)}
    if weekly:
        assert series[0] == weekly
