"""Views of the reporting blueprint: item pages (placeholders until they land)."""
from flask import abort
from flask_login import login_required

from clinic.reporting import bp


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item_detail(**kwargs):
    abort(404)


@bp.route("/items/<int:item_id>/submit", methods=["POST"])
@login_required
def item_submit(**kwargs):
    abort(404)


@bp.route("/items/<int:item_id>/evidence", methods=["POST"])
@login_required
def evidence_upload(**kwargs):
    abort(404)


@bp.route("/items/<int:item_id>/links", methods=["POST"])
@login_required
def evidence_link(**kwargs):
    abort(404)


@bp.route("/items/<int:item_id>/evidence/<int:evidence_id>", methods=["GET"])
@login_required
def evidence_download(**kwargs):
    abort(404)


@bp.route("/items/<int:item_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@login_required
def evidence_remove(**kwargs):
    abort(404)
