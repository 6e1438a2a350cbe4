"""Error pages in the user's language; a server error rolls the session back."""
import logging

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from clinic.extensions import db

logger = logging.getLogger(__name__)
PAGES = (400, 403, 404, 405, 413, 429, 500)


class DomainError(ValueError):
    """A change a service refuses; the message is shown to the user.

    ``field`` names the form field the message belongs to (None: the form or page as a whole).
    Each feature names its own subclasses; views answer all of them with ``web.refuse``.
    """

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def refusals(self):
        """The messages to show, each a DomainError with its field: this one, unless a
        subclass refuses for several reasons at once."""
        return [self]


class ConflictError(DomainError):
    """Someone else saved the same row first (optimistic locking)."""


def check_version(row, expected_version, message, error=ConflictError):
    """Refuse a save of ``row`` opened at another version (None: the caller did not say)."""
    if expected_version is not None and int(expected_version) != row.version_id:
        raise error(message)


def _wants_json():
    return request.path.startswith("/healthz") or (
        request.accept_mimetypes.best == "application/json"
    )


def render_error(code):
    """The error page with the real status; a code without its own text uses its family's."""
    if _wants_json():
        return {"error": code}, code
    text = code if code in PAGES else 400 if 400 <= code < 500 else 500
    return render_template("errors/error.html", code=code, text=text), code


def handle_http(exc):
    code = exc.code or 500
    if code >= 500:
        db.session.rollback()
    response = render_error(code)
    if exc.code == 405:
        body, status = response
        return body, 405, {"Allow": ", ".join(exc.valid_methods or [])}
    return response


def handle_csrf(exc):
    return render_error(400)


def handle_unexpected(exc):
    db.session.rollback()
    # The route's pattern, not the path: a path may carry a token (reset, feed, unsubscribe).
    route = request.url_rule.rule if request.url_rule else "(no route)"
    logger.exception("Unhandled error on %s %s", request.method, route)
    return render_error(500)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
