"""Coaching clinic sessions, their attendance, notes (notulen) and findings."""
import uuid
from datetime import datetime

from sqlalchemy import (JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint,
                        select)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import Choices, UTCDateTime, utcnow
from clinic.extensions import db


class SessionStatus(Choices):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class AttendanceStatus(Choices):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


class RsvpAnswer(Choices):
    """An invitee's answer to an invitation (the links in the invitation e-mail)."""

    YES = "yes"
    NO = "no"
    DELEGATED = "delegated"


def new_session_uid():
    return f"{uuid.uuid4()}@klinik-inovasi"


session_skpds = Table(
    "coaching_session_skpds", db.metadata,
    Column("session_id", ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("skpd_id", ForeignKey("skpds.id", ondelete="CASCADE"), primary_key=True),
)

session_trainers = Table(
    "coaching_session_trainers", db.metadata,
    Column("session_id", ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

session_innovations = Table(
    "coaching_session_innovations", db.metadata,
    Column("session_id", ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("innovation_id", ForeignKey("innovations.id", ondelete="CASCADE"), primary_key=True),
)


class CoachingSession(db.Model):
    """One coaching clinic meeting with one or more SKPDs; times are UTC instants."""

    __tablename__ = "coaching_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable iCalendar UID: the same event in every invitation, update and cancellation.
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_session_uid)
    # Raised on every change that re-invites (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The zone the session was planned in (its invitations carry this TZID).
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Makassar")
    place: Mapped[str | None] = mapped_column(String(255))
    # A named room is checked for clashes; free text in ``place`` is not.
    room: Mapped[str | None] = mapped_column(String(120), index=True)
    online_url: Mapped[str | None] = mapped_column(String(500))
    agenda: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=SessionStatus.PLANNED, index=True)
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    skpds = relationship("Skpd", secondary=session_skpds, order_by="Skpd.name")
    trainers = relationship("User", secondary=session_trainers, order_by="User.name")
    innovations = relationship("Innovation", secondary=session_innovations,
                               order_by="Innovation.name")
    cycle = relationship("Cycle")
    created_by = relationship("User", foreign_keys=[created_by_id])
    events = relationship("SessionEvent", back_populates="session", cascade="all, delete-orphan",
                          order_by="SessionEvent.id.desc()")
    attendance = relationship("Attendance", back_populates="session",
                              cascade="all, delete-orphan", order_by="Attendance.id")
    note = relationship("SessionNote", back_populates="session", uselist=False,
                        cascade="all, delete-orphan")
    findings = relationship("Finding", back_populates="session", cascade="all, delete-orphan",
                            order_by="Finding.position, Finding.id")

    @classmethod
    def skpd_scope_clause(cls, skpd_ids):
        """Rows that concern any of the given SKPDs (used by clinic.access.scope)."""
        return cls.id.in_(select(session_skpds.c.session_id)
                          .where(session_skpds.c.skpd_id.in_(skpd_ids)))

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED

    @property
    def is_signed_off(self):
        return self.note is not None and self.note.signed_off_at is not None

    def has_trainer(self, user):
        return any(t.id == user.id for t in self.trainers)

    def __repr__(self):
        return f"<CoachingSession {self.id} {self.title!r}>"


class SessionEvent(db.Model):
    """The session's history: created, changed, rescheduled, cancelled, signed off ..."""

    __tablename__ = "coaching_session_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    # e.g. {"from": [start, end], "to": [start, end]} as ISO strings, or {"reason": ...}
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session = relationship("CoachingSession", back_populates="events")
    actor = relationship("User")


class Attendance(db.Model):
    """One participant of a session: an SKPD contact (user) or a free-text participant."""

    __tablename__ = "coaching_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    skpd_id: Mapped[int | None] = mapped_column(ForeignKey("skpds.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str | None] = mapped_column(String(120))
    nip: Mapped[str | None] = mapped_column(String(18))
    status: Mapped[str | None] = mapped_column(String(10))  # AttendanceStatus; empty = not yet
    note: Mapped[str | None] = mapped_column(String(255))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session = relationship("CoachingSession", back_populates="attendance")
    user = relationship("User", foreign_keys=[user_id])
    skpd = relationship("Skpd")


class InvitationAnswer(db.Model):
    """An invitee's latest answer to a session's invitation, with when it was first and last
    given; ``skpd_id`` is the invitee's SKPD then (None for a trainer), for the session scope."""

    __tablename__ = "coaching_invitation_answers"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skpd_id: Mapped[int | None] = mapped_column(ForeignKey("skpds.id", ondelete="SET NULL"))
    answer: Mapped[str] = mapped_column(String(12))  # RsvpAnswer
    representative: Mapped[str | None] = mapped_column(String(120))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How many times the answer changed after the first one.
    changes: Mapped[int] = mapped_column(default=0)

    session = relationship("CoachingSession")
    user = relationship("User")


class SessionNote(db.Model):
    """The notulen of a session: Markdown body, a trainer-only private part, sign-off lock."""

    __tablename__ = "coaching_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # Seen by trainers and Bappeda only, never by SKPD contacts.
    private_body: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    session = relationship("CoachingSession", back_populates="note")
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    signed_off_by = relationship("User", foreign_keys=[signed_off_by_id])
    revisions = relationship("NoteRevision", back_populates="note", cascade="all, delete-orphan",
                             order_by="NoteRevision.id.desc()")


class NoteRevision(db.Model):
    """A saved state of a session's notes, kept for the revision history."""

    __tablename__ = "coaching_note_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("coaching_notes.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text, default="")
    private_body: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    note = relationship("SessionNote", back_populates="revisions")
    author = relationship("User")


class Finding(db.Model):
    """A structured finding of a session, optionally about an innovation or a reporting item."""

    __tablename__ = "coaching_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    skpd_id: Mapped[int | None] = mapped_column(ForeignKey("skpds.id", ondelete="SET NULL"))
    innovation_id: Mapped[int | None] = mapped_column(
        ForeignKey("innovations.id", ondelete="SET NULL"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("report_items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session = relationship("CoachingSession", back_populates="findings")
    skpd = relationship("Skpd")
    innovation = relationship("Innovation")
    item = relationship("ReportItem")
    created_by = relationship("User")
    tasks = relationship("FollowUpTask", back_populates="finding")
