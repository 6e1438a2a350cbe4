"""Follow-up tasks (tindak lanjut): from findings or by hand, owned by an SKPD contact."""
from flask import Blueprint

bp = Blueprint("followups", __name__)

from clinic.followups import routes  # noqa: E402,F401
