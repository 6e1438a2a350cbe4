"""Views of the reporting blueprint: score pages (placeholders until they land)."""
from flask import abort
from flask_login import login_required

from clinic.reporting import bp


@bp.route("/score/", methods=["GET"])
@login_required
def score(**kwargs):
    abort(404)


@bp.route("/score/skpd/<int:skpd_id>", methods=["GET"])
@login_required
def score_skpd(**kwargs):
    abort(404)
