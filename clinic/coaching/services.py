"""Session rules: schedule (one or a weekly series), change, reschedule and cancel."""
import uuid
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic import audit
from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.catalogue.services import current_cycle
from clinic.coaching import invitations
from clinic.coaching.checks import check_schedule
from clinic.coaching.models import (CoachingSession, SessionEvent, SessionStatus, session_skpds,
                                    session_trainers)
from clinic.db_types import utcnow
from clinic.errors import ConflictError, DomainError, check_version
from clinic.extensions import db
from clinic.outbox.services import supersede_digests, supersede_session_mail
from clinic.reporting.models import Innovation

# A change of any of these moves the meeting: the history says "rescheduled".
PLACE_FIELDS = ("room", "place", "online_url")
OTHER_FIELDS = ("title", "agenda", "timezone")


class SessionError(DomainError):
    """A refused change; the message is shown to the user."""


class SessionConflict(SessionError, ConflictError):
    """Someone else saved the session since the user opened it."""


CONFLICT = _l("Sesi ini telah diubah oleh pengguna lain sejak Anda membukanya. Perubahan Anda "
              "belum disimpan: periksa versi terbaru, lalu simpan kembali.")


def occurrences(values):
    """The (starts_at, ends_at) pairs of the planned session(s), a series stepped weekly."""
    zone = ZoneInfo(values["timezone"])
    start = values["starts_at"].astimezone(zone)
    end = values["ends_at"].astimezone(zone)
    return [((start + timedelta(weeks=n)).astimezone(timezone.utc),
             (end + timedelta(weeks=n)).astimezone(timezone.utc))
            for n in range(values.get("count") or 1)]


def warnings_for(values, session=None):
    """Every warning of every occurrence, each message once (a series repeats office hours).

    Editing a session without moving it does not warn that its start has passed.
    """
    found, seen = [], set()
    for starts_at, ends_at in occurrences(values):
        unmoved = session is not None and (starts_at, ends_at) == (session.starts_at,
                                                                  session.ends_at)
        for warning in check_schedule(
                starts_at, ends_at, skpd_ids=values["skpd_ids"],
                trainer_ids=values["trainer_ids"], room=values["room"], tz=values["timezone"],
                exclude_session_id=session.id if session else None):
            if unmoved and warning.kind == "past":
                continue
            if str(warning) not in seen:
                seen.add(str(warning))
                found.append(warning)
    return found


def _rows(model, ids):
    return db.session.scalars(select(model).where(model.id.in_(ids or [-1]))).all()


def _apply(session, values):
    for field in ("title", "timezone", "agenda", *PLACE_FIELDS):
        setattr(session, field, values[field])
    session.skpds = _rows(Skpd, values["skpd_ids"])
    session.trainers = _rows(User, values["trainer_ids"])
    session.innovations = _rows(Innovation, values["innovation_ids"])


def _event(session, actor, action, **detail):
    event = SessionEvent(session=session, actor_id=getattr(actor, "id", None), action=action,
                         detail=detail)
    db.session.add(event)
    return event


def _iso(moment):
    return moment.astimezone(timezone.utc).isoformat()


def schedule(values, actor, warnings=(), ip=None):
    """Create the session (or a weekly series sharing ``series_id``) and invite everyone."""
    cycle = current_cycle()
    pairs = occurrences(values)
    series_id = str(uuid.uuid4()) if len(pairs) > 1 else None
    sessions = []
    for starts_at, ends_at in pairs:
        session = CoachingSession(starts_at=starts_at, ends_at=ends_at, series_id=series_id,
                                  cycle_id=cycle.id if cycle else None,
                                  created_by_id=getattr(actor, "id", None))
        _apply(session, values)
        db.session.add(session)
        _event(session, actor, "created", at=[_iso(starts_at), _iso(ends_at)],
               warnings=sorted({w.kind for w in warnings}))
        sessions.append(session)
    db.session.flush()
    for session in sessions:
        audit.record("session_created", actor=actor, obj=session, summary=session.title, ip=ip)
        invitations.invite(session)
    return sessions


def check_editable(session):
    if session.status == SessionStatus.CANCELLED:
        raise SessionError(_l("Sesi ini sudah dibatalkan dan tidak dapat diubah lagi."))
    if session.status == SessionStatus.HELD:
        raise SessionError(_l("Sesi ini sudah terlaksana dan tidak dapat diubah lagi."))


