"""The filtered selects behind the admin lists (work units, accounts, audit log)."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from clinic.admin.models import SKPD_KINDS, Skpd
from clinic.audit import AuditEvent
from clinic.auth.models import Role, User
from clinic.extensions import db

STATUSES = ("active", "inactive")


def _like(text):
    # Search terms are literal text: % and _ typed by a user must not act as wildcards.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _status(stmt, column, status):
    if status == "active":
        return stmt.where(column.is_(True))
    if status == "inactive":
        return stmt.where(column.is_(False))
    return stmt


def active_contact_counts(skpd_ids):
    """Active contacts per SKPD id, for the SKPDs of one page."""
    if not skpd_ids:
        return {}
    rows = db.session.execute(
        select(User.skpd_id, func.count(User.id))
        .where(User.role == Role.CONTACT, User.is_active.is_(True), User.skpd_id.in_(skpd_ids))
        .group_by(User.skpd_id))
    return dict(rows.all())


def skpd_rows(q="", kind="", status=""):
    """Select work units matching a search on code or names, a kind and a status."""
    stmt = select(Skpd).order_by(Skpd.code)
    if q:
        like = _like(q)
        stmt = stmt.where(or_(func.lower(Skpd.code).like(like, escape="\\"),
                              func.lower(Skpd.name).like(like, escape="\\"),
                              func.lower(Skpd.short_name).like(like, escape="\\")))
    if kind in SKPD_KINDS:
        stmt = stmt.where(Skpd.kind == kind)
    return _status(stmt, Skpd.is_active, status)


def skpd_status_counts():
    """How many work units are active and inactive, and how many active ones have no head
    e-mail, e.g. {'active': 30, 'inactive': 2, 'no_head_email': 1}."""
    rows = db.session.execute(select(Skpd.is_active, func.count(Skpd.id)).group_by(Skpd.is_active))
    counts = {"active": 0, "inactive": 0}
    for is_active, n in rows:
        counts["active" if is_active else "inactive"] = n
    counts["no_head_email"] = db.session.scalar(
        select(func.count(Skpd.id)).where(Skpd.is_active.is_(True), no_head_email()))
    return counts


def no_head_email():
    """The clause of work units without a head e-mail: their escalations go to Bappeda."""
    return or_(Skpd.head_email.is_(None), Skpd.head_email == "")


def skpds_without_head_email():
    """Active work units without a head e-mail, by code (for the staff home page)."""
    return db.session.scalars(select(Skpd).where(Skpd.is_active.is_(True), no_head_email())
                              .order_by(Skpd.code)).all()


def user_rows(q="", role="", skpd_id=None, status=""):
    """Select users matching a search on name or e-mail, a role, an SKPD and a status."""
    stmt = select(User).order_by(User.name, User.id)
    if q:
        like = _like(q)
        stmt = stmt.where(or_(func.lower(User.name).like(like, escape="\\"),
                              func.lower(User.email).like(like, escape="\\")))
    if role in Role.ALL:
        stmt = stmt.where(User.role == role)
    if skpd_id is not None:
        stmt = stmt.where(User.skpd_id == skpd_id)
    return _status(stmt, User.is_active, status)


def audit_choices():
    """The actions and object types present in the log, for the filter lists."""
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    types = db.session.scalars(select(AuditEvent.object_type).distinct()
                               .where(AuditEvent.object_type.is_not(None))
                               .order_by(AuditEvent.object_type)).all()
    return actions, types


def _day_start_utc(day, tz):
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(str(tz))).astimezone(ZoneInfo("UTC"))


def audit_rows(action="", actor="", object_type="", date_from=None, date_to=None, tz="UTC"):
    """Select audit events, newest first; dates are whole days in the viewer's zone ``tz``."""
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        stmt = stmt.where(func.lower(AuditEvent.actor_email).like(_like(actor), escape="\\"))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if date_from:
        stmt = stmt.where(AuditEvent.created_at >= _day_start_utc(date_from, tz))
    if date_to:
        stmt = stmt.where(AuditEvent.created_at < _day_start_utc(date_to + timedelta(days=1), tz))
    return stmt
