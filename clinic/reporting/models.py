"""Innovations, their reporting items, evidence and the items' history."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import Choices, UTCDateTime, utcnow
from clinic.extensions import db

STAGES = ("inisiatif", "uji_coba", "penerapan")
INITIATORS = ("kepala_daerah", "anggota_dprd", "perangkat_daerah", "asn", "masyarakat")
FORMS = ("tata_kelola", "pelayanan_publik", "lainnya")
DOCUMENT_KINDS = ("anggaran", "profil_bisnis", "haki", "penghargaan", "lainnya")


class ItemStatus(Choices):
    EMPTY = "empty"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    RETURNED = "returned"
    OPEN = (EMPTY, DRAFT, RETURNED)  # the SKPD still has to act


class Innovation(db.Model):
    __tablename__ = "innovations"
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    stage: Mapped[str] = mapped_column(String(16), default="penerapan")
    initiator_kind: Mapped[str] = mapped_column(String(20), default="perangkat_daerah")
    initiator_name: Mapped[str | None] = mapped_column(String(120))
    is_digital: Mapped[bool] = mapped_column(default=False)
    form: Mapped[str] = mapped_column(String(20), default="pelayanan_publik")
    main_urusan: Mapped[str | None] = mapped_column(String(120))
    related_urusan: Mapped[list] = mapped_column(JSON, default=list)
    trial_on: Mapped[date | None] = mapped_column(Date)
    implemented_on: Mapped[date | None] = mapped_column(Date)
    developed_on: Mapped[date | None] = mapped_column(Date)
    development_note: Mapped[str | None] = mapped_column(Text)
    design_text: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    benefits: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 0))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("innovations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    skpd = relationship("Skpd")
    cycle = relationship("Cycle")
    previous = relationship("Innovation", remote_side=[id])
    items = relationship("ReportItem", back_populates="innovation", cascade="all, delete-orphan",
                         order_by="ReportItem.position")
    documents = relationship("InnovationDocument", back_populates="innovation",
                             cascade="all, delete-orphan")

    @property
    def urusan(self):
        """Main and related urusan together."""
        return {u for u in [self.main_urusan, *(self.related_urusan or [])] if u}

    @property
    def design_word_count(self):
        return len((self.design_text or "").split())


class ReportItem(db.Model):
    """One indicator row to report: per innovation (SID) or once per cycle (SPD)."""

    __tablename__ = "report_items"
    __table_args__ = (UniqueConstraint("slot"),)
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "<cycle>:<innovation or spd>:<indicator>", unique, so an item cannot be created twice.
    slot: Mapped[str] = mapped_column(String(64))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    innovation_id: Mapped[int | None] = mapped_column(
        ForeignKey("innovations.id", ondelete="CASCADE"), index=True
    )
    # The SKPD that must act on it; empty for SPD items Bappeda keeps for itself.
    skpd_id: Mapped[int | None] = mapped_column(ForeignKey("skpds.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    level: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default=ItemStatus.EMPTY, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    return_reason: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    cycle = relationship("Cycle")
    indicator = relationship("Indicator")
    innovation = relationship("Innovation", back_populates="items")
    skpd = relationship("Skpd")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    evidence = relationship("Evidence", back_populates="item", cascade="all, delete-orphan",
                            order_by="Evidence.created_at")
    events = relationship("ItemEvent", back_populates="item", cascade="all, delete-orphan",
                          order_by="ItemEvent.id.desc()")

    @property
    def current_evidence(self):
        return [e for e in self.evidence if e.removed_at is None and not e.is_replaced]

    @property
    def has_evidence(self):
        return bool(self.current_evidence)


class Evidence(db.Model):
    """A file or a link backing an item; replaced files stay in the history until removed."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("report_items.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(8))  # file | link
    url: Mapped[str | None] = mapped_column(String(1000))
    original_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    is_replaced: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    item = relationship("ReportItem", back_populates="evidence")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])


class InnovationDocument(db.Model):
    """Profile uploads of an innovation: budget, business profile, IPR, awards."""

    __tablename__ = "innovation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(
        ForeignKey("innovations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    innovation = relationship("Innovation", back_populates="documents")


class ItemEvent(db.Model):
    """The history of an item: who changed what, when."""

    __tablename__ = "report_item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("report_items.id", ondelete="CASCADE"),
                                         index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    level: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item = relationship("ReportItem", back_populates="events")
    actor = relationship("User")


class InnovationScore(db.Model):
    """The score engine's aggregate of one innovation, kept in the transaction of every change
    that moves it (clinic.reporting.engine): SID points and eligibility per projection."""

    __tablename__ = "innovation_scores"

    innovation_id: Mapped[int] = mapped_column(
        ForeignKey("innovations.id", ondelete="CASCADE"), primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpds.id"))
    claimed_points: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    verified_points: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    # Mandatory indicator codes not yet verified, e.g. ["SID-35"]; empty when none is missing.
    missing_verified: Mapped[list] = mapped_column(JSON, default=list)
    in_age_window: Mapped[bool] = mapped_column(default=True)
    urusan: Mapped[list] = mapped_column(JSON, default=list)


class CycleScore(db.Model):
    """Per cycle: the SPD points and the data version of the score, bumped by every change that
    can move it; ``stamp`` (random per bump) names the version in caches."""

    __tablename__ = "cycle_scores"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"),
                                          primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    stamp: Mapped[str] = mapped_column(String(32), default="")
    spd_claimed: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    spd_verified: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
