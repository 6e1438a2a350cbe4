"""Views of the reporting blueprint: innovation pages (placeholders until they land)."""
from flask import abort
from flask_login import login_required

from clinic.reporting import bp


@bp.route("/innovations/", methods=["GET"])
@login_required
def innovation_list(**kwargs):
    abort(404)


@bp.route("/innovations/new", methods=["GET", "POST"])
@login_required
def innovation_create(**kwargs):
    abort(404)


@bp.route("/innovations/<int:innovation_id>", methods=["GET"])
@login_required
def innovation_detail(**kwargs):
    abort(404)


@bp.route("/innovations/<int:innovation_id>/edit", methods=["GET", "POST"])
@login_required
def innovation_edit(**kwargs):
    abort(404)


@bp.route("/innovations/<int:innovation_id>/resubmit", methods=["GET", "POST"])
@login_required
def innovation_resubmit(**kwargs):
    abort(404)


@bp.route("/innovations/<int:innovation_id>/documents", methods=["POST"])
@login_required
def document_upload(**kwargs):
    abort(404)


@bp.route("/innovations/<int:innovation_id>/documents/<int:document_id>", methods=["GET"])
@login_required
def document_download(**kwargs):
    abort(404)


@bp.route("/innovations/<int:innovation_id>/documents/<int:document_id>/remove", methods=["POST"])
@login_required
def document_remove(**kwargs):
    abort(404)
