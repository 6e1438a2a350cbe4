"""Leader election of the scheduler: one database lock per database, with a heartbeat row.

PostgreSQL and MariaDB hold a session lock (``pg_try_advisory_lock`` / ``GET_LOCK``) on a
dedicated connection kept open for as long as this process leads: when that connection dies
(database restart, killed backend) the server frees the lock and this process must stop
leading. SQLite has no such lock, so the ``scheduler_locks`` row is the lock itself, taken by an
atomic UPDATE when it is free or its heartbeat is stale. On every dialect the row records the
holder and the heartbeat that /healthz and the status page show.
"""
import hashlib
import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from clinic.db_types import utcnow
from clinic.reminders.models import SchedulerLock

logger = logging.getLogger(__name__)
LOCK_NAME = "reminders"
DEFAULT_HEARTBEAT = 15  # seconds; a heartbeat older than three of these is stale


def holder_id():
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_after(heartbeat=DEFAULT_HEARTBEAT):
    return timedelta(seconds=3 * heartbeat)


def lock_status(session, now, heartbeat=DEFAULT_HEARTBEAT, name=LOCK_NAME):
    """Holder, heartbeat age and state ("ok", "stale" or "never") of the scheduler lock."""
    row = session.get(SchedulerLock, name)
    if row is None or row.heartbeat_at is None:
        return {"holder": None, "heartbeat_age_seconds": None, "state": "never"}
    age = max((now - row.heartbeat_at).total_seconds(), 0)
    fresh = row.holder is not None and age <= stale_after(heartbeat).total_seconds()
    return {"holder": row.holder, "heartbeat_age_seconds": int(age),
            "state": "ok" if fresh else "stale"}


