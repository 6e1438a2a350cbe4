"""Delivery of outbox rows over SMTP: claim, send on one connection, record the outcome."""
import logging
import smtplib
import socket
from datetime import timedelta

from flask import current_app
from flask_mail import BadHeaderError, Connection
from sqlalchemy import select, update

from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.outbox.checks import Postpone, Supersede, verdict
from clinic.outbox.message import build_message
from clinic.outbox.models import Notification, OutboxStatus
from clinic.outbox.services import superseded_key
from clinic.secret_links import SecretLinkUnavailable

logger = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=15)


class TimeoutConnection(Connection):
    """An SMTP connection built from the app config, with connect and read timeouts.

    Flask-Mail's own connection sets no timeout, and the unbound ``mail`` extension holds no
    settings (``init_app`` keeps them in ``app.extensions``), so read them from the config here.
    It always connects: an empty MAIL_SERVER is how this app keeps mail in the outbox, and
    Flask-Mail's MAIL_SUPPRESS_SEND (on by default under TESTING) must not turn delivery into
    a silent no-op.
    """

    def __init__(self):
        super().__init__(current_app.extensions["mail"])

    def __enter__(self):
        self.host = self.configure_host()
        self.num_emails = 0
        return self

    def configure_host(self):
        config = current_app.config
        cls = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        host = cls(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        try:
            if config["MAIL_USE_TLS"]:
                host.starttls()
            if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
                host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            host.close()
            raise
        return host


def smtp_configured():
    return bool(current_app.config.get("MAIL_SERVER"))


def backoff(attempts):
    """Wait before the next try: 1, 2, 4 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def release_stale_claims(now):
    db.session.execute(
        update(Notification)
        .where(Notification.status == OutboxStatus.SENDING,
               Notification.claimed_at < now - STALE_CLAIM)
        .values(status=OutboxStatus.PENDING)
    )


def claim(row_id, now):
    """Mark one pending row as ours; another sender that got there first wins."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == row_id, Notification.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now)
    )
    return result.rowcount == 1


def claim_due(now, limit):
    """Claim up to ``limit`` due rows and return their ids.

    PostgreSQL and MariaDB lock the chosen rows with FOR UPDATE SKIP LOCKED, so two senders
    pick different rows without waiting; SQLite (one writer at a time) relies on the
    conditional UPDATE of ``claim``, which is atomic everywhere.
    """
    stmt = (select(Notification.id)
            .where(Notification.status == OutboxStatus.PENDING, Notification.send_after <= now)
            .order_by(Notification.send_after, Notification.id)
            .limit(limit))
    if db.session.get_bind().dialect.name in ("postgresql", "mysql", "mariadb"):
        stmt = stmt.with_for_update(skip_locked=True)
    due = db.session.scalars(stmt).all()
    claimed = [row_id for row_id in due if claim(row_id, now)]
    db.session.commit()
    return claimed


def _fail(row, error, now, permanent):
    row.attempts += 1
    row.last_error = str(error)[:2000]
    if permanent or row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        row.status = OutboxStatus.FAILED
    else:
        row.status = OutboxStatus.PENDING
        row.send_after = now + backoff(row.attempts)


def deliver_pending(now=None, limit=None):
    """Send every due outbox row (at most ``limit``), a batch of OUTBOX_BATCH_SIZE per SMTP
    connection, until none is left; return counts by outcome.

    Rows due after the pass began, and rows put back for a retry, wait for the next pass, so
    a pass always ends. A server that cannot be reached ends it after one batch.
    """
    now = now or utcnow()
    batch = current_app.config["OUTBOX_BATCH_SIZE"]
    counts = {"sent": 0, "retry": 0, "failed": 0, "superseded": 0, "postponed": 0}
    if not smtp_configured():
        return counts
    release_stale_claims(now)
    db.session.commit()
    left = limit
    while left is None or left > 0:
        claimed = claim_due(now, batch if left is None else min(batch, left))
        if not claimed:
            break
        if left is not None:
            left -= len(claimed)
        if not _deliver_batch(claimed, now, counts):
            break
    return counts


def _deliver_batch(claimed, now, counts):
    """Send the claimed rows over one connection; False when the server could not be reached."""
    rows = db.session.scalars(select(Notification).where(Notification.id.in_(claimed))
                              .order_by(Notification.send_after, Notification.id)).all()
    try:
        connection = TimeoutConnection()
        connection.__enter__()
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("SMTP connection failed: %s", exc)
        for row in rows:
            _fail(row, exc, now, permanent=False)
            counts["retry"] += 1
        db.session.commit()
        return False
    try:
        for row in rows:
            counts[_check(row, now) or _send_one(connection, row, now)] += 1
            db.session.commit()
    finally:
        try:
            connection.__exit__(None, None, None)
        except (OSError, smtplib.SMTPException):
            pass
    return True


def _check(row, now):
    """Re-validate a claimed row against the data now: supersede or postpone it, or None."""
    found = verdict(row, now)
    if isinstance(found, Supersede):
        row.status = OutboxStatus.SUPERSEDED
        row.last_error = f"superseded: {found.reason}"[:2000]
        row.dedupe_key = superseded_key(row)
        return "superseded"
    if isinstance(found, Postpone):
        row.status = OutboxStatus.PENDING
        # Later than this pass's moment, so that the pass cannot claim the row again.
        row.send_after = max(found.until, now + timedelta(minutes=1))
        return "postponed"
    return None


def _has_line_break(*values):
    # Flask-Mail's check skips Cc and allows folded subjects; no header of ours spans lines.
    return any("\r" in value or "\n" in value for value in values if value)


def _send_one(connection, row, now):
    try:
        msg = build_message(row)
        if msg.has_bad_headers() or _has_line_break(row.subject, row.to_email, row.cc,
                                                     msg.sender):
            raise BadHeaderError("header injection")
        refused = connection.host.sendmail(
            msg.sender, msg.send_to, msg.as_bytes(), msg.mail_options, msg.rcpt_options
        )
    except BadHeaderError as exc:
        _fail(row, exc, now, permanent=True)
        return "failed"
    except SecretLinkUnavailable as exc:
        # The account the link is for is gone or deactivated: nothing to send any more.
        _fail(row, f"link {exc} unavailable: the recipient's account is no longer active",
              now, permanent=True)
        return "failed"
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        _fail(row, exc.recipients, now, permanent=all(c >= 500 for c in codes))
        return "failed" if row.status == OutboxStatus.FAILED else "retry"
    except smtplib.SMTPResponseException as exc:
        _fail(row, f"{exc.smtp_code} {exc.smtp_error!r}", now, permanent=exc.smtp_code >= 500)
        return "failed" if row.status == OutboxStatus.FAILED else "retry"
    except (OSError, smtplib.SMTPException, socket.timeout) as exc:
        _fail(row, exc, now, permanent=False)
        return "retry"
    row.attempts += 1
    row.sent_at = now
    if not refused:
        row.status = OutboxStatus.SENT
        row.last_error = None
        return "sent"
    # Some recipients took it: sending again would duplicate it for them, so no retry; the
    # refused addresses stay visible on the row.
    row.last_error = "refused: " + "; ".join(
        f"{address} {code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
        for address, (code, reply) in refused.items())[:2000]
    main_refused = row.to_email.lower() in {address.lower() for address in refused}
    row.status = OutboxStatus.FAILED if main_refused else OutboxStatus.PARTIAL
    return "failed" if main_refused else "sent"
