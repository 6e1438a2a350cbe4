"""Audit log: who did what to which object, when (UTC) and from where."""
import json
import logging
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db_types import UTCDateTime, utcnow
from clinic.extensions import db

logger = logging.getLogger("clinic.audit")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    actor_skpd_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str | None] = mapped_column(String(255))
    changes: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))


def _field(value):
    """One key=value field of the log line: bare when plain, else JSON-quoted, so that what a
    user typed (CR/LF, spaces, "key=value") can neither break the line nor add fake pairs."""
    text = str(value)
    if text and all(c.isprintable() and not c.isspace() and c not in '="\\' for c in text):
        return text
    return json.dumps(text, ensure_ascii=True)


def record(action, *, actor=None, obj=None, object_type=None, object_id=None,
           summary=None, changes=None, ip=None, actor_email=None):
    """Add an audit event to the session (the caller commits) and log it as one line."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    now = utcnow()
    event = AuditEvent(
        created_at=now,
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None) or actor_email,
        actor_role=getattr(actor, "role", None),
        actor_skpd_id=getattr(actor, "skpd_id", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary[:255] if summary else None,
        changes=changes,
        ip=ip[:45] if ip else None,  # a forged X-Forwarded-For can be longer than any address
    )
    db.session.add(event)
    logger.info(
        "audit action=%s actor_id=%s actor=%s role=%s skpd=%s object=%s ip=%s at=%s",
        *(_field(v) for v in (action, event.actor_id, event.actor_email, event.actor_role,
                              event.actor_skpd_id, f"{object_type}:{event.object_id}",
                              event.ip)),
        now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    return event


def apply_changes(obj, values):
    """Apply ``values`` to ``obj``; return {field: [old, new]} for what really changed."""
    changes = {}
    for key, new in values.items():
        old = getattr(obj, key)
        if old != new:
            changes[key] = [old, new]
            setattr(obj, key, new)
    return changes
