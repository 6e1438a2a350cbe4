"""The outbox page: every e-mail the application would send, readable by staff."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from clinic.access import roles_required
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.outbox import bp, queries, services
from clinic.outbox.delivery import smtp_configured
from clinic.outbox.models import Notification, OutboxStatus
from clinic.secret_links import describe_secret_links
from clinic.web import actor, paginate


@bp.route("/")
@roles_required("admin", "staff")
def index():
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    q = request.args.get("q", "").strip()
    return render_template(
        "outbox/index.html", page=paginate(queries.filtered(status, kind, q)), status=status,
        kind=kind, q=q, kinds=queries.kinds(), statuses=OutboxStatus.ALL,
        backlog=queries.outbox_backlog(), smtp_configured=smtp_configured(),
    )


def _shown(text):
    # The stored bodies hold placeholders, never links; say what delivery adds in their place.
    return describe_secret_links(text, _("[tautan rahasia, dibuat saat dikirim]"))


@bp.route("/<int:notification_id>")
@roles_required("admin", "staff")
def message(notification_id):
    row = db.session.get(Notification, notification_id) or abort(404)
    return render_template("outbox/message.html", row=row, body_text=_shown(row.body_text),
                           may_change=services.may_change(row, actor()))


@bp.route("/<int:notification_id>/html")
@roles_required("admin", "staff")
def message_html(notification_id):
    row = db.session.get(Notification, notification_id) or abort(404)
    response = current_app.response_class(_shown(row.body_html) or "", mimetype="text/html")
    # Shown inside a sandboxed frame of the message page; no scripts, no same-origin access.
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _change(notification_id, statuses, change, refused, done):
    """Apply ``change`` to a row in one of ``statuses`` that the user may change, then show it.

    A row in another status is left as it is, with a warning (the page may be older than it).
    """
    row = db.session.get(Notification, notification_id) or abort(404)
    if not services.may_change(row, actor()):
        abort(403)
    if row.status not in statuses:
        flash(refused, "warning")
    else:
        change(row, actor(), client_ip())
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("outbox.message", notification_id=row.id))


@bp.route("/<int:notification_id>/resend", methods=["POST"])
@roles_required("admin", "staff")
def resend(notification_id):
    return _change(notification_id, (OutboxStatus.FAILED, OutboxStatus.CANCELLED),
                   services.resend,
                   _("Hanya e-mail yang gagal atau dibatalkan yang dapat dikirim ulang."),
                   _("E-mail dijadwalkan untuk dikirim ulang."))


@bp.route("/<int:notification_id>/cancel", methods=["POST"])
@roles_required("admin", "staff")
def cancel(notification_id):
    return _change(notification_id, (OutboxStatus.PENDING,), services.cancel,
                   _("Hanya e-mail yang masih menunggu yang dapat dibatalkan."),
                   _("Pengiriman e-mail dibatalkan."))
