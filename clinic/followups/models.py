"""Follow-up tasks (tindak lanjut) and their history."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import Choices, UTCDateTime, utcnow
from clinic.extensions import db


class TaskStatus(Choices):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    ACTIVE = (OPEN, IN_PROGRESS)  # the SKPD still has to act
    FINISHED = (CLOSED, CANCELLED)


class TaskPriority(Choices):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class TaskSource(Choices):
    SESSION = "session"
    EVENT = "event"
    REVIEW = "review"
    MANUAL = "manual"


class FollowUpTask(db.Model):
    __tablename__ = "followup_tasks"
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    priority: Mapped[str] = mapped_column(String(8), default=TaskPriority.NORMAL)
    status: Mapped[str] = mapped_column(String(12), default=TaskStatus.OPEN, index=True)
    source: Mapped[str] = mapped_column(String(10), default=TaskSource.MANUAL)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="SET NULL"), index=True)
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_findings.id", ondelete="SET NULL"), index=True)
    # The bimtek issue adds its event; kept as a plain id until that table exists.
    event_id: Mapped[int | None] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_items.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    skpd = relationship("Skpd")
    owner = relationship("User", foreign_keys=[owner_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    session = relationship("CoachingSession")
    finding = relationship("Finding", back_populates="tasks")
    item = relationship("ReportItem")
    events = relationship("TaskEvent", back_populates="task", cascade="all, delete-orphan",
                          order_by="TaskEvent.id.desc()")

    def is_overdue(self, today):
        return (self.due_on is not None and self.status in TaskStatus.ACTIVE
                and self.due_on < today)

    def __repr__(self):
        return f"<FollowUpTask {self.id} {self.status}>"


class TaskEvent(db.Model):
    """One entry of a task's history: created, edited, status change, comment, attachment."""

    __tablename__ = "followup_task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("followup_tasks.id", ondelete="CASCADE"),
                                         index=True)
    # Empty for the system (e.g. closed because its reporting item was verified).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    comment: Mapped[str | None] = mapped_column(Text)
    # An optional attachment, stored like evidence (generated name outside static/).
    stored_name: Mapped[str | None] = mapped_column(String(80))
    original_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task = relationship("FollowUpTask", back_populates="events")
    actor = relationship("User")
