"""Links for e-mails: absolute URLs (writing and sending mail is clinic.outbox's work)."""
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
