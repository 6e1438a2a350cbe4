"""Reads of the outbox: the filtered list, the kinds written so far, the backlog per status."""
from datetime import timezone

from sqlalchemy import func, or_, select

from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.outbox.models import Notification, OutboxStatus


def filtered(status="", kind="", q=""):
    """The rows of the outbox page, newest first, narrowed by status, kind and a search text."""
    stmt = select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc())
    if status in OutboxStatus.ALL:
        stmt = stmt.where(Notification.status == status)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Notification.to_email.ilike(like), Notification.subject.ilike(like)))
    return stmt


def kinds():
    """Every kind of mail the outbox holds, for the page's filter."""
    return db.session.scalars(
        select(Notification.kind).distinct().order_by(Notification.kind)).all()


def outbox_backlog():
    """Counts of rows per status, with the age in seconds of the oldest pending row."""
    rows = db.session.execute(
        select(Notification.status, func.count()).group_by(Notification.status)
    ).all()
    counts = {status: 0 for status in OutboxStatus.ALL}
    counts.update({status: n for status, n in rows})
    oldest = db.session.scalar(
        select(func.min(Notification.send_after)).where(Notification.status == OutboxStatus.PENDING)
    )
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    counts["oldest_pending_age_seconds"] = (
        max(int((utcnow() - oldest).total_seconds()), 0) if oldest else 0
    )
    return counts
