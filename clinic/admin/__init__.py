"""Administration: work units (SKPD), user accounts and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from clinic.admin import routes  # noqa: E402,F401
