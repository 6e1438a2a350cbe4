"""The scheduler's database lock: one holder per database, heartbeat, takeover, release."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select, text

from clinic import create_app
from clinic.extensions import db
from clinic.reminders.jobs import KEEP_RUNS, prune, record_run
from clinic.reminders.lock import DatabaseLock, lock_status
from clinic.reminders.models import JobRun, SchedulerLock

START = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def two_engines(tmp_path):
    """Two applications (two processes' worth of engines) on one SQLite file."""
    url = f"sqlite:///{tmp_path / 'lock.sqlite'}"
    apps = [create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url}) for _ in range(2)]
    engines = []
    for app in apps:
        with app.app_context():
            engines.append(db.engine)
    with apps[0].app_context():
        db.create_all()
    yield engines
    for engine in engines:
        engine.dispose()


def _row(engine):
    with engine.connect() as conn:
        return conn.execute(select(SchedulerLock.__table__)).one()


def test_sqlite_lock_one_holder_then_takeover_after_stale(two_engines):
    engine_a, engine_b = two_engines
    a = DatabaseLock(engine_a, holder="host:1", heartbeat=15)
    b = DatabaseLock(engine_b, holder="host:2", heartbeat=15)
    with time_machine.travel(START, tick=False):
        assert a.acquire() is True  # inserts the missing row
        assert b.acquire() is False
        row = _row(engine_b)
        assert (row.name, row.holder, row.acquired_at, row.heartbeat_at) == (
            "reminders", "host:1", START, START)
        assert b.current()[0] == "host:1"
    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        assert a.heartbeat() is True
        assert _row(engine_b).heartbeat_at == START + timedelta(seconds=30)
    # The heartbeat is stale after three periods (45 s): not before, then b takes over.
    with time_machine.travel(START + timedelta(seconds=74), tick=False):
        assert b.acquire() is False
    with time_machine.travel(START + timedelta(seconds=76), tick=False):
        assert b.acquire() is True
        assert a.heartbeat() is False and a.held is False  # a notices and steps down
        assert a.acquire() is False
        assert _row(engine_a).holder == "host:2"


def test_sqlite_release_lets_the_other_acquire(two_engines):
    engine_a, engine_b = two_engines
    a = DatabaseLock(engine_a, holder="host:1")
    b = DatabaseLock(engine_b, holder="host:2")
    assert a.acquire() and not b.acquire()
    b.release()  # not the holder: must not clear a's row
    assert _row(engine_a).holder == "host:1"
    a.release()
    assert _row(engine_a).holder is None
    assert b.acquire() is True and _row(engine_a).holder == "host:2"


