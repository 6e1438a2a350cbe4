"""Coaching clinics: scheduling, invitations, calendar, attendance, notes and findings."""
from flask import Blueprint

bp = Blueprint("coaching", __name__)

from clinic.coaching import routes  # noqa: E402,F401
