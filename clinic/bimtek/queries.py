"""Reads of the Bimtek pages: the filtered event list."""
from sqlalchemy import func, or_, select

from clinic.bimtek.models import BimtekEvent, EventDay, EventStatus


def list_stmt(q="", status=""):
    """Events, the next first, filtered by a search text and a status."""
    first_day = (select(func.min(EventDay.day_on)).where(EventDay.event_id == BimtekEvent.id)
                 .scalar_subquery())
    stmt = select(BimtekEvent).order_by(first_day.desc(), BimtekEvent.id.desc())
    if q:
        stmt = stmt.where(or_(*(column.icontains(q, autoescape=True) for column in
                                (BimtekEvent.title, BimtekEvent.organiser, BimtekEvent.venue))))
    if status in EventStatus.ALL:
        stmt = stmt.where(BimtekEvent.status == status)
    return stmt
