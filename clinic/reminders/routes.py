"""The outbox page: every e-mail the application would send, readable by staff."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from clinic.access import roles_required
from clinic.secret_links import describe_secret_links
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.reminders import bp, services
from clinic.reminders.delivery import smtp_configured
from clinic.reminders.models import Notification, OutboxStatus
from clinic.web import paginate


@bp.route("/")
@roles_required("admin", "staff")
def outbox():
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    q = request.args.get("q", "").strip()
    stmt = select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc())
    if status in OutboxStatus.ALL:
        stmt = stmt.where(Notification.status == status)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Notification.to_email.ilike(like), Notification.subject.ilike(like)))
    page = paginate(stmt)
    kinds = db.session.scalars(select(Notification.kind).distinct().order_by(Notification.kind)).all()
    return render_template(
        "reminders/outbox.html", page=page, status=status, kind=kind, q=q, kinds=kinds,
        statuses=OutboxStatus.ALL, backlog=services.outbox_backlog(),
        smtp_configured=smtp_configured(),
    )


def _shown(text):
    # The stored bodies hold placeholders, never links; say what delivery adds in their place.
    return describe_secret_links(text, _("[tautan rahasia, dibuat saat dikirim]"))


@bp.route("/<int:notification_id>")
@roles_required("admin", "staff")
def message(notification_id):
    row = db.session.get(Notification, notification_id) or abort(404)
    return render_template("reminders/message.html", row=row, body_text=_shown(row.body_text),
                           may_change=services.may_change(row, current_user))


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


@bp.route("/<int:notification_id>/resend", methods=["POST"])
@roles_required("admin", "staff")
def resend(notification_id):
    row = db.session.get(Notification, notification_id) or abort(404)
    if not services.may_change(row, current_user):
        abort(403)
    if row.status not in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
        flash(_("Hanya e-mail yang gagal atau dibatalkan yang dapat dikirim ulang."), "warning")
    else:
        services.resend(row, current_user, client_ip())
        db.session.commit()
        flash(_("E-mail dijadwalkan untuk dikirim ulang."), "success")
    return redirect(url_for("reminders.message", notification_id=row.id))


@bp.route("/<int:notification_id>/cancel", methods=["POST"])
@roles_required("admin", "staff")
def cancel(notification_id):
    row = db.session.get(Notification, notification_id) or abort(404)
    if not services.may_change(row, current_user):
        abort(403)
    if row.status != OutboxStatus.PENDING:
        flash(_("Hanya e-mail yang masih menunggu yang dapat dibatalkan."), "warning")
    else:
        services.cancel(row, current_user, client_ip())
        db.session.commit()
        flash(_("Pengiriman e-mail dibatalkan."), "success")
    return redirect(url_for("reminders.message", notification_id=row.id))
