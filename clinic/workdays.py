"""Working days: weekends, Indonesian public holidays and the office's own closed dates."""
from functools import lru_cache

import holidays
from sqlalchemy import select

from clinic.extensions import db


@lru_cache(maxsize=32)
def _national(year):
    return holidays.country_holidays("ID", years=year, language="id")


def national_holiday(day):
    """The name of the national public holiday on ``day``, or None."""
    return _national(day.year).get(day)


def closed_date(day):
    """The name of an office closed date (cuti bersama and the like) on ``day``, or None."""
    from clinic.coaching.models import ClosedDate

    return db.session.scalar(select(ClosedDate.name).where(ClosedDate.closed_on == day))


def day_off_reason(day):
    """Why ``day`` is not a working day ("weekend", a holiday's name), or None if it is one."""
    if day.weekday() >= 5:
        return "weekend"
    return national_holiday(day) or closed_date(day)


def is_working_day(day):
    return day_off_reason(day) is None
