"""Outbox queries and staff actions on outbox rows."""
from sqlalchemy import func, select

from clinic import audit
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.reminders.models import Notification, OutboxStatus


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
        from datetime import timezone

        oldest = oldest.replace(tzinfo=timezone.utc)
    counts["oldest_pending_age_seconds"] = (
        max(int((utcnow() - oldest).total_seconds()), 0) if oldest else 0
    )
    return counts


def may_change(row, user):
    """Whether ``user`` may cancel or resend ``row``.

    Nobody cancels or resends a mail that carries an access link for someone else (cancelling
    a reset would keep it from its owner, who can ask for a new one), and only an admin touches
    mail addressed to an admin.
    """
    if row.grants_access and row.recipient_id != user.id:
        return False
    recipient_role = row.recipient.role if row.recipient is not None else None
    return recipient_role != "admin" or user.role == "admin"


def resend(row, actor, ip=None):
    """Queue a failed or cancelled row again, keeping its Message-ID."""
    row.status = OutboxStatus.PENDING
    row.send_after = utcnow()
    row.last_error = None
    audit.record("outbox_resend", actor=actor, obj=row, ip=ip)


def cancel(row, actor, ip=None):
    row.status = OutboxStatus.CANCELLED
    audit.record("outbox_cancel", actor=actor, obj=row, ip=ip)
