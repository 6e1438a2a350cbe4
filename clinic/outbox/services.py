"""Writes to the outbox: one send_email() for every mail, and staff actions on rows."""
from base64 import b64encode
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from clinic import audit
from clinic.db_types import utcnow
from clinic.email import sender_address
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.models import Notification, OutboxStatus


def _msgid_domain():
    # Message-IDs name the sender's domain, as mail servers expect of a message they relay.
    return sender_address().rsplit("@", 1)[-1] or "localhost"


def file_attachment(filename, content_type, data):
    """An outbox attachment of bytes (kept as base64 in the row's JSON)."""
    return {"filename": filename, "content_type": content_type, "base64": True,
            "data": b64encode(data).decode("ascii")}


def send_email(kind, recipient, subject, *, to_email=None, locale=None, dedupe_key=None,
               send_after=None, cc=None, attachments=None, secret_links=(), **context):
    """Render ``templates/email/<kind>.txt`` and ``.html`` and add an outbox row.

    The row joins the caller's transaction: it is delivered only if the caller commits.
    ``subject`` is a lazy string, rendered in the recipient's language like the bodies.
    ``attachments`` is a list of ``{"filename", "content_type", "data"}`` with text data, or
    made by ``file_attachment`` for bytes (a PDF, an image).
    ``secret_links`` names the links (``secret_link(name)`` placeholders in the context) that
    delivery makes at send time; a mail with one goes to its recipient only, never in copy.
    """
    if secret_links and cc:
        raise ValueError("a mail carrying a secret link is sent to its recipient only")
    locale = (locale or getattr(recipient, "locale", None)
              or current_app.config["BABEL_DEFAULT_LOCALE"])
    to_email = to_email or recipient.email
    context.setdefault("recipient", recipient)
    context.setdefault("base_url", current_app.config["BASE_URL"].rstrip("/"))
    with force_locale(locale):
        body_text = render_template(f"email/{kind}.txt", **context)
        body_html = render_template(f"email/{kind}.html", **context)
        subject_text = " ".join(str(subject).split())
    row = Notification(
        kind=kind,
        recipient_id=getattr(recipient, "id", None),
        to_email=to_email,
        cc=cc,
        locale=locale,
        subject=subject_text[:255],
        body_text=body_text,
        body_html=body_html,
        dedupe_key=dedupe_key,
        message_id=make_msgid(domain=_msgid_domain()),
        send_after=send_after or utcnow(),
        attachments=attachments or None,
        secret_links=",".join(sorted(secret_links)) or None,
    )
    db.session.add(row)
    return row


def may_change(row, user):
    """Whether ``user`` may cancel or resend ``row``.

    Nobody cancels or resends a mail that carries an access link for someone else (cancelling
    a reset would keep it from its owner, who can ask for a new one), and only an admin touches
    mail addressed to an admin.
    """
    if row.grants_access and row.recipient_id != user.id:
        return False
    recipient_role = row.recipient.role if row.recipient is not None else None
    return recipient_role != "admin" or user.role == "admin"


def resend(row, actor, ip=None):
    """Queue a failed or cancelled row again, keeping its Message-ID."""
    row.status = OutboxStatus.PENDING
    row.send_after = utcnow()
    row.last_error = None
    audit.record("outbox_resend", actor=actor, obj=row, ip=ip)


def cancel(row, actor, ip=None):
    """Keep a pending row from being sent."""
    row.status = OutboxStatus.CANCELLED
    audit.record("outbox_cancel", actor=actor, obj=row, ip=ip)


def superseded_key(row):
    """The key a superseded row keeps: renamed, so the right row may take the old one."""
    return f"superseded:{row.id}:{row.dedupe_key}"[:190] if row.dedupe_key else None


def supersede(prefixes, reason, kinds=None):
    """Keep the pending rows whose dedupe key starts with one of ``prefixes`` from being sent.

    Called in the transaction of the change that made them wrong. Each row keeps its text for
    the outbox page; its key is renamed so that the planner can write the right row under the
    same key. ``kinds`` narrows it to some kinds of mail. Returns the superseded rows.
    """
    prefixes = [p for p in prefixes if p]
    if not prefixes:
        return []
    stmt = (select(Notification)
            .where(Notification.status == OutboxStatus.PENDING,
                   or_(*(Notification.dedupe_key.startswith(p, autoescape=True)
                         for p in prefixes)))
            .order_by(Notification.id))
    if kinds:
        stmt = stmt.where(Notification.kind.in_(kinds))
    superseded = []
    for row in db.session.scalars(stmt).all():
        # Conditional, like delivery's claim: a row a sender took meanwhile is left to it.
        result = db.session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SUPERSEDED, last_error=f"superseded: {reason}"[:2000],
                    dedupe_key=superseded_key(row))
            .execution_options(synchronize_session="fetch"))
        if result.rowcount == 1:
            superseded.append(row)
    return superseded


def supersede_item_lists(skpd_ids, reason):
    """Supersede the pending digests and countdowns of these SKPDs: an item of theirs was
    submitted, verified or returned, so the lists in them are wrong."""
    return supersede(keys.skpd_prefixes(skpd_ids, (keys.SKPD_DIGEST, keys.SKPD_COUNTDOWN)),
                     reason)


def supersede_task_lists(skpd_ids, reason):
    """Supersede the pending digests and escalations of these SKPDs: a task of theirs was
    closed, cancelled, done, reopened or moved."""
    return supersede(keys.skpd_prefixes(skpd_ids, (keys.SKPD_DIGEST, keys.SKPD_ESCALATION)),
                     reason)


def supersede_digests(skpd_ids, reason):
    """Supersede the pending digests of these SKPDs (a session they list moved or went)."""
    return supersede(keys.skpd_prefixes(skpd_ids, (keys.SKPD_DIGEST,)), reason)


def supersede_task_mail(task_id, reason):
    """Supersede a task's pending "assigned to you" mail (reassigned, closed or cancelled)."""
    return supersede([keys.task_prefix(task_id)], reason)


def supersede_session_mail(session_id, reason, kinds=None):
    """Supersede the pending invitations, cancellations and reminders of one session."""
    return supersede([keys.session_prefix(session_id)], reason, kinds=kinds)
