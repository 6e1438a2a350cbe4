"""Innovations, reporting items, evidence, verification and the IID score."""
from flask import Blueprint

bp = Blueprint("reporting", __name__)

from clinic.reporting import (  # noqa: E402,F401
    innovation_routes, item_routes, review_routes, score_routes,
)
