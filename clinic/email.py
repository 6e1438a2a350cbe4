"""One way to send e-mail: render the kind's templates in the recipient's language into the outbox."""
from email.utils import make_msgid

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale

from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.reminders.models import Notification


def _msgid_domain():
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"


def send_email(kind, recipient, subject, *, to_email=None, locale=None, dedupe_key=None,
               send_after=None, cc=None, attachments=None, secret_links=(), **context):
    """Render ``templates/email/<kind>.txt`` and ``.html`` and add an outbox row.

    The row joins the caller's transaction: it is delivered only if the caller commits.
    ``subject`` is a lazy string, rendered in the recipient's language like the bodies.
    ``attachments`` is a list of ``{"filename", "content_type", "data"}`` with text data.
    ``secret_links`` names the links (``secret_link(name)`` placeholders in the context) that
    delivery makes at send time; a mail with one goes to its recipient only, never in copy.
    """
    if secret_links and cc:
        raise ValueError("a mail carrying a secret link is sent to its recipient only")
    locale = locale or getattr(recipient, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
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


def absolute_url(endpoint, **values):
    """An absolute link for e-mails, which may be written outside any request (CLI, scheduler)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