def test_sqlite_lock_taken_by_exactly_one_of_many_at_once(two_engines):
    """Racing for a missing row: one INSERT wins, the others lose on the primary key."""
    engines = two_engines * 3
    locks = [DatabaseLock(engine, holder=f"host:{n}") for n, engine in enumerate(engines)]
    barrier = threading.Barrier(len(locks))
    results = {}

    def contend(lock):
        barrier.wait(timeout=10)
        results[lock.holder] = lock.acquire()

    threads = [threading.Thread(target=contend, args=(lock,)) for lock in locks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [holder for holder, won in results.items() if won]
    assert len(results) == len(locks) and len(winners) == 1
    with engines[0].connect() as conn:
        rows = conn.execute(select(SchedulerLock.__table__)).all()
    assert [row.holder for row in rows] == winners


def _server_engine(app):
    if db.engine.dialect.name not in ("postgresql", "mysql", "mariadb"):
        pytest.skip("server locks need PostgreSQL or MariaDB (set TEST_DATABASE_URL)")
    return db.engine


def _backend_id(lock):
    sql = "SELECT pg_backend_pid()" if lock.dialect == "postgresql" else "SELECT CONNECTION_ID()"
    return lock.connection.scalar(text(sql))


def _kill(backend_id):
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": backend_id})
        else:
            conn.execute(text(f"KILL {int(backend_id)}"))


def _wait_until_gone(backend_id, attempts=200):
    """The server ends a closed connection's backend (and frees its locks) a moment later."""
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT count(*) FROM pg_stat_activity WHERE pid = :p"
    else:
        sql = "SELECT count(*) FROM information_schema.processlist WHERE id = :p"
    for _ in range(attempts):
        with db.engine.connect() as conn:
            if not conn.scalar(text(sql), {"p": backend_id}):
                return
        time.sleep(0.01)  # waiting on the server's process table, not on a clock
    raise AssertionError(f"backend {backend_id} still runs")


def test_server_lock_second_connection_waits_until_the_first_is_closed(app):
    engine = _server_engine(app)
    a = DatabaseLock(engine, holder="host:1")
    b = DatabaseLock(engine, holder="host:2")
    try:
        assert a.acquire() is True
        assert b.acquire() is False and b.connection is None
        assert b.current()[0] == "host:1"
        assert a.heartbeat() is True
        backend = _backend_id(a)
        a.connection.invalidate()  # the first process dies: its connection closes
        _wait_until_gone(backend)
        assert b.acquire() is True
        assert b.current()[0] == "host:2"
        assert a.heartbeat() is False and a.acquire() is False
    finally:
        a.release()
        b.release()


def test_server_lock_release_and_reacquire(app):
    engine = _server_engine(app)
    a = DatabaseLock(engine, holder="host:1")
    b = DatabaseLock(engine, holder="host:2")
    try:
        assert a.acquire() and not b.acquire()
        a.release()
        assert a.current()[0] is None
        assert b.acquire() is True and not a.acquire()
    finally:
        a.release()
        b.release()


def test_server_lock_lost_when_the_backend_is_killed(app):
    """Check 34, one level down: a killed lock connection means the leadership is gone."""
    engine = _server_engine(app)
    a = DatabaseLock(engine, holder="host:1")
    b = DatabaseLock(engine, holder="host:2")
    try:
        assert a.acquire() is True
        _kill(_backend_id(a))
        assert a.heartbeat() is False and a.held is False
        assert b.acquire() is True
        b.release()
        assert a.acquire() is True  # a fresh connection from the (pre-pinged) pool
        assert a.current()[0] == "host:1"
    finally:
        a.release()
        b.release()


def test_server_lock_is_per_database(app):
    engine = _server_engine(app)
    lock = DatabaseLock(engine)
    if lock.dialect != "postgresql":
        assert engine.url.database in lock._mysql_name()
        return
    try:  # PostgreSQL scopes advisory locks to the database: the held lock names this one
        assert lock.acquire() is True
        held_in = lock.connection.scalar(text(
            "SELECT d.datname FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid()"))
        assert held_in == engine.url.database
    finally:
        lock.release()


def test_lock_status_states(app):
    assert lock_status(db.session, START) == {
        "holder": None, "heartbeat_age_seconds": None, "state": "never"}
    db.session.add(SchedulerLock(name="reminders", holder="host:1", acquired_at=START,
                                 heartbeat_at=START))
    db.session.commit()
    assert lock_status(db.session, START + timedelta(seconds=20)) == {
        "holder": "host:1", "heartbeat_age_seconds": 20, "state": "ok"}
    assert lock_status(db.session, START + timedelta(seconds=46))["state"] == "stale"
    assert lock_status(db.session, START + timedelta(seconds=4), heartbeat=1)["state"] == "stale"


def test_failing_job_is_recorded_and_rolled_back(app):
    def boom():
        db.session.add(SchedulerLock(name="half-done"))
        db.session.flush()
        raise RuntimeError("SMTP down")

    assert record_run(app, "outbox", "host:1", boom) == "error"
    assert record_run(app, "outbox", "host:1", lambda: "sent=2") == "ok"
    runs = db.session.scalars(select(JobRun).order_by(JobRun.id)).all()
    assert [(r.job_id, r.holder, r.outcome) for r in runs] == [
        ("outbox", "host:1", "error"), ("outbox", "host:1", "ok")]
    assert runs[0].detail == "RuntimeError: SMTP down" and runs[1].detail == "sent=2"
    assert all(r.finished_at >= r.started_at for r in runs)
    assert db.session.get(SchedulerLock, "half-done") is None  # the failed work was rolled back


def test_job_runs_are_pruned_per_job(app):
    db.session.add_all([JobRun(job_id="heartbeat", outcome="ok") for _ in range(7)]
                       + [JobRun(job_id="outbox", outcome="ok")])
    db.session.commit()
    prune("heartbeat", keep=3)
    db.session.commit()
    ids = db.session.scalars(select(JobRun.id).where(JobRun.job_id == "heartbeat")).all()
    assert len(ids) == 3 and min(ids) > 4
    assert db.session.scalar(select(JobRun.id).where(JobRun.job_id == "outbox"))
    assert KEEP_RUNS >= 20


def test_jobs_coalesce_and_catch_up(app):
    """Missed ticks collapse into one late run (run_due catches up), never one per tick."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from clinic.reminders.scheduler import build_scheduler

    lock = DatabaseLock(db.engine, holder="host:1", heartbeat=7)
    scheduler = build_scheduler(app, BackgroundScheduler, lock=lock, interval=60)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"reminders", "outbox", "heartbeat"}
        for job in jobs.values():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
        assert jobs["heartbeat"].trigger.interval.total_seconds() == 7
        assert jobs["outbox"].trigger.interval.total_seconds() == 60
        # A new leader runs the reminders and outbox jobs at once, not a period later.
        assert jobs["reminders"].next_run_time <= jobs["heartbeat"].next_run_time
    finally:
        scheduler.shutdown(wait=False)
