"""Views of the catalogue blueprint (placeholder until the cycle pages land)."""
from flask import render_template

from clinic.access import roles_required
from clinic.catalogue import bp


@bp.route("/")
@roles_required("admin", "staff")
def cycle_list():
    return render_template("base.html")
