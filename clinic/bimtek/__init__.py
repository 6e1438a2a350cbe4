"""Bimtek events: workshops for many SKPDs with an agenda, invitations and registration."""
from flask import Blueprint

bp = Blueprint("bimtek", __name__)

from clinic.bimtek import routes  # noqa: E402,F401
