"""Innovations, reporting items, evidence, verification and the IID score."""
from flask import Blueprint

bp = Blueprint("reporting", __name__)

# engine: the score hooks; mail_checks: the delivery check of the "needs fixing" mail
from clinic.reporting import engine, mail_checks, routes  # noqa: E402,F401
