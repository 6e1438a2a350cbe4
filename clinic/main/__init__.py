"""Home pages per role, the language switch and the health check."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from clinic.main import routes  # noqa: E402,F401
