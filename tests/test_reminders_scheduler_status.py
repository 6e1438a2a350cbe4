"""The scheduler's status page for staff and `flask scheduler status`."""
from datetime import datetime, timedelta, timezone

import time_machine

from clinic.extensions import db
from clinic.reminders.models import JobRun, SchedulerLock

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09.00 WITA


def _history():
    db.session.add(SchedulerLock(name="reminders", holder="sched1:777", acquired_at=NOW,
                                 heartbeat_at=NOW - timedelta(seconds=5)))
    db.session.add_all([
        JobRun(job_id="outbox", holder="sched1:777", started_at=NOW - timedelta(minutes=2),
               finished_at=NOW - timedelta(minutes=2), outcome="error",
               detail="SMTPServerDisconnected: Connection unexpectedly closed"),
        JobRun(job_id="outbox", holder="sched1:777", started_at=NOW - timedelta(seconds=30),
               finished_at=NOW - timedelta(seconds=29), outcome="ok", detail="sent=3"),
        JobRun(job_id="reminders", holder="sched1:777", started_at=NOW - timedelta(seconds=40),
               finished_at=NOW - timedelta(seconds=39), outcome="ok", detail="digest=2"),
    ])
    db.session.commit()


def test_status_page_shows_lock_jobs_and_runs(client, auth, make_user):
    _history()
    with time_machine.travel(NOW, tick=False):
        auth.login_as(make_user("staff"))
        page = client.get("/admin/outbox/scheduler").get_data(as_text=True)
    assert "sched1:777" in page and "5 detik yang lalu" in page
    for description in ("Pengingat &amp; ringkasan", "Pengiriman e-mail", "Detak jantung"):
        assert description in page
    assert 'status-failed">Gagal' in page and 'status-sent">Berhasil' in page
    assert "SMTPServerDisconnected" in page and "sent=3" in page
    # In the viewer's zone (WITA by default), with the next run a minute after the last one.
    assert "Senin, 2 Maret 2026 08.59 WITA" in page  # the outbox run 30 s before 09.00
    assert "Senin, 2 Maret 2026 09.00 WITA" in page  # its next run at 08.59.30 + 60 s
    assert "Belum pernah dijalankan." in page  # the heartbeat job has no runs yet


def test_status_page_without_scheduler(client, auth, make_user):
    auth.login_as(make_user("admin"))
    page = client.get("/admin/outbox/scheduler").get_data(as_text=True)
    assert "Belum pernah berjalan" in page and "flask scheduler run" in page


def test_status_cli(runner):
    _history()
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["scheduler", "status"])
    assert result.exit_code == 0, result.output
    assert "holder: sched1:777  heartbeat: 5 s ago  state: ok" in result.output
    assert "error   sched1:777 SMTPServerDisconnected" in result.output
    assert "heartbeat (every 15 s)\n  never run" in result.output
