"""Office closed dates (cuti bersama and local days off): listing, adding and removing them."""
from datetime import date

import holidays
from sqlalchemy import select

from clinic import audit
from clinic.extensions import db
from clinic.workdays import ClosedDate


def closed_dates_of_years(first_year, last_year):
    """The closed dates from 1 January of ``first_year`` to 31 December of ``last_year``."""
    stmt = (select(ClosedDate)
            .where(ClosedDate.closed_on.between(date(first_year, 1, 1), date(last_year, 12, 31)))
            .order_by(ClosedDate.closed_on))
    return db.session.scalars(stmt).all()


def national_holidays(year):
    """The national public holidays of ``year`` as (date, name), in order."""
    return sorted(holidays.country_holidays("ID", years=year, language="id").items())


def add_closed_date(closed_on, name, actor, ip=None):
    """Add an office closed date (the caller commits)."""
    row = ClosedDate(closed_on=closed_on, name=name.strip(), created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("closed_date_added", actor=actor, obj=row,
                 summary=f"{closed_on.isoformat()} {row.name}", ip=ip)
    return row


def delete_closed_date(row, actor, ip=None):
    """Remove an office closed date (the caller commits)."""
    audit.record("closed_date_deleted", actor=actor, obj=row,
                 summary=f"{row.closed_on.isoformat()} {row.name}", ip=ip)
    db.session.delete(row)
