"""What happens on the days: check-ins, certificates of those who attended, feedback."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import UTCDateTime, utcnow
from clinic.extensions import db


class CheckIn(db.Model):
    """A participant present on one event day; the unique pair makes a second scan a no-op."""

    __tablename__ = "bimtek_checkins"
    skpd_scope_column = "skpd_id"
    __table_args__ = (UniqueConstraint("participant_id", "day_id",
                                       name="uq_bimtek_checkins_participant_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("bimtek_participants.id", ondelete="CASCADE"), index=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("bimtek_event_days.id", ondelete="CASCADE"),
                                        index=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(10), default="list")  # list, qr, walk_in
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    participant = relationship("Participant")
    day = relationship("EventDay")


class Certificate(db.Model):
    """A certificate issued to a participant; a corrected name replaces it with a new code."""

    __tablename__ = "bimtek_certificates"
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("bimtek_participants.id", ondelete="CASCADE"), index=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id", ondelete="CASCADE"), index=True)
    # Unguessable and public on the certificate: it only proves the certificate is genuine.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))  # as printed
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("bimtek_certificates.id", ondelete="SET NULL"))

    participant = relationship("Participant")


class Feedback(db.Model):
    """A participant's short feedback after the event (one per participant)."""

    __tablename__ = "bimtek_feedback"
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("bimtek_participants.id", ondelete="CASCADE"), unique=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int]  # 1-5, the event as a whole
    usefulness: Mapped[int | None]  # 1-5, for the SKPD's reporting
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant = relationship("Participant")
