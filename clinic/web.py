"""Request-wide behaviour: security headers, template helpers, safe redirects, list pages,
and the answer of a view's write (commit, or refuse with the service's reason)."""
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app, flash, request
from babel.numbers import parse_pattern
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user

from clinic import dates, navigation
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.ids import bounded_int

DEFAULT_NUMBER_LOCALE = "id"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def safe_next(target):
    """Return ``target`` only when it is a path on this site, else None (no open redirect)."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def actor():
    """The signed-in user as a plain object, to hand to services (which never read it)."""
    return current_user._get_current_object()


def refuse(form, error, category="danger"):
    """Answer a service's DomainError: undo the session and show each message by its field.

    Without a form (an action button), the messages are flashed instead, as ``category``.
    """
    db.session.rollback()
    for refusal in error.refusals():
        # A lazy string counts as safe HTML in Jinja; str() lets the template escape user input.
        message = str(refusal.message)
        field = getattr(form, refusal.field, None) if form is not None and refusal.field else None
        if field is not None:
            field.errors = [*field.errors, message]
        elif form is not None:
            form.form_errors.append(message)
        else:
            flash(message, category)


class Committed:
    """What ``committing`` yields: true once the block's work is committed."""

    def __init__(self):
        self.done = False

    def __bool__(self):
        return self.done


@contextmanager
def committing(form=None, category="danger"):
    """A view's write: commit what the block did, or answer the DomainError it raised.

    The refusal is answered with ``refuse(form, error, category)`` and goes no further; the
    view reads the yielded object to know which happened::

        with committing(form) as committed:
            user = services.create_user(...)
        if committed:
            flash(...)
            return redirect(...)
    """
    committed = Committed()
    try:
        yield committed
    except DomainError as error:
        refuse(form, error, category)
    else:
        db.session.commit()
        committed.done = True


def paginate(stmt):
    """Return the page of ``stmt`` that ``?page=`` asks for (the first when it is not a page)."""
    # Bounded: a huge page would become an OFFSET the database refuses.
    page = request.args.get("page", 1, type=bounded_int)
    return db.paginate(stmt, page=page, per_page=current_app.config["ITEMS_PER_PAGE"],
                       error_out=False)


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user and current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


@lru_cache(maxsize=8)
def _number_pattern(digits):
    """The parsed Babel pattern (parsing it on every call cost half of a score page's figures)."""
    return parse_pattern("#,##0." + "0" * digits if digits else "#,##0")


def _format(value, digits):
    return _number_pattern(digits).apply(value, get_locale() or DEFAULT_NUMBER_LOCALE)


def fmt_number(value, digits=2):
    """Numbers as the viewer's language writes them: '60,72' in Indonesian."""
    if value is None:
        return ""
    return _format(value, digits)


def fmt_rupiah(value):
    if value is None:
        return ""
    return "Rp " + _format(value, 0)


def template_globals():
    return {
        "current_locale": str(get_locale()),
        "nav_items": navigation.nav_items(current_user, request.endpoint) if current_user else [],
        "role_label": navigation.role_label,
        "outbox_status_label": navigation.outbox_status_label,
        "outbox_kind_label": navigation.outbox_kind_label,
    }


def _finalize(value):
    # Flask-Babel's lazy strings declare themselves safe HTML (__html__), so a message such as
    # _l("kode '%(code)s' tidak dikenal", code=<user input>) would reach the page unescaped.
    # Turning them into plain text here lets autoescaping treat them like any other string.
    if isinstance(value, LazyString):
        return str(value)
    return value


def init_app(app):
    app.jinja_env.finalize = _finalize
    app.after_request(security_headers)
    app.context_processor(template_globals)
    app.jinja_env.filters.update(
        date=dates.fmt_date,
        date_short=dates.fmt_date_short,
        datetime=dates.fmt_datetime,
        number=fmt_number,
        rupiah=fmt_rupiah,
    )
