"""Bimtek event days in the coaching calendar, the personal feed and the schedule checks.

Registered with coaching (clinic.coaching.sources) when the feature is imported: coaching sits
below bimtek and never imports it. Who sees a day: Bappeda every event (drafts marked), a
trainer every announced event (their own, where they speak, under "Sesi saya"), a contact the
announced events their SKPD is still invited to. In the feed a trainer gets the events where
they speak, like the sessions they coach.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Event
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload

from clinic.bimtek.access import STAFF, event_scope
from clinic.bimtek.clashes import local_span, session_clashes
from clinic.bimtek.ics import day_uid
from clinic.bimtek.models import (AgendaItem, AgendaSpeaker, BimtekEvent, EventDay,
                                  EventInvitation, EventStatus)
from clinic.coaching.sources import CalendarEntry, CalendarSource, register_calendar_source
from clinic.db_types import utcnow
from clinic.email import absolute_url
from clinic.extensions import db

# As far back as the session feed reaches (clinic.coaching.calendar.FEED_PAST_DAYS).
FEED_PAST_DAYS = 60
STATUS = {EventStatus.DRAFT: (_l("Draf"), "status-draft"),
          EventStatus.CANCELLED: (_l("Dibatalkan"), "status-cancelled")}


def _spoken_events(user_id):
    return (select(EventDay.event_id).join(AgendaItem, AgendaItem.day_id == EventDay.id)
            .join(AgendaSpeaker, AgendaSpeaker.item_id == AgendaItem.id)
            .where(AgendaSpeaker.user_id == user_id))


def visible_days(stmt, user, own_only=False):
    """Narrow a select of EventDay (joined to its event) to the days ``user`` may see."""
    if user.role in STAFF:
        return stmt
    if user.role == "trainer":
        stmt = stmt.where(BimtekEvent.status != EventStatus.DRAFT)
        return stmt.where(BimtekEvent.id.in_(_spoken_events(user.id))) if own_only else stmt
    if user.role == "contact":
        return event_scope(stmt, user)
    return stmt.where(false())


def _day_stmt(first, last):
    return (select(EventDay).join(BimtekEvent, BimtekEvent.id == EventDay.event_id)
            .where(EventDay.day_on >= first, EventDay.day_on <= last)
            .options(selectinload(EventDay.event))
            .order_by(EventDay.day_on, EventDay.id))


def _openable(user, event_ids):
    """The ids of these events ``user`` may open (a trainer only where they speak)."""
    if not event_ids:
        return set()
    stmt = event_scope(select(BimtekEvent.id).where(BimtekEvent.id.in_(sorted(event_ids))), user)
    return set(db.session.scalars(stmt))


def entries(user, start_utc, end_utc, own_only=False, skpd_id=None, trainer_id=None):
    """The event days overlapping [start_utc, end_utc) that ``user`` may see, filtered like
    the sessions: by an invited SKPD, by a trainer who speaks that day."""
    stmt = visible_days(_day_stmt(start_utc.date() - timedelta(days=1),
                                  end_utc.date() + timedelta(days=1)), user, own_only)
    if skpd_id:
        stmt = stmt.where(BimtekEvent.id.in_(
            select(EventInvitation.event_id).where(EventInvitation.skpd_id == skpd_id,
                                                   EventInvitation.withdrawn_at.is_(None))))
    if trainer_id:
        stmt = stmt.where(EventDay.id.in_(
            select(AgendaItem.day_id).join(AgendaSpeaker)
            .where(AgendaSpeaker.user_id == trainer_id)))
    days = [(day, *local_span(day, day.starts, day.ends))
            for day in db.session.scalars(stmt).all()]
    days = [(day, start, end) for day, start, end in days if start < end_utc and end > start_utc]
    openable = _openable(user, {day.event_id for day, _s, _e in days})
    found = []
    for day, start, end in days:
        event = day.event
        status, status_class = STATUS.get(event.status, (None, "status-submitted"))
        found.append(CalendarEntry(
            starts_at=start, ends_at=end, title=event.title, label=_l("Bimtek"),
            url=url_for("bimtek.detail", event_id=event.id) if event.id in openable else None,
            place=event.place or None, status=status, status_class=status_class,
            cancelled=event.status == EventStatus.CANCELLED))
    return found


def _description(day):
    lines = [f"{item.starts:%H.%M}-{item.ends:%H.%M} {item.title}"
             + (f" ({item.track})" if item.track else "") for item in day.items]
    return "\n".join(lines + [absolute_url("bimtek.detail", event_id=day.event_id)])


def feed_vevent(day):
    """One event day as a VEVENT of a subscribed calendar (no METHOD): its UID is the one of
    the participants' .ics, a cancelled event is STATUS:CANCELLED, a draft TENTATIVE."""
    event = day.event
    start, end = local_span(day, day.starts, day.ends)
    zone = ZoneInfo(event.timezone or "Asia/Makassar")
    vevent = Event()
    vevent.add("uid", day_uid(day))
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", start.astimezone(zone))
    vevent.add("dtend", end.astimezone(zone))
    title = event.title if event.status != EventStatus.DRAFT else f"[{_('Draf')}] {event.title}"
    vevent.add("summary", title)
    if event.place:
        vevent.add("location", event.place)
    vevent.add("description", _description(day))
    vevent.add("url", absolute_url("bimtek.detail", event_id=event.id))
    vevent.add("status", {EventStatus.CANCELLED: "CANCELLED",
                          EventStatus.DRAFT: "TENTATIVE"}.get(event.status, "CONFIRMED"))
    return vevent


def feed_events(user, today):
    """The VEVENTs of the event days in ``user``'s feed, from FEED_PAST_DAYS ago on."""
    stmt = (select(EventDay).join(BimtekEvent, BimtekEvent.id == EventDay.event_id)
            .where(EventDay.day_on >= today - timedelta(days=FEED_PAST_DAYS))
            .options(selectinload(EventDay.event), selectinload(EventDay.items))
            .order_by(EventDay.day_on, EventDay.id))
    stmt = visible_days(stmt, user, own_only=user.role == "trainer")
    return [feed_vevent(day) for day in db.session.scalars(stmt).all()]


register_calendar_source(CalendarSource(name="bimtek", entries=entries, feed_events=feed_events,
                                        clashes=session_clashes))
