"""The invitation e-mail: the letter (PDF) and the event's .ics to each invited SKPD's head
and active contacts, written when registration is open (an SKPD invited to a draft is mailed
when staff open registration).

Keys: ``event:<event>:invited:skpd<skpd>:r<round>:<who>``. An SKPD invited again after a
withdrawal is a new round, so its new mail never collides with the old one's key; a
withdrawal supersedes the SKPD's pending ones by the prefix up to the SKPD.
"""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic.bimtek import ics
from clinic.bimtek.models import EventStatus
from clinic.bimtek.services.letter import invitation_letter_pdf, letter_filename
from clinic.bimtek.services.mail import skpd_contacts
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.models import Notification, OutboxStatus
from clinic.outbox.services import file_attachment, send_email, supersede

KIND = "bimtek_invited"
_ROUND = re.compile(r":r(\d+):")


def skpd_prefix(event_id, skpd_id):
    """The key prefix of every invitation mail of one SKPD for one event."""
    return keys.event_mail(event_id, "invited", f"skpd{skpd_id}:")


def _next_round(event_id, skpd_id):
    # Superseded rows keep their old key inside the new one, so they count as well.
    found = db.session.scalars(select(Notification.dedupe_key).where(
        Notification.dedupe_key.contains(skpd_prefix(event_id, skpd_id), autoescape=True))).all()
    rounds = [int(m[1]) for key in found if (m := _ROUND.search(key.rsplit("invited:", 1)[-1]))]
    return max(rounds, default=0) + 1


def _recipients(invitation):
    """(user or None, address, who) for each contact, then the head unless a contact has
    the head's address; each address once."""
    seen, found = set(), []
    for user in skpd_contacts(invitation.skpd_id):
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            found.append((user, user.email, f"u{user.id}"))
    head = (invitation.skpd.head_email or "").strip()
    if head and head.lower() not in seen:
        found.append((None, head, "head"))
    return found


def mail_invitations(event, invitations):
    """Write the invitation mail of each active one of ``invitations``; only while the event
    is open for registration. Returns the outbox rows."""
    invitations = [i for i in invitations if i.withdrawn_at is None]
    if event.status != EventStatus.OPEN or not invitations:
        return []
    attachments = None
    rows = []
    subject = _l("Undangan bimtek: %(title)s", title=event.title)
    for invitation in invitations:
        recipients = _recipients(invitation)
        if not recipients:
            continue
        if attachments is None:  # one letter for every recipient of this call
            attachments = [file_attachment(letter_filename(event), "application/pdf",
                                           invitation_letter_pdf(event)),
                           ics.attachment(event)]
        prefix = f"skpd{invitation.skpd_id}:r{_next_round(event.id, invitation.skpd_id)}"
        link = absolute_url("bimtek.register", invitation_id=invitation.id)
        for user, address, who in recipients:
            rows.append(send_email(
                KIND, user, subject, to_email=address, event=event, invitation=invitation,
                register_link=link if user is not None else None, attachments=attachments,
                dedupe_key=keys.event_mail(event.id, "invited", f"{prefix}:{who}")))
    db.session.flush()
    return rows


def told_heads(event_id, skpd_id):
    """The head addresses the SKPD's invitation mail of the event was delivered to."""
    stmt = select(Notification.to_email).where(
        Notification.dedupe_key.startswith(skpd_prefix(event_id, skpd_id), autoescape=True),
        Notification.dedupe_key.endswith(":head", autoescape=True),
        Notification.status.in_((OutboxStatus.SENT, OutboxStatus.PARTIAL)))
    return sorted(set(db.session.scalars(stmt)))


def supersede_invitation_mail(invitation, reason):
    """Keep the SKPD's pending invitation mail of this event from being sent."""
    return supersede([skpd_prefix(invitation.event_id, invitation.skpd_id)], reason)
