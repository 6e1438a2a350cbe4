"""Work units (SKPD / Perangkat Daerah)."""
from datetime import datetime
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import UTCDateTime, utcnow
from clinic.extensions import db

SKPD_KINDS = (
    "sekretariat", "inspektorat", "badan", "dinas", "rsud", "satpol", "kecamatan",
    "kelurahan", "puskesmas", "sekolah", "uptd", "lainnya",
)


class Skpd(db.Model):
    __tablename__ = "skpds"
    # Every SKPD-owned model names the column that the access scope filters on.
    skpd_scope_column = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), default="dinas")
    head_name: Mapped[str | None] = mapped_column(String(120))
    head_email: Mapped[str | None] = mapped_column(String(254))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("skpds.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    parent = relationship("Skpd", remote_side=[id], back_populates="children")
    children = relationship("Skpd", back_populates="parent", order_by="Skpd.code")
    contacts = relationship("User", back_populates="skpd", order_by="User.name")

    @property
    def skpd_id(self):
        return self.id

    def __repr__(self):
        return f"<Skpd {self.code}>"


class AgencySettings(db.Model):
    """The agency's letterhead and the official who signs letters and certificates: one row,
    edited by admin (a new head of agency, a new address) and never a constant in code."""

    __tablename__ = "agency_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    government: Mapped[str] = mapped_column(String(160))  # "PEMERINTAH KOTA BANJARMASIN"
    agency: Mapped[str] = mapped_column(String(200))  # the agency's full name
    address: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(200))  # phone, e-mail, website
    place: Mapped[str] = mapped_column(String(80))  # where letters are dated: "Banjarmasin"
    signer_name: Mapped[str | None] = mapped_column(String(120))
    signer_position: Mapped[str | None] = mapped_column(String(160))
    signer_rank: Mapped[str | None] = mapped_column(String(120))  # pangkat/golongan
    signer_nip: Mapped[str | None] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
