"""Links for e-mails: absolute URLs (writing and sending mail is clinic.outbox's work)."""
from flask import current_app, has_request_context, url_for


def absolute_url(endpoint, **values):
    """An absolute link for e-mails, which may be written outside any request (CLI, scheduler)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
