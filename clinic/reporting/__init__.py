"""Innovations, reporting items, evidence, verification and the IID score."""
from flask import Blueprint

bp = Blueprint("reporting", __name__)

from clinic.reporting import engine, routes  # noqa: E402,F401  (engine: the score hooks)
