"""Clashes between Bimtek event days and coaching sessions, warned both ways, never refused.

A session planned on an event day: its trainer speaks at the event that day, its room is the
event's office room, or one of its SKPDs is invited (``session_clashes``, registered with
coaching's schedule checks through clinic.coaching.sources). An event day or agenda item:
a speaker coaches a session during their item, or a session uses the event's room that day
(``event_clashes``, shown with the agenda's own warnings). The wording is coaching's.
"""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.bimtek.models import AgendaItem, BimtekEvent, EventDay, EventInvitation, EventStatus
from clinic.coaching.checks import ScheduleWarning, span
from clinic.coaching.models import CoachingSession, SessionStatus, session_trainers
from clinic.coaching.wording import room_label
from clinic.extensions import db

UTC = timezone.utc


def _room(value):
    return (value or "").strip().lower()


def local_span(day, starts, ends):
    """(start, end) aware UTC instants of local times ``starts``-``ends`` on an event day."""
    zone = ZoneInfo(day.event.timezone or "Asia/Makassar")
    return (datetime.combine(day.day_on, starts, zone).astimezone(UTC),
            datetime.combine(day.day_on, ends, zone).astimezone(UTC))


def _overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


def _days_around(starts_at, ends_at):
    """Event days (of events not cancelled) that overlap [starts_at, ends_at)."""
    days = db.session.scalars(
        select(EventDay).join(BimtekEvent)
        .where(BimtekEvent.status != EventStatus.CANCELLED,
               EventDay.day_on >= starts_at.date() - timedelta(days=1),
               EventDay.day_on <= ends_at.date() + timedelta(days=1))
        .options(selectinload(EventDay.items).selectinload(AgendaItem.speakers))
        .order_by(EventDay.day_on, EventDay.id)).all()
    return [day for day in days
            if _overlaps(*local_span(day, day.starts, day.ends), starts_at, ends_at)]


def session_clashes(starts_at, ends_at, *, skpd_ids, trainer_ids, room, zone):
    """Warnings for a session at [starts_at, ends_at) that overlaps an event day."""
    found = []
    trainer_ids, skpd_ids, room = set(trainer_ids or ()), set(skpd_ids or ()), _room(room)
    for day in _days_around(starts_at, ends_at):
        event, when = day.event, span(*local_span(day, day.starts, day.ends), zone)
        for item in day.items:
            for speaker in item.speakers:
                if speaker.user_id in trainer_ids:
                    found.append(ScheduleWarning("clash_trainer", _l(
                        "Narasumber %(name)s mengisi bimtek \"%(title)s\" (%(when)s).",
                        name=speaker.user.name, title=event.title,
                        when=span(*local_span(day, item.starts, item.ends), zone)),
                        blocking=True))
        invited = db.session.scalars(
            select(Skpd.name).join(EventInvitation, EventInvitation.skpd_id == Skpd.id)
            .where(EventInvitation.event_id == event.id, EventInvitation.withdrawn_at.is_(None),
                   Skpd.id.in_(sorted(skpd_ids))).order_by(Skpd.name)).all() if skpd_ids else []
        found += [ScheduleWarning("clash_skpd", _l(
            "%(name)s diundang ke bimtek \"%(title)s\" (%(when)s).", name=name,
            title=event.title, when=when), blocking=True) for name in invited]
        if room and _room(event.room) == room:
            found.append(ScheduleWarning("clash_room", _l(
                "%(room)s sudah dipakai bimtek \"%(title)s\" (%(when)s).",
                room=room_label(event.room), title=event.title, when=when), blocking=True))
    return found


def _sessions(start, end):
    return (select(CoachingSession)
            .where(CoachingSession.status != SessionStatus.CANCELLED,
                   CoachingSession.starts_at < end, CoachingSession.ends_at > start)
            .order_by(CoachingSession.starts_at, CoachingSession.id))


def _speaker_clashes(day, zone):
    found = []
    for item in day.items:
        start, end = local_span(day, item.starts, item.ends)
        user_ids = {s.user_id for s in item.speakers if s.user_id}
        if not user_ids:
            continue
        rows = db.session.execute(
            _sessions(start, end).add_columns(User.name)
            .join(session_trainers, session_trainers.c.session_id == CoachingSession.id)
            .join(User, User.id == session_trainers.c.user_id)
            .where(session_trainers.c.user_id.in_(sorted(user_ids))))
        found += [_l("Narasumber %(name)s sudah dijadwalkan pada sesi \"%(title)s\" (%(when)s).",
                     name=name, title=session.title,
                     when=span(session.starts_at, session.ends_at, zone))
                  for session, name in rows]
    return found


def event_clashes(event):
    """Messages about coaching sessions that clash with the event's days (none once it is
    cancelled): a user speaker coaching during their item, a session in the event's room."""
    if event.status == EventStatus.CANCELLED:
        return []
    zone = ZoneInfo(event.timezone or "Asia/Makassar")
    found = []
    for day in event.days:
        found += _speaker_clashes(day, zone)
        if _room(event.room):
            rows = db.session.scalars(_sessions(*local_span(day, day.starts, day.ends)).where(
                func.lower(func.trim(CoachingSession.room)) == _room(event.room)))
            found += [_l("%(room)s sudah dipakai sesi \"%(title)s\" (%(when)s).",
                         room=room_label(session.room), title=session.title,
                         when=span(session.starts_at, session.ends_at, zone))
                      for session in rows]
    return found