class DatabaseLock:
    """The scheduler's leadership for one database; ``held`` says whether this process has it."""

    def __init__(self, engine, name=LOCK_NAME, holder=None, heartbeat=DEFAULT_HEARTBEAT):
        self.engine = engine
        self.name = name
        self.holder = holder or holder_id()
        self.heartbeat_seconds = heartbeat
        self.dialect = engine.dialect.name
        self.connection = None
        self.held = False
        self._last_beat = None

    # Server locks (PostgreSQL, MariaDB) --------------------------------------------------
    @property
    def _server_lock(self):
        return self.dialect in ("postgresql", "mysql", "mariadb")

    def _pg_key(self):
        # Advisory locks are per database on PostgreSQL, so a constant key per name suffices.
        digest = hashlib.sha256(f"klinik-scheduler:{self.name}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def _mysql_name(self):
        # GET_LOCK names are server-wide: include the database so each database has its leader.
        return f"klinik:{self.engine.url.database}:{self.name}"[:64]

    def _try_server_lock(self):
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            if self.dialect == "postgresql":
                got = conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._pg_key()})
            else:
                got = conn.scalar(text("SELECT GET_LOCK(:n, 0)"), {"n": self._mysql_name()}) == 1
        except BaseException:
            self._drop(conn)
            raise
        if not got:
            self._drop(conn)
            return False
        self.connection = conn
        return True

    def _server_lock_alive(self):
        """Ask the server whether our dedicated connection still holds the lock."""
        if self.dialect == "postgresql":
            # The dedicated connection holds this advisory lock and no other.
            sql = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                   "AND pid = pg_backend_pid()")
            return self.connection.scalar(text(sql)) >= 1
        return self.connection.scalar(
            text("SELECT IS_USED_LOCK(:n) = CONNECTION_ID()"), {"n": self._mysql_name()}) == 1

    @staticmethod
    def _drop(conn):
        # Never hand a connection that may still hold a session lock back to the pool.
        try:
            conn.invalidate()
        except Exception:  # noqa: BLE001 - the connection may be dead already
            pass
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            pass

    # The row ------------------------------------------------------------------------------
    def _write_row(self, conn, now, taking):
        """Record the holder; on SQLite the conditional UPDATE is the lock itself."""
        table = SchedulerLock.__table__
        values = {"holder": self.holder, "heartbeat_at": now}
        if taking:
            values["acquired_at"] = now
        stmt = update(table).where(table.c.name == self.name).values(**values)
        if not self._server_lock:
            if taking:
                stale_before = now - stale_after(self.heartbeat_seconds)
                stmt = stmt.where(table.c.holder.is_(None) | (table.c.heartbeat_at < stale_before))
            else:
                stmt = stmt.where(table.c.holder == self.holder)
        if conn.execute(stmt).rowcount == 1:
            return True
        if not taking:
            return False
        exists = conn.scalar(select(table.c.name).where(table.c.name == self.name))
        if exists is not None:
            return self._server_lock  # the server lock decides; on SQLite someone else has it
        # A race with another process inserting the row first raises IntegrityError: the
        # caller treats it as "not acquired" (SQLite) or retries the row next heartbeat.
        conn.execute(insert(table).values(name=self.name, holder=self.holder,
                                          acquired_at=now, heartbeat_at=now))
        return True

    # Public API ---------------------------------------------------------------------------
    def acquire(self):
        """Try once to become the leader; return whether this process now holds the lock."""
        if self.held:
            return self.heartbeat()
        now = utcnow()
        try:
            if self._server_lock:
                if not self._try_server_lock():
                    return False
                try:
                    self._write_row(self.connection, now, taking=True)
                except IntegrityError:
                    self.connection.rollback()  # the row appeared meanwhile; the lock is ours
                    self._write_row(self.connection, now, taking=True)
                self.held = True
            else:
                with self.engine.begin() as conn:
                    self.held = self._write_row(conn, now, taking=True)
        except IntegrityError:
            self._lose()
            return False  # SQLite: another process inserted the lock row first
        except SQLAlchemyError as exc:
            logger.warning("scheduler lock: cannot acquire: %s", exc)
            self._lose()
            return False
        if self.held:
            self._last_beat = now
            logger.info("scheduler lock acquired by %s", self.holder)
        elif self.connection is not None:
            self._lose()
        return self.held

    def heartbeat(self):
        """Refresh the heartbeat; return False (and give up leadership) if the lock is lost."""
        if not self.held:
            return False
        now = utcnow()
        try:
            if self._server_lock:
                alive = self._server_lock_alive() and self._write_row(self.connection, now,
                                                                      taking=False)
            else:
                with self.engine.begin() as conn:
                    alive = self._write_row(conn, now, taking=False)
        except SQLAlchemyError as exc:
            if not self._server_lock and now - self._last_beat < 2 * timedelta(
                    seconds=self.heartbeat_seconds):
                # A busy SQLite file: nobody can take the row before it is stale, so wait.
                logger.warning("scheduler heartbeat failed, retrying: %s", exc)
                return True
            logger.warning("scheduler lock lost (database connection): %s", exc)
            alive = False
        if not alive:
            logger.warning("scheduler lock lost by %s", self.holder)
            self._lose()
            return False
        self._last_beat = now
        return True

    def release(self):
        """Give the lock back on a clean shutdown (clear the row's holder)."""
        if not self.held:
            return
        table = SchedulerLock.__table__
        clear = (update(table).where(table.c.name == self.name, table.c.holder == self.holder)
                 .values(holder=None))
        try:
            if self._server_lock:
                self.connection.execute(clear)
                if self.dialect == "postgresql":
                    self.connection.execute(text("SELECT pg_advisory_unlock(:k)"),
                                            {"k": self._pg_key()})
                else:
                    self.connection.execute(text("SELECT RELEASE_LOCK(:n)"),
                                            {"n": self._mysql_name()})
            else:
                with self.engine.begin() as conn:
                    conn.execute(clear)
        except SQLAlchemyError as exc:
            logger.warning("scheduler lock: release failed: %s", exc)
        logger.info("scheduler lock released by %s", self.holder)
        self._lose()

    def current(self):
        """(holder, heartbeat_at) of the lock row, read in a short transaction of its own."""
        table = SchedulerLock.__table__
        with self.engine.connect() as conn:
            row = conn.execute(select(table.c.holder, table.c.heartbeat_at)
                               .where(table.c.name == self.name)).first()
        return (row.holder, row.heartbeat_at) if row else (None, None)

    def _lose(self):
        self.held = False
        if self.connection is not None:
            self._drop(self.connection)
            self.connection = None
