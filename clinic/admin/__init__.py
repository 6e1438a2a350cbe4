"""Administration: work units (SKPD), user accounts and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from clinic.admin import audit_routes, routes, skpd_routes, user_routes  # noqa: E402,F401
