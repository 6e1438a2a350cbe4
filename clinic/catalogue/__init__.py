"""Assessment cycles and their indicator catalogue (per-cycle master data staff can edit)."""
from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from clinic.catalogue import routes  # noqa: E402,F401
