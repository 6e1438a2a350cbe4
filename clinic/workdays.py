"""Working days: weekends, Indonesian public holidays and the office's own closed dates."""
from datetime import date, datetime
from functools import lru_cache

import holidays
from sqlalchemy import Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db_types import UTCDateTime, utcnow
from clinic.extensions import db


class ClosedDate(db.Model):
    """A day the office is closed beyond the national holidays (cuti bersama, local days)."""

    __tablename__ = "closed_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    closed_on: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@lru_cache(maxsize=32)
def _national(year):
    return holidays.country_holidays("ID", years=year, language="id")


def national_holiday(day):
    """The name of the national public holiday on ``day``, or None."""
    return _national(day.year).get(day)


def closed_date(day):
    """The name of an office closed date (cuti bersama and the like) on ``day``, or None."""
    return db.session.scalar(select(ClosedDate.name).where(ClosedDate.closed_on == day))


def day_off_reason(day):
    """Why ``day`` is not a working day ("weekend", a holiday's name), or None if it is one."""
    if day.weekday() >= 5:
        return "weekend"
    return national_holiday(day) or closed_date(day)


def is_working_day(day):
    return day_off_reason(day) is None
