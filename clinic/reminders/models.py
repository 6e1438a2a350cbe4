"""The scheduler's rows: who holds its lock, and the runs of its jobs."""
from datetime import datetime
from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db_types import UTCDateTime, utcnow
from clinic.extensions import db


class SchedulerLock(db.Model):
    """Who runs the scheduler: the lock row (the lock itself on SQLite) and its heartbeat."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    acquired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """One run of a scheduled job, for the status page."""

    __tablename__ = "scheduler_job_runs"
    __table_args__ = (Index("ix_scheduler_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(60))
    holder: Mapped[str | None] = mapped_column(String(120))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(10), default="running")  # ok, error, missed
    detail: Mapped[str | None] = mapped_column(Text)