def _snapshot(session):
    return {
        "times": (session.starts_at, session.ends_at),
        "place": tuple(getattr(session, f) for f in PLACE_FIELDS),
        "other": tuple(getattr(session, f) for f in OTHER_FIELDS),
        "skpds": {s.id for s in session.skpds}, "trainers": {u.id for u in session.trainers},
        "innovations": {i.id for i in session.innovations},
    }


def update(session, values, actor, expected_version=None, warnings=(), ip=None):
    """Change a planned session; return the action recorded ("rescheduled", "updated") or None."""
    check_editable(session)
    check_version(session, expected_version, CONFLICT, SessionConflict)
    before, invited = _snapshot(session), {u.id: u for u in invitations.recipients(session)}
    previous = {"starts_at": session.starts_at, "place": invitations.place_of(session)}
    old_times = [_iso(session.starts_at), _iso(session.ends_at)]
    session.starts_at, session.ends_at = values["starts_at"], values["ends_at"]
    _apply(session, values)
    after = _snapshot(session)
    if after == before:
        return None
    moved = after["times"] != before["times"] or after["place"] != before["place"]
    people_changed = after["skpds"] != before["skpds"] or after["trainers"] != before["trainers"]
    session.sequence += 1
    action = "rescheduled" if moved else "updated"
    detail = {"warnings": sorted({w.kind for w in warnings})}
    if moved:
        detail.update({"from": old_times, "to": [_iso(session.starts_at), _iso(session.ends_at)]})
        if after["place"] != before["place"]:
            detail["place"] = [" · ".join(p for p in before["place"] if p),
                               " · ".join(p for p in after["place"] if p)]
    _event(session, actor, action, **detail)
    db.session.flush()
    audit.record(f"session_{action}", actor=actor, obj=session, summary=session.title, ip=ip,
                 changes={k: v for k, v in detail.items() if k in ("from", "to")} or None)
    # Pending mail about the old version is never sent: invitations and reminders (only the
    # reminders when nobody is invited again) and the digests listing the session.
    supersede_session_mail(session.id, f"session {action}",
                           kinds=None if moved or people_changed else ("session_reminder",))
    supersede_digests(before["skpds"] | after["skpds"], f"session {action}")
    if moved or people_changed:
        remaining = {u.id for u in invitations.recipients(session)}
        removed = [u for uid, u in invited.items() if uid not in remaining]
        if removed:
            invitations.announce_cancel(session, people=removed, reason=str(_l(
                "Anda tidak lagi tercantum sebagai peserta sesi ini.")))
        invitations.invite(session, reason=action, previous=previous)
    return action


def cancel(session, reason, actor, expected_version=None, ip=None):
    """Cancel a planned session with a reason and send METHOD:CANCEL to everyone."""
    check_editable(session)
    check_version(session, expected_version, CONFLICT, SessionConflict)
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = utcnow()
    session.cancel_reason = reason
    session.sequence += 1
    _event(session, actor, "cancelled", reason=reason)
    db.session.flush()
    audit.record("session_cancelled", actor=actor, obj=session, summary=reason, ip=ip)
    supersede_session_mail(session.id, "session cancelled")
    supersede_digests({s.id for s in session.skpds}, "session cancelled")
    invitations.announce_cancel(session)
    return session


def list_stmt(*, when="upcoming", skpd_id=None, trainer_id=None, status=None, q=None, now=None):
    """Sessions filtered for the list page (the caller narrows it to what the viewer may see)."""
    now = now or utcnow()
    stmt = select(CoachingSession)
    if when == "upcoming":
        stmt = stmt.where(CoachingSession.ends_at >= now).order_by(CoachingSession.starts_at)
    else:
        if when == "past":
            stmt = stmt.where(CoachingSession.ends_at < now)
        stmt = stmt.order_by(CoachingSession.starts_at.desc())
    if skpd_id:
        stmt = stmt.where(CoachingSession.id.in_(
            select(session_skpds.c.session_id).where(session_skpds.c.skpd_id == skpd_id)))
    if trainer_id:
        stmt = stmt.where(CoachingSession.id.in_(
            select(session_trainers.c.session_id).where(session_trainers.c.user_id == trainer_id)))
    if status in SessionStatus.ALL:
        stmt = stmt.where(CoachingSession.status == status)
    if q:
        stmt = stmt.where(CoachingSession.title.ilike(f"%{_escape_like(q)}%", escape="\\"))
    return stmt.order_by(CoachingSession.id)


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def status_counts(stmt):
    """{status: n} over the rows of a (filtered, scoped) select of sessions."""
    sub = stmt.order_by(None).subquery()
    rows = db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status))
    return dict(rows.all())
