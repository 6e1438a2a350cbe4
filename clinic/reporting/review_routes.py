"""Views of the reporting blueprint: review pages (placeholders until they land)."""
from flask import abort
from flask_login import login_required

from clinic.reporting import bp


@bp.route("/review/", methods=["GET"])
@login_required
def review_queue(**kwargs):
    abort(404)


@bp.route("/items/<int:item_id>/verify", methods=["POST"])
@login_required
def item_verify(**kwargs):
    abort(404)


@bp.route("/items/<int:item_id>/return", methods=["POST"])
@login_required
def item_return(**kwargs):
    abort(404)


@bp.route("/review/verify", methods=["POST"])
@login_required
def review_bulk_verify(**kwargs):
    abort(404)


@bp.route("/spd/", methods=["GET"])
@login_required
def spd_items(**kwargs):
    abort(404)


@bp.route("/spd/<int:item_id>/assign", methods=["POST"])
@login_required
def spd_assign(**kwargs):
    abort(404)
