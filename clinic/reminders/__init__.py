"""Outbox and delivery (the scheduler and reminders build on these)."""
from flask import Blueprint

bp = Blueprint("reminders", __name__)

from clinic.reminders import routes, status_routes  # noqa: E402,F401
