"""Access rules in one place: role checks and the SKPD scope every query goes through."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import false, select

from clinic.extensions import db


def roles_required(*roles):
    """Allow a view to the given roles only (anonymous users go to the login page)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def trainer_skpd_ids(user):
    """SKPD ids a trainer may look at: those of their own sessions (coaching adds them)."""
    return set()


def scope(stmt, model, user):
    """Narrow a select of SKPD-owned rows of ``model`` to what ``user`` may see.

    Each SKPD-owned model names its SKPD column in ``skpd_scope_column``.
    """
    column = getattr(model, model.skpd_scope_column)
    if user.role in ("admin", "staff"):
        return stmt
    if user.role == "contact" and user.skpd_id is not None:
        return stmt.where(column == user.skpd_id)
    if user.role == "trainer":
        ids = trainer_skpd_ids(user)
        return stmt.where(column.in_(ids)) if ids else stmt.where(false())
    return stmt.where(false())


def get_scoped_or_404(model, ident, user):
    """Load one SKPD-owned row by id, or answer 404 when it is absent or out of scope."""
    stmt = scope(select(model).where(model.id == ident), model, user)
    obj = db.session.scalars(stmt).first()
    if obj is None:
        abort(404)
    return obj
