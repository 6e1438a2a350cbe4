"""Bimtek reminders: an invited SKPD that registered nobody, 3 working days before its
registration deadline; participants and speakers the working day before each event day.

Both follow the session reminder's rules: written from their due moment (``digest_at`` local
on that working day) while the office is open on a working day, until what they remind of
has passed, once per dedupe key. The key holds the deadline or the day's start, so a moved
deadline or day is a new decision; a cancelled event or a withdrawn invitation supersedes its
pending rows when it happens (clinic.bimtek.services), and delivery checks every row again.
"""
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from clinic.auth.models import User
from clinic.dates import fmt_date
from clinic.bimtek.models import (AgendaItem, AgendaSpeaker, BimtekEvent, EventDay,
                                  EventInvitation, EventStatus, Participant)
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.checks import Supersede, register_delivery_check
from clinic.reminders import preferences
from clinic.reminders.planner.rules import (active_contacts, counted, unplanned, write,
                                            zone_of)
from clinic.workdays import is_working_day

DEADLINE_KIND = "bimtek_deadline_reminder"
DAY_KIND = "bimtek_day_reminder"
DEADLINE_WORKING_DAYS = 3
# Events that still take place: a draft is not announced, a held one is over.
RUNNING = (EventStatus.OPEN, EventStatus.CLOSED)
# How far ahead deadlines and days are looked at: 3 working days may span a long holiday.
HORIZON = timedelta(days=21)
UTC = timezone.utc
DEADLINE_KEY = re.compile(r"^event:(\d+):i(\d+):deadline:(.+):u(\d+)$")
DAY_KEY = re.compile(r"^event:(\d+):(?:i(\d+):)?day:(.+):(p|u)(\d+)$")


def working_days_before(day, count):
    """The working day ``count`` working days before ``day``."""
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _zone(event):
    return ZoneInfo(event.timezone or "Asia/Makassar")


def _stamp(moment):
    return moment.astimezone(UTC).isoformat()


def day_start(day):
    """The aware UTC instant an event day starts (its times are local to the event)."""
    return datetime.combine(day.day_on, day.starts, _zone(day.event)).astimezone(UTC)


def deadline_due_at(invitation, cycle):
    """``digest_at`` (cycle zone) on the 3rd working day before the deadline's local date."""
    local = invitation.deadline_at.astimezone(_zone(invitation.event)).date()
    day = working_days_before(local, DEADLINE_WORKING_DAYS)
    return datetime.combine(day, cycle.digest_at, ZoneInfo(cycle.timezone)).astimezone(UTC)


def day_due_at(day, cycle):
    """``digest_at`` (cycle zone) on the working day before the event day."""
    before = working_days_before(day.day_on, 1)
    return datetime.combine(before, cycle.digest_at, ZoneInfo(cycle.timezone)).astimezone(UTC)


def _registered():
    return exists().where(Participant.invitation_id == EventInvitation.id,
                          Participant.cancelled_at.is_(None))


def plan_deadline_reminders(run):
    """Contacts of an invited SKPD of an open event that registered nobody yet."""
    if not run.working_morning_due():
        return 0
    invitations = db.session.scalars(
        select(EventInvitation).join(BimtekEvent)
        .where(BimtekEvent.status == EventStatus.OPEN, EventInvitation.withdrawn_at.is_(None),
               EventInvitation.deadline_at > run.now,
               EventInvitation.deadline_at <= run.now + HORIZON, ~_registered())
        .order_by(EventInvitation.deadline_at, EventInvitation.id)).all()
    written = 0
    for invitation in invitations:
        if deadline_due_at(invitation, run.cycle) > run.now:
            continue
        event = invitation.event
        contacts = [c for c in active_contacts({invitation.skpd_id})
                    if preferences.wants(c, DEADLINE_KIND)]
        what = f"deadline:{_stamp(invitation.deadline_at)}"
        pending = unplanned({keys.event_reminder(event.id, what, f"u{c.id}", invitation.id): c
                             for c in contacts})
        for key, contact in pending:
            subject = _l("Pengingat: belum ada peserta terdaftar untuk %(title)s",
                         title=event.title)
            written += write(DEADLINE_KIND, contact, subject, key, event=event,
                             invitation=invitation, tz=zone_of(contact),
                             link=absolute_url("bimtek.register", invitation_id=invitation.id))
    return written


