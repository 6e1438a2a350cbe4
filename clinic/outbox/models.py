"""The outbox: every e-mail the application sends is first a row here."""
from datetime import datetime
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import Choices, UTCDateTime, utcnow
from clinic.extensions import db
from clinic.secret_links import opens_account


class OutboxStatus(Choices):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    # Delivered to the main recipient, refused for a copy recipient (listed in last_error).
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # A later change (a moved or cancelled session, a verified item, a closed task) made the
    # pending row wrong: it is never sent, and the planner writes the right one.
    SUPERSEDED = "superseded"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status_send_after", "status", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_email: Mapped[str] = mapped_column(String(254))
    cc: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(5), default="id")
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Names of the links made at send time (clinic.secret_links.secret_link), comma-separated: a
    # password reset, an invitation or the one-click unsubscribe link never rests here.
    secret_links: Mapped[str | None] = mapped_column(String(120))
    # [{"filename": ..., "content_type": ..., "data": text}], e.g. an invitation's .ics
    attachments: Mapped[list | None] = mapped_column(JSON)
    # A unique key per reminder decision, so a second pass cannot write the same row twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(190), unique=True)
    message_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipient = relationship("User")

    @property
    def links(self):
        """The secret links this row carries, by name."""
        return set(filter(None, (self.secret_links or "").split(",")))

    @property
    def grants_access(self):
        """Whether delivery adds a link that lets its holder into the recipient's account."""
        return opens_account(self.links)

    def __repr__(self):
        return f"<Notification {self.id} {self.kind} {self.status}>"
