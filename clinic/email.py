"""Links and the sender for e-mails: absolute URLs and the configured sender's address
(writing and sending mail is clinic.outbox's work)."""
from email.utils import parseaddr

from flask import current_app, has_request_context, url_for

ADAPTER = "email_url_adapter"


def _adapter():
    """The app's URL map bound once for links built outside a request (a request context per
    link cost a reminder pass most of its time)."""
    app = current_app._get_current_object()
    adapter = app.extensions.get(ADAPTER)
    if adapter is None:
        adapter = app.extensions[ADAPTER] = app.url_map.bind("localhost", "/")
    return adapter


def absolute_url(endpoint, **values):
    """An absolute link for e-mails, which may be written outside any request (CLI, scheduler)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = _adapter().build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def sender_address():
    """The address of MAIL_DEFAULT_SENDER, which Flask-Mail takes as "Name <address>", an
    address, or a (name, address) pair."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    if isinstance(sender, (tuple, list)):
        return sender[1]
    return parseaddr(sender)[1]
