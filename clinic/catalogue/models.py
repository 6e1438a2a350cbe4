"""Assessment cycles, predicate bands and the indicator catalogue (per-cycle master data)."""
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, Time, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import UTCDateTime, utcnow
from clinic.extensions import db

ASPECTS = ("SPD", "SID")


class Cycle(db.Model):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120))
    internal_deadline_on: Mapped[date | None] = mapped_column(Date)
    portal_opens_on: Mapped[date | None] = mapped_column(Date)
    portal_closes_on: Mapped[date | None] = mapped_column(Date)
    divisor_min: Mapped[int] = mapped_column(default=12)
    basic_service_min: Mapped[int] = mapped_column(default=5)
    basic_service_urusan: Mapped[list] = mapped_column(JSON, default=list)
    count_points: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0.38"))
    count_cap: Mapped[int] = mapped_column(default=200)
    index_max: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal("250"))
    implementation_from_on: Mapped[date | None] = mapped_column(Date)
    implementation_to_on: Mapped[date | None] = mapped_column(Date)
    design_min_words: Mapped[int] = mapped_column(default=300)
    target_predicate: Mapped[str] = mapped_column(String(60), default="Sangat Inovatif")
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Makassar")
    is_current: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # Reminder rules of this cycle (clinic.reminders): staff edit them with the cycle.
    reminders_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    digest_at: Mapped[time] = mapped_column(Time, default=time(8, 0),
                                            server_default="08:00:00")
    digest_task_days: Mapped[int] = mapped_column(default=3, server_default="3")
    digest_session_days: Mapped[int] = mapped_column(default=2, server_default="2")
    session_reminder_hours: Mapped[int] = mapped_column(default=2, server_default="2")
    session_reminder_day_before: Mapped[bool] = mapped_column(default=True,
                                                              server_default=true())
    # Days before the internal deadline; empty (None) means the default 14, 7, 3, 1.
    countdown_days: Mapped[list | None] = mapped_column(JSON, default=lambda: [14, 7, 3, 1])
    escalation_overdue_days: Mapped[int] = mapped_column(default=7, server_default="7")
    escalation_weekday: Mapped[int] = mapped_column(default=0, server_default="0")  # Monday
    summary_weekday: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    bands = relationship(
        "PredicateBand", back_populates="cycle", cascade="all, delete-orphan",
        order_by="PredicateBand.floor.desc()",
    )
    indicators = relationship(
        "Indicator", back_populates="cycle", cascade="all, delete-orphan",
        order_by="Indicator.position",
    )

    def __repr__(self):
        return f"<Cycle {self.year}>"


class PredicateBand(db.Model):
    """A predicate applies when the unrounded index is >= its floor (the highest such band)."""

    __tablename__ = "predicate_bands"
    __table_args__ = (UniqueConstraint("cycle_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    floor: Mapped[Decimal] = mapped_column(Numeric(6, 2))

    cycle = relationship("Cycle", back_populates="bands")


class Indicator(db.Model):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    aspect: Mapped[str] = mapped_column(String(3))
    number: Mapped[int]
    sub: Mapped[str | None] = mapped_column(String(2))
    variable: Mapped[str | None] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    is_mandatory: Mapped[bool] = mapped_column(default=False)
    # What an SKPD contact reads: an Indonesian instruction ("Unggah SK ...").
    evidence_hint: Mapped[str | None] = mapped_column(Text)
    # Staff only (Siklus & Indikator): where the hint comes from, and how sure that source is.
    evidence_source: Mapped[str | None] = mapped_column(Text)
    evidence_confidence: Mapped[str | None] = mapped_column(String(40))
    accepts_link: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    cycle = relationship("Cycle", back_populates="indicators")
    levels = relationship(
        "IndicatorLevel", back_populates="indicator", cascade="all, delete-orphan",
        order_by="IndicatorLevel.level",
    )

    def points(self, level):
        """Points of this row at a level (weight x level; 0 for no level)."""
        return self.weight * (level or 0)

    @property
    def max_points(self):
        return self.points(max((lv.level for lv in self.levels), default=0))

    def __repr__(self):
        return f"<Indicator {self.code}>"


class IndicatorLevel(db.Model):
    __tablename__ = "indicator_levels"
    __table_args__ = (UniqueConstraint("indicator_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    level: Mapped[int]
    label: Mapped[str] = mapped_column(String(255))

    indicator = relationship("Indicator", back_populates="levels")