def _speakers(day):
    """The active user speakers of a day's agenda (external speakers have no address)."""
    stmt = (select(User).where(User.is_active, User.id.in_(
        select(AgendaSpeaker.user_id).join(AgendaItem)
        .where(AgendaItem.day_id == day.id, AgendaSpeaker.user_id.is_not(None))))
        .order_by(User.id))
    return db.session.scalars(stmt).all()


def _participants(event):
    stmt = (select(Participant).join(EventInvitation)
            .where(EventInvitation.event_id == event.id, EventInvitation.withdrawn_at.is_(None),
                   Participant.cancelled_at.is_(None))
            .order_by(Participant.id))
    return db.session.scalars(stmt).all()


def _day_recipients(day):
    """{key: recipient} of a day's reminder: participants (no account) and user speakers."""
    what, event = f"day:{_stamp(day_start(day))}", day.event
    found = {}
    for participant in _participants(event):
        person = SimpleNamespace(id=None, name=participant.name, email=participant.email,
                                 locale=None, timezone=None)
        found[keys.event_reminder(event.id, what, f"p{participant.id}",
                                  participant.invitation_id)] = person
    for user in _speakers(day):
        if preferences.wants(user, DAY_KIND):
            found[keys.event_reminder(event.id, what, f"u{user.id}")] = user
    return found


def _due_days(run):
    days = db.session.scalars(
        select(EventDay).join(BimtekEvent)
        .where(BimtekEvent.status.in_(RUNNING), EventDay.day_on >= run.today,
               EventDay.day_on <= run.today + HORIZON)
        .options(selectinload(EventDay.items).selectinload(AgendaItem.speakers))
        .order_by(EventDay.day_on, EventDay.id)).all()
    return [day for day in days if day_due_at(day, run.cycle) <= run.now < day_start(day)]


def plan_day_reminders(run):
    """The working day before each event day: its agenda, time and place."""
    if not run.working_morning_due():
        return 0
    written = 0
    for day in _due_days(run):
        event = day.event
        subject = counted(lambda e=event, d=day: _("Pengingat: %(title)s, %(day)s",
                                                   title=e.title, day=fmt_date(d.day_on)))
        for key, person in unplanned(_day_recipients(day)):
            written += write(DAY_KIND, person, subject, key, event=event, day=day,
                             tz=event.timezone, link=absolute_url("bimtek.agenda",
                                                                  event_id=event.id)
                             if getattr(person, "id", None) else None)
    return written


# -- delivery checks: what the row says must still be right when it is sent -------------------

def check_deadline_reminder(row, now):
    """Superseded once the invitation is withdrawn, its deadline moved or passed, the event
    not open, or the SKPD registered someone meanwhile."""
    match = DEADLINE_KEY.match(row.dedupe_key or "")
    if match is None:
        return None
    invitation = db.session.get(EventInvitation, int(match[2]))
    if invitation is None or invitation.withdrawn_at is not None:
        return Supersede("the invitation was withdrawn")
    if invitation.event.status != EventStatus.OPEN:
        return Supersede("registration is no longer open")
    if _stamp(invitation.deadline_at) != match[3] or invitation.deadline_at <= now:
        return Supersede("the deadline moved or passed")
    if invitation.active_participants:
        return Supersede("the SKPD registered participants")
    return None


def check_day_reminder(row, now):
    """Superseded when the event no longer takes place, the day moved or began, or the
    participant's registration or invitation went."""
    match = DAY_KEY.match(row.dedupe_key or "")
    if match is None:
        return None
    event = db.session.get(BimtekEvent, int(match[1]))
    if event is None or event.status not in RUNNING:
        return Supersede("the event no longer takes place")
    start = next((day_start(d) for d in event.days if _stamp(day_start(d)) == match[3]), None)
    if start is None:
        return Supersede("the event day moved")
    if start <= now:
        return Supersede("the event day has begun")
    if match[4] == "p":
        participant = db.session.get(Participant, int(match[5]))
        if (participant is None or participant.cancelled_at is not None
                or participant.invitation.withdrawn_at is not None):
            return Supersede("the registration was cancelled")
    return None


register_delivery_check(DEADLINE_KIND, check_deadline_reminder)
register_delivery_check(DAY_KIND, check_day_reminder)
