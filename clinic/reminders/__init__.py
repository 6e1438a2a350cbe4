"""Reminders: the planner writes what is due into the outbox; the scheduler wakes it up."""
from flask import Blueprint

bp = Blueprint("reminders", __name__)
# One-click unsubscribe links in reminder mails, outside /admin and without login.
unsubscribe_bp = Blueprint("unsubscribe", __name__)

from clinic.reminders import routes, staleness  # noqa: E402,F401
