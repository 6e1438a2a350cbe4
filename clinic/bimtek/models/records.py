"""What an event leaves behind: materials per agenda item, photo documentation, findings."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import UTCDateTime, utcnow
from clinic.extensions import db


class StoredFile:
    """The columns of a file kept like evidence (a generated name outside static/)."""

    stored_name: Mapped[str | None] = mapped_column(String(80))
    original_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))


class Material(StoredFile, db.Model):
    """A file or a link shown with an agenda item (slides, documents)."""

    __tablename__ = "bimtek_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("bimtek_agenda_items.id", ondelete="CASCADE"),
                                         index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))  # a link instead of a file
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item = relationship("AgendaItem")


class EventPhoto(StoredFile, db.Model):
    """Photo documentation of an event, for the accountability pack."""

    __tablename__ = "bimtek_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("bimtek_events.id", ondelete="CASCADE"),
                                          index=True)
    caption: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventFinding(db.Model):
    """A finding of the event about one SKPD; turned into a follow-up task (source "event")."""

    __tablename__ = "bimtek_findings"
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("bimtek_events.id", ondelete="CASCADE"),
                                          index=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("followup_tasks.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
