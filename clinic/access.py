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


# Bappeda sees every SKPD and a contact their own; any other role sees the SKPDs its resolver
# gives, registered by the feature that knows the role (coaching: a trainer's sessions), so this
# base module imports no feature. A role with no resolver sees none.
skpd_resolvers = {}


def register_skpd_resolver(role, resolver):
    """Let ``resolver(user)`` give the SKPD ids a user of ``role`` may see."""
    skpd_resolvers[role] = resolver


def resolved_skpd_ids(user):
    """The SKPD ids the resolver registered for ``user``'s role gives (none without one)."""
    resolver = skpd_resolvers.get(user.role)
    return set(resolver(user)) if resolver is not None else set()


def visible_skpd_ids(user, skpd_ids):
    """The subset of ``skpd_ids`` whose SKPD-owned rows ``user`` may see."""
    skpd_ids = set(skpd_ids)
    if user.role in ("admin", "staff"):
        return skpd_ids
    if user.role == "contact":
        return skpd_ids & {user.skpd_id} if user.skpd_id is not None else set()
    return skpd_ids & resolved_skpd_ids(user)


def _skpd_clause(model, skpd_ids):
    # A model owned by one SKPD names its column; one shared by several SKPDs (a session)
    # gives a clause instead.
    if hasattr(model, "skpd_scope_clause"):
        return model.skpd_scope_clause(skpd_ids)
    return getattr(model, model.skpd_scope_column).in_(skpd_ids)


def scope(stmt, model, user):
    """Narrow a select of SKPD-owned rows of ``model`` to what ``user`` may see.

    Each SKPD-owned model names its SKPD column in ``skpd_scope_column`` (or, when a row
    belongs to several SKPDs, provides ``skpd_scope_clause(skpd_ids)``).
    """
    if user.role in ("admin", "staff"):
        return stmt
    if user.role == "contact" and user.skpd_id is not None:
        return stmt.where(_skpd_clause(model, [user.skpd_id]))
    ids = resolved_skpd_ids(user)
    return stmt.where(_skpd_clause(model, sorted(ids))) if ids else stmt.where(false())


def get_scoped_or_404(model, ident, user):
    """Load one SKPD-owned row by id, or answer 404 when it is absent or out of scope."""
    stmt = scope(select(model).where(model.id == ident), model, user)
    return db.first_or_404(stmt)
