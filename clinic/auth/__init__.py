"""Authentication: log in and out, invitations, password reset and change, own profile."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from clinic.auth import routes  # noqa: E402,F401
