"""Mail of Bimtek events to an invited SKPD's contacts, through the outbox."""
from sqlalchemy import select

from clinic.auth.models import User
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.services import send_email


def skpd_contacts(skpd_id):
    stmt = select(User).where(User.skpd_id == skpd_id, User.role == "contact",
                              User.is_active.is_(True)).order_by(User.id)
    return db.session.scalars(stmt).all()


def mail_skpd(invitation, kind, subject, tag, **context):
    """Write ``kind`` to every active contact of the invitation's SKPD."""
    rows = []
    context.setdefault("register_link",
                       absolute_url("bimtek.register", invitation_id=invitation.id))
    for user in skpd_contacts(invitation.skpd_id):
        rows.append(send_email(
            kind, user, subject, event=invitation.event, invitation=invitation,
            dedupe_key=keys.event_mail(invitation.event_id, tag, f"u{user.id}"), **context))
    return rows
