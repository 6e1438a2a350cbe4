"""Bimtek events: their days, agenda, speakers, invited SKPDs with quotas, and participants."""
from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import Choices, UTCDateTime, utcnow
from clinic.extensions import db


class EventStatus(Choices):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    HELD = "held"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


# Forward steps of the status flow; cancelling is allowed from any state before "held".
NEXT_STATUS = {EventStatus.DRAFT: EventStatus.OPEN, EventStatus.OPEN: EventStatus.CLOSED,
               EventStatus.CLOSED: EventStatus.HELD, EventStatus.HELD: EventStatus.ARCHIVED}
CANCELLABLE = (EventStatus.DRAFT, EventStatus.OPEN, EventStatus.CLOSED)


class BimtekEvent(db.Model):
    """One Bimtek workshop for many SKPDs over 1-5 days."""

    __tablename__ = "bimtek_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    organiser: Mapped[str | None] = mapped_column(String(200))
    budget_code: Mapped[str | None] = mapped_column(String(60))
    # A room of the office (``room``) or an outside place with its address.
    room: Mapped[str | None] = mapped_column(String(120))
    venue: Mapped[str | None] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Makassar")
    # The invitation letter (surat undangan): its number and date, as the office registers them.
    letter_number: Mapped[str | None] = mapped_column(String(80))
    letter_date: Mapped[date | None]
    # Days a participant must attend for a certificate; empty means every day of the event.
    required_days: Mapped[int | None]
    # The notes (notulen) of the event, in Markdown: Bappeda's record, shown to staff only
    # (they may speak of several SKPDs) and filed in the accountability pack.
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=EventStatus.DRAFT, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    days: Mapped[list["EventDay"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventDay.day_on")
    invitations: Mapped[list["EventInvitation"]] = relationship(
        back_populates="event", cascade="all, delete-orphan")

    @classmethod
    def skpd_scope_clause(cls, skpd_ids):
        """An event belongs to the SKPDs it still invites (clinic.access.scope)."""
        return cls.id.in_(select(EventInvitation.event_id)
                          .where(EventInvitation.skpd_id.in_(skpd_ids),
                                 EventInvitation.withdrawn_at.is_(None)))

    @property
    def place(self):
        return self.room or ", ".join(p for p in (self.venue, self.venue_address) if p)


class EventDay(db.Model):
    """One day of an event with its local start and end time."""

    __tablename__ = "bimtek_event_days"
    __table_args__ = (UniqueConstraint("event_id", "day_on", name="uq_bimtek_event_days_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("bimtek_events.id", ondelete="CASCADE"),
                                          index=True)
    day_on: Mapped[date]
    starts: Mapped[time]
    ends: Mapped[time]

    event: Mapped[BimtekEvent] = relationship(back_populates="days")
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="day", cascade="all, delete-orphan",
        order_by="(AgendaItem.position, AgendaItem.starts)")


class AgendaItem(db.Model):
    """One item of a day's agenda, in a room or track, with its speakers."""

    __tablename__ = "bimtek_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("bimtek_event_days.id", ondelete="CASCADE"),
                                        index=True)
    position: Mapped[int] = mapped_column(default=0)
    starts: Mapped[time]
    ends: Mapped[time]
    title: Mapped[str] = mapped_column(String(200))
    track: Mapped[str | None] = mapped_column(String(120))

    day: Mapped[EventDay] = relationship(back_populates="items")
    speakers: Mapped[list["AgendaSpeaker"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="AgendaSpeaker.id")


class AgendaSpeaker(db.Model):
    """A speaker of an agenda item: a trainer of the system or an external person."""

    __tablename__ = "bimtek_agenda_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("bimtek_agenda_items.id", ondelete="CASCADE"),
                                         index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    institution: Mapped[str | None] = mapped_column(String(160))
    position: Mapped[str | None] = mapped_column(String(160))

    item: Mapped[AgendaItem] = relationship(back_populates="speakers")
    user = relationship("User")

    @property
    def label(self):
        if self.user is not None:
            parts = (self.user.name, self.user.position, self.user.institution)
        else:
            parts = (self.name, self.position, self.institution)
        return ", ".join(p for p in parts if p)

    @property
    def key(self):
        """Who speaks: the same user or the same external name counts as one person."""
        return ("user", self.user_id) if self.user_id else ("name", (self.name or "").lower())


class EventInvitation(db.Model):
    """An SKPD invited to an event with its participant quota and registration deadline."""

    __tablename__ = "bimtek_invitations"
    skpd_scope_column = "skpd_id"
    __table_args__ = (UniqueConstraint("event_id", "skpd_id", name="uq_bimtek_invitations_skpd"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("bimtek_events.id", ondelete="CASCADE"),
                                          index=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id", ondelete="CASCADE"), index=True)
    quota: Mapped[int]
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[BimtekEvent] = relationship(back_populates="invitations")
    skpd = relationship("Skpd")
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="invitation", order_by="Participant.id")

    @property
    def active_participants(self):
        return [p for p in self.participants if p.cancelled_at is None]


class Participant(db.Model):
    """A person registered for an event by their SKPD; needs no account."""

    __tablename__ = "bimtek_participants"
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("bimtek_invitations.id", ondelete="CASCADE"), index=True)
    # Copied from the invitation so every row can be scoped by SKPD (clinic.access.scope).
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    nip: Mapped[str | None] = mapped_column(String(30))
    position: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254))
    whatsapp: Mapped[str] = mapped_column(String(30))
    over_quota_reason: Mapped[str | None] = mapped_column(Text)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Added by staff at the door on an event day, outside the registration.
    walk_in: Mapped[bool] = mapped_column(default=False)

    invitation: Mapped[EventInvitation] = relationship(back_populates="participants")
