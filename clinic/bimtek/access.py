"""Who sees which Bimtek event and which of its rows: ``event_scope`` narrows every query.

Staff see every event; a trainer the events where they speak; a contact the events their SKPD
is still invited to, and in them only their own SKPD's invitation and participants.
"""
from flask import abort
from sqlalchemy import false, select

from clinic.access import scope
from clinic.bimtek.models import (AgendaItem, AgendaSpeaker, BimtekEvent, EventDay,
                                  EventInvitation, EventStatus, Participant)
from clinic.extensions import db

STAFF = ("admin", "staff")


def event_scope(stmt, user):
    """Narrow a select of events to what ``user`` may see (drafts: staff only)."""
    if user.role in STAFF:
        return stmt
    stmt = stmt.where(BimtekEvent.status != EventStatus.DRAFT)
    if user.role == "trainer":
        spoken = (select(EventDay.event_id).join(AgendaItem, AgendaItem.day_id == EventDay.id)
                  .join(AgendaSpeaker, AgendaSpeaker.item_id == AgendaItem.id)
                  .where(AgendaSpeaker.user_id == user.id))
        return stmt.where(BimtekEvent.id.in_(spoken))
    if user.role == "contact":
        return scope(stmt, BimtekEvent, user)
    return stmt.where(false())


def get_event_or_404(event_id, user):
    stmt = event_scope(select(BimtekEvent).where(BimtekEvent.id == event_id), user)
    return db.first_or_404(stmt)


def visible_invitations(event, user):
    """The invitations of ``event`` ``user`` may see: all for staff and speakers' counts,
    a contact's own SKPD's only."""
    stmt = (select(EventInvitation).where(EventInvitation.event_id == event.id)
            .order_by(EventInvitation.id))
    if user.role == "contact":
        stmt = scope(stmt, EventInvitation, user)
    return db.session.scalars(stmt).all()


def visible_participants(event, user):
    """Active participants of ``event`` ``user`` may see (a contact: their SKPD's; a trainer:
    none)."""
    if user.role not in STAFF + ("contact",):
        return []
    stmt = (select(Participant).join(EventInvitation)
            .where(EventInvitation.event_id == event.id, Participant.cancelled_at.is_(None))
            .order_by(Participant.skpd_id, Participant.id))
    return db.session.scalars(scope(stmt, Participant, user)).all()


def own_invitation_or_404(invitation_id, user):
    """An invitation the user may register for: a contact their SKPD's, staff any."""
    if user.role not in STAFF + ("contact",):
        abort(404)
    stmt = scope(select(EventInvitation).where(EventInvitation.id == invitation_id),
                 EventInvitation, user)
    invitation = db.session.scalars(stmt).first()
    if invitation is None or invitation.withdrawn_at is not None:
        abort(404)
    if user.role not in STAFF and invitation.event.status == EventStatus.DRAFT:
        abort(404)
    return invitation


def item_or_404(event, item_id):
    """An agenda item of ``event`` (never another event's, whatever the URL says)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.day.event_id != event.id:
        abort(404)
    return item


def speaks_in(item, user):
    return any(s.user_id == user.id for s in item.speakers)


def may_manage_materials(item, user):
    """Staff and the item's own speakers add and delete its materials."""
    return user.role in STAFF or (user.role == "trainer" and speaks_in(item, user))


def may_download_material(item, user):
    """Staff, the item's speakers and the contacts of SKPDs still invited (the event is loaded
    through ``event_scope``, which already holds a contact to that); participants use their
    signed link instead."""
    return may_manage_materials(item, user) or user.role == "contact"
