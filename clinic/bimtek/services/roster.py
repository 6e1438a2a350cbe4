"""Reads of an event day's attendance: who is expected, who came, and the day's counts.

Staff pages only (the check-in list, the daftar hadir): every invited SKPD's participants.
"""
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select

from clinic.admin.models import Skpd
from clinic.bimtek.models import CheckIn, EventDay, EventInvitation, Participant
from clinic.extensions import db


@dataclass
class RosterRow:
    participant: Participant
    skpd_name: str
    checkin: CheckIn | None

    @property
    def present(self):
        return self.checkin is not None

    def matches(self, q):
        q = q.casefold()
        return any(q in (text or "").casefold() for text in (
            self.participant.name, self.participant.position, self.participant.nip,
            self.skpd_name))


@dataclass
class DayCounts:
    registered: int
    present: int
    walk_ins: int

    @property
    def absent(self):
        return self.registered - (self.present - self.walk_ins)


def _day_end(day):
    return datetime.combine(day.day_on, time.max, tzinfo=ZoneInfo(day.event.timezone))


def day_roster(day):
    """The active participants expected on ``day`` by SKPD and name, each with the day's
    check-in; a walk-in from the day they came on."""
    stmt = (select(Participant, Skpd.name, CheckIn)
            .join(EventInvitation, EventInvitation.id == Participant.invitation_id)
            .join(Skpd, Skpd.id == Participant.skpd_id)
            .outerjoin(CheckIn, and_(CheckIn.participant_id == Participant.id,
                                     CheckIn.day_id == day.id))
            .where(EventInvitation.event_id == day.event_id,
                   Participant.cancelled_at.is_(None))
            .order_by(Skpd.name, Participant.name, Participant.id))
    end = _day_end(day)
    return [RosterRow(p, name, c) for p, name, c in db.session.execute(stmt)
            if c is not None or not p.walk_in or p.registered_at <= end]


def counts(rows):
    """Registered (walk-ins apart), present and walk-ins present among ``rows``."""
    return DayCounts(registered=sum(not r.participant.walk_in for r in rows),
                     present=sum(r.present for r in rows),
                     walk_ins=sum(r.present and r.participant.walk_in for r in rows))


def attended_days(participant_ids):
    """{participant id: number of event days they were checked in on}."""
    found = {}
    if not participant_ids:
        return found
    stmt = (select(CheckIn.participant_id).join(EventDay, EventDay.id == CheckIn.day_id)
            .where(CheckIn.participant_id.in_(participant_ids)))
    for participant_id in db.session.scalars(stmt):
        found[participant_id] = found.get(participant_id, 0) + 1
    return found
