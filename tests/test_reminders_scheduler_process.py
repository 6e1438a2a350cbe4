"""Real `flask scheduler run` processes against one database: one leader, mail sent once.

Checks 29 (several schedulers, each message delivered exactly once, a standby takes over when
the leader is killed), 30 (embedded runners under the reloader and under gunicorn-like workers)
and 34 (the database connections killed between two ticks) of docs/reliability.md. The waits
poll the database with a bound; the assertions never rest on a fixed sleep.
"""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text

from clinic import create_app
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.outbox.models import Notification, OutboxStatus
from clinic.reminders.models import JobRun, SchedulerLock
from tests.smtp_sink import free_port, running_sink
from clinic.reminders.scheduler import stop_embedded

REPO = Path(__file__).resolve().parent.parent
PROCESS_URL_TAG = "klinik-h6-scheduler"


@pytest.fixture
def smtp():
    with running_sink() as (sink, port):
        yield sink, port


@pytest.fixture
def shared_db(tmp_path):
    """The database the scheduler processes share: TEST_DATABASE_URL, else a SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        yield url, app
        db.session.remove()
        with db.engine.begin() as conn:
            for model in (JobRun, SchedulerLock, Notification):
                conn.execute(delete(model))
        db.engine.dispose()


def _read(query):
    """Run a query in a short transaction of its own (never hold a snapshot or a SQLite lock)."""
    db.session.rollback()
    try:
        return query()
    finally:
        db.session.rollback()


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _add_pending(count, start=0):
    now = utcnow()
    db.session.add_all([
        Notification(kind="test", to_email=f"penerima{n}@example.test", subject=f"Pesan {n}",
                     body_text="Isi", message_id=f"<h6-{n}@example.test>",
                     status=OutboxStatus.PENDING, send_after=now - timedelta(minutes=1))
        for n in range(start, start + count)])
    db.session.commit()
    return [f"<h6-{n}@example.test>" for n in range(start, start + count)]


def _process_url(url):
    # A tag on PostgreSQL connections, so the test can find (and kill) the scheduler's.
    if url.startswith("postgresql"):
        return f"{url}{'&' if '?' in url else '?'}application_name={PROCESS_URL_TAG}"
    return url


def _env(url, smtp_port, embedded="0"):
    env = dict(os.environ, DATABASE_URL=_process_url(url), CLINIC_CONFIG="development",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port), MAIL_USE_TLS="0",
               MAIL_USE_SSL="0", MAIL_USERNAME="", MAIL_PASSWORD="", MAIL_TIMEOUT="5",
               FLASK_DEBUG="0", CLINIC_EMBEDDED_SCHEDULER=embedded, PYTHONUNBUFFERED="1")
    env.pop("TEST_DATABASE_URL", None)
    env.pop("WERKZEUG_RUN_MAIN", None)
    return env


def _spawn(url, smtp_port, log_path, heartbeat=1, interval=2):
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run",
         "--heartbeat", str(heartbeat), "--interval", str(interval)],
        cwd=REPO, env=_env(url, smtp_port), stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return process


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _lock_row():
    return _read(lambda: db.session.get(SchedulerLock, "reminders", populate_existing=True))


def _pid(holder):
    return int(holder.rsplit(":", 1)[1])


def test_three_scheduler_processes_deliver_each_message_once_and_fail_over(
        shared_db, smtp, tmp_path):
    """Check 29: three processes, one leader, every message once; the standby takes over."""
    url, app = shared_db
    sink, port = smtp
    first = _add_pending(12)
    logs = [tmp_path / f"scheduler{n}.log" for n in range(3)]
    # A 2-s heartbeat (stale after 6 s) keeps a busy shared machine from faking a takeover.
    processes = [_spawn(url, port, log, heartbeat=2) for log in logs]
    try:
        wait_for(lambda: set(first) <= set(sink.message_ids()), what="the first 12 messages")
        # Let the leader and the standbys tick a few more times: nothing may arrive twice.
        wait_for(lambda: _read(lambda: db.session.scalar(
            select(func.count()).select_from(JobRun).where(JobRun.job_id == "outbox",
                                                           JobRun.outcome == "ok"))) >= 4,
                 what="four outbox runs")
        assert sorted(sink.message_ids()) == sorted(first)  # each exactly once, nothing else
        holders = _read(lambda: set(db.session.scalars(select(JobRun.holder).distinct())))
        assert len(holders) == 1, holders  # one leader ran every job
        leader = holders.pop()
        assert _lock_row().holder == leader
        by_pid = {process.pid: process for process in processes}
        assert _pid(leader) in by_pid
        statuses = _read(lambda: Counter(db.session.scalars(select(Notification.status))))
        assert statuses == {OutboxStatus.SENT: 12}

        by_pid[_pid(leader)].send_signal(signal.SIGKILL)
        killed_at, started = utcnow(), time.monotonic()

        def new_leader():
            row = _lock_row()
            return (row.holder not in (None, leader) and row.heartbeat_at > killed_at
                    and row.holder)

        successor = wait_for(new_leader, timeout=60, what="a standby to take over")
        takeover = time.monotonic() - started
        print(f"takeover after SIGKILL of the leader: {takeover:.1f} s on "
              f"{db.engine.dialect.name}")
        assert _pid(successor) in by_pid and _pid(successor) != _pid(leader)
        assert by_pid[_pid(successor)].poll() is None

        second = _add_pending(5, start=100)
        wait_for(lambda: set(second) <= set(sink.message_ids()), what="the next 5 messages")
        wait_for(lambda: _read(lambda: db.session.scalar(
            select(func.count()).select_from(JobRun).where(
                JobRun.holder == successor, JobRun.job_id == "outbox",
                JobRun.outcome == "ok"))) >= 3, what="three outbox runs of the new leader")
        counts = Counter(sink.message_ids())
        assert set(counts) == set(first) | set(second) and set(counts.values()) == {1}

        survivors = [p for p in processes if p.pid != _pid(leader)]
        _stop(survivors)
        assert [p.returncode for p in survivors] == [0, 0]
        assert _lock_row().holder is None  # released on SIGTERM
    finally:
        _stop(processes)
        for log in logs:
            sys.stdout.write(log.read_text(errors="replace")[-3000:])


def test_gunicorn_three_workers_with_embedded_scheduler_send_once(shared_db, smtp, tmp_path):
    """Checks 29/30 with real gunicorn workers: every worker embeds a runner, one leads."""
    url, app = shared_db
    sink, port = smtp
    first = _add_pending(8)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{free_port()}",
             "wsgi:app"], cwd=REPO, env=_env(url, port, embedded="1"), stdout=out,
            stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: set(first) <= set(sink.message_ids()), what="the 8 messages")
        wait_for(lambda: log.read_text(errors="replace").count("embedded scheduler started")
                 == 3, what="three workers")
        wait_for(lambda: log.read_text(errors="replace").count("standby: lock held by") == 2,
                 what="two standbys")
        assert sorted(sink.message_ids()) == sorted(first)
        holders = _read(lambda: set(db.session.scalars(select(JobRun.holder).distinct())))
        assert len(holders) == 1 and _lock_row().holder in holders
        assert _pid(_lock_row().holder) != server.pid  # a worker, not the master
        assert log.read_text(errors="replace").count("leader: ") == 1
    finally:
        _stop([server])
        sys.stdout.write(log.read_text(errors="replace")[-3000:])
    assert _lock_row().holder is None  # the leading worker released the lock on shutdown


def _kill_scheduler_connections():
    """Kill the scheduler process's database connections (never the test's); return them."""
    db.session.remove()
    db.engine.dispose()  # the test keeps no idle connection that a MariaDB KILL could hit
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            # This database's only: another pytest-xdist worker's schedulers carry the tag too.
            killed = conn.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :tag "
                "AND datname = current_database()"), {"tag": PROCESS_URL_TAG}).all()
            for backend in killed:
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": backend})
        else:
            killed = conn.scalars(text(
                "SELECT id FROM information_schema.processlist "
                "WHERE db = DATABASE() AND id <> CONNECTION_ID()")).all()
            for backend in killed:
                conn.execute(text(f"KILL {int(backend)}"))
        conn.invalidate()
    return killed


def test_killed_database_connections_between_ticks(shared_db, smtp, tmp_path):
    """Check 34: the scheduler's connections die; the lock is re-taken and the next tick works."""
    url, app = shared_db
    if db.engine.dialect.name == "sqlite":
        pytest.skip("a SQLite file has no server connection to kill or restart: run with "
                    "TEST_DATABASE_URL on PostgreSQL or MariaDB")
    sink, port = smtp
    log = tmp_path / "scheduler.log"
    process = _spawn(url, port, log, heartbeat=1, interval=1)
    try:
        wait_for(lambda: _read(lambda: db.session.scalar(select(func.count()).select_from(
            JobRun).where(JobRun.job_id == "outbox", JobRun.outcome == "ok"))) >= 2,
                 what="the scheduler to run")
        holder = _lock_row().holder
        killed_at = utcnow()
        assert _kill_scheduler_connections()
        later = _add_pending(3, start=200)

        def recovered():
            ok = _read(lambda: db.session.scalar(select(func.count()).select_from(JobRun).where(
                JobRun.job_id == "outbox", JobRun.outcome == "ok",
                JobRun.started_at > killed_at)))
            row = _lock_row()
            return ok >= 2 and row.holder == holder and row.heartbeat_at > killed_at

        wait_for(recovered, timeout=60, what="the next ticks after the kill")
        wait_for(lambda: set(later) <= set(sink.message_ids()), what="mail queued after the kill")
        assert process.poll() is None  # the scheduler survived
        output = log.read_text(errors="replace")
        assert "lock lost" in output and output.count(f"leader: {holder}") == 2
        assert sorted(sink.message_ids()) == sorted(later)
    finally:
        _stop([process])
        sys.stdout.write(log.read_text(errors="replace")[-3000:])


