"""The mail outbox: every e-mail is a row here first; delivery sends the rows over SMTP."""
from flask import Blueprint

bp = Blueprint("outbox", __name__)

from clinic.outbox import routes  # noqa: E402,F401
