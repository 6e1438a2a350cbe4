"""Bimtek events: workshops for many SKPDs with an agenda, invitations and registration."""
from flask import Blueprint

bp = Blueprint("bimtek", __name__)

# calendar: the event days in coaching's calendar, feed and clash checks (registered on import).
from clinic.bimtek import calendar, routes  # noqa: E402,F401
