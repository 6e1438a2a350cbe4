"""Coaching clinics: scheduling, invitations, calendar, attendance, notes and findings."""
from flask import Blueprint

bp = Blueprint("coaching", __name__)

from clinic.coaching import (  # noqa: E402,F401
    calendar_routes, closed_date_routes, notes_routes, routes,
)
