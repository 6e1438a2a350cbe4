"""Views of the admin blueprint (placeholder until the admin pages land)."""
from flask import render_template

from clinic.access import roles_required
from clinic.admin import bp


@bp.route("/skpd/")
@roles_required("admin", "staff")
def skpd_list():
    return render_template("base.html")


@bp.route("/users/")
@roles_required("admin", "staff")
def user_list():
    return render_template("base.html")


@bp.route("/audit/")
@roles_required("admin", "staff")
def audit_log():
    return render_template("base.html")