# Check 30: embedded runners ----------------------------------------------------------------

def _embedded_app(url, **overrides):
    return create_app("development", overrides={
        "SQLALCHEMY_DATABASE_URI": url, "EMBEDDED_SCHEDULER": True, "MAIL_SERVER": "",
        **overrides})


def test_embedded_under_the_reloader_starts_only_in_the_serving_child(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'reloader.sqlite'}"
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    watcher = _embedded_app(url, DEBUG=True)
    assert "embedded_scheduler" not in watcher.extensions
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    child = _embedded_app(url, DEBUG=True)
    try:
        assert child.extensions["embedded_scheduler"].thread.is_alive()
    finally:
        stop_embedded(child)


def test_embedded_in_gunicorn_like_workers_gives_one_active_scheduler(tmp_path, monkeypatch):
    """Three workers with CLINIC_EMBEDDED_SCHEDULER=1: all start a runner, exactly one leads."""
    url = f"sqlite:///{tmp_path / 'workers.sqlite'}"
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    setup = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url})
    with setup.app_context():
        db.create_all()
    workers = [_embedded_app(url) for _ in range(3)]
    try:
        runners = [app.extensions["embedded_scheduler"] for app in workers]
        wait_for(lambda: any(r.leading for r in runners), timeout=30, what="a leader")
        for _ in range(10):  # sampled over a couple of seconds: never two leaders
            assert sum(r.leading for r in runners) == 1
            time.sleep(0.2)
        with setup.app_context():
            wait_for(lambda: _read(lambda: db.session.scalar(
                select(func.count()).select_from(JobRun).where(JobRun.job_id == "outbox"))),
                     timeout=30, what="the leader's first run")
            assert _read(lambda: db.session.scalar(
                select(func.count()).select_from(JobRun).where(JobRun.job_id == "outbox"))) == 1
    finally:
        for app in workers:
            stop_embedded(app)
    assert not any(r.thread.is_alive() for r in runners)
